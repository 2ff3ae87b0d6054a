package pluginhost

import (
	"errors"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// metrics are the collectors of a Host; nil when the host has none.
type metrics struct {
	calls    *prometheus.CounterVec
	errors   *prometheus.CounterVec
	latency  *prometheus.HistogramVec
	restarts *prometheus.CounterVec
	circuit  *prometheus.GaugeVec
}

func newMetrics(reg prometheus.Registerer) (*metrics, error) {
	if reg == nil {
		return nil, nil
	}
	call := []string{"kind", "name", "method"}
	plugin := []string{"kind", "name"}
	m := &metrics{
		calls: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "aurora_plugin_calls_total", Help: "Calls to plugins.",
		}, call),
		errors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "aurora_plugin_call_errors_total", Help: "Plugin calls that returned an error.",
		}, call),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "aurora_plugin_call_duration_seconds",
			Help:    "Latency of plugin calls, restarts included.",
			Buckets: prometheus.ExponentialBuckets(0.0001, 2, 17), // 100µs .. 6.5s
		}, call),
		restarts: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "aurora_plugin_restarts_total", Help: "Plugin processes started to replace one that died.",
		}, plugin),
		circuit: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "aurora_plugin_circuit_state", Help: "Circuit breaker state of a plugin: 0 closed, 1 half-open, 2 open.",
		}, plugin),
	}
	var err error
	m.calls, err = register(reg, m.calls)
	if err != nil {
		return nil, err
	}
	if m.errors, err = register(reg, m.errors); err != nil {
		return nil, err
	}
	if m.latency, err = register(reg, m.latency); err != nil {
		return nil, err
	}
	if m.restarts, err = register(reg, m.restarts); err != nil {
		return nil, err
	}
	if m.circuit, err = register(reg, m.circuit); err != nil {
		return nil, err
	}
	return m, nil
}

// register registers c, or returns the collector already registered under
// its name (another Host on the same registry).
func register[C prometheus.Collector](reg prometheus.Registerer, c C) (C, error) {
	if err := reg.Register(c); err != nil {
		var are prometheus.AlreadyRegisteredError
		if errors.As(err, &are) {
			if existing, ok := are.ExistingCollector.(C); ok {
				return existing, nil
			}
		}
		return c, err
	}
	return c, nil
}

func (m *metrics) observe(kind, name, method string, d time.Duration, err error) {
	if m == nil {
		return
	}
	m.calls.WithLabelValues(kind, name, method).Inc()
	if err != nil {
		m.errors.WithLabelValues(kind, name, method).Inc()
	}
	m.latency.WithLabelValues(kind, name, method).Observe(d.Seconds())
}

func (m *metrics) restarted(kind, name string) {
	if m == nil {
		return
	}
	m.restarts.WithLabelValues(kind, name).Inc()
}

func (m *metrics) circuitState(kind, name string, s CircuitState) {
	if m == nil {
		return
	}
	m.circuit.WithLabelValues(kind, name).Set(float64(s))
}
