package server

import (
	"fmt"
	"net/http"
	"sort"
	"strings"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/aurora-go/aurora/core/taskstate"
)

// metrics are the replica's gauges; task counts are collected on scrape.
type metrics struct {
	leader     prometheus.Gauge
	registered prometheus.Gauge
}

func newMetrics(reg *prometheus.Registry, s *Server) *metrics {
	m := &metrics{
		leader: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "aurora_scheduler_leader", Help: "1 while this replica is the raft leader.",
		}),
		registered: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "aurora_framework_registered", Help: "1 while the leader is subscribed to Mesos.",
		}),
	}
	voters := prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "aurora_raft_voters", Help: "Voters in this replica's latest raft configuration.",
	}, func() float64 {
		v, err := s.node.Voters()
		if err != nil {
			return 0
		}
		return float64(len(v))
	})
	reg.MustRegister(m.leader, m.registered, voters, &taskCollector{s: s},
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// taskCollector reports the number of tasks in each status.
type taskCollector struct{ s *Server }

var taskStoreDesc = prometheus.NewDesc("aurora_task_store", "Tasks in the store by status.", []string{"status"}, nil)

func (c *taskCollector) Describe(ch chan<- *prometheus.Desc) { ch <- taskStoreDesc }

func (c *taskCollector) Collect(ch chan<- prometheus.Metric) {
	tasks, err := c.s.store.AllTasks()
	if err != nil {
		return
	}
	counts := map[taskstate.Status]int{}
	for _, t := range tasks {
		counts[t.Status]++
	}
	for _, st := range []taskstate.Status{taskstate.Pending, taskstate.Throttled, taskstate.Assigned, taskstate.Starting,
		taskstate.Running, taskstate.Killing, taskstate.Finished, taskstate.Failed, taskstate.Killed, taskstate.Lost,
		taskstate.Partitioned, taskstate.Restarting, taskstate.Preempting, taskstate.Draining} {
		ch <- prometheus.MustNewConstMetric(taskStoreDesc, prometheus.GaugeValue, float64(counts[st]), st.String())
	}
}

func metricsHandler(reg *prometheus.Registry) http.Handler {
	return promhttp.HandlerFor(reg, promhttp.HandlerOpts{})
}

// vars renders the metrics in Aurora's /vars style: one "name value" line
// per metric, labels folded into the name (task_store_RUNNING 3).
func (m *metrics) vars(reg *prometheus.Registry) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		families, err := reg.Gather()
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		var lines []string
		for _, f := range families {
			name := strings.TrimPrefix(f.GetName(), "aurora_")
			for _, metric := range f.GetMetric() {
				n := name
				for _, l := range metric.GetLabel() {
					n += "_" + l.GetValue()
				}
				var v float64
				switch {
				case metric.Gauge != nil:
					v = metric.Gauge.GetValue()
				case metric.Counter != nil:
					v = metric.Counter.GetValue()
				case metric.Untyped != nil:
					v = metric.Untyped.GetValue()
				default:
					continue
				}
				lines = append(lines, fmt.Sprintf("%s %v", n, v))
			}
		}
		sort.Strings(lines)
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		fmt.Fprintln(w, strings.Join(lines, "\n"))
	}
}
