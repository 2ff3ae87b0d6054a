package executor

import (
	"regexp"
	"strconv"

	"github.com/aurora-go/aurora/core/spec"
)

var (
	portTemplate    = regexp.MustCompile(`\{\{thermos\.ports\[([\w\-]+)\]\}\}`)
	runtimeTemplate = regexp.MustCompile(`\{\{[\w\.]+\}\}`)
)

// binder returns a function that replaces Aurora's runtime templates in a
// string: {{mesos.instance}}, {{mesos.hostname}}, {{thermos.task_id}},
// {{thermos.ports[NAME]}}, {{role}}, {{environment}}, {{name}} and
// {{cluster}}. Unknown templates and ports not assigned are left as
// written.
func binder(t *spec.AssignedTask, hostname string) func(string) string {
	vars := map[string]string{
		"{{mesos.instance}}":  strconv.Itoa(t.Instance),
		"{{mesos.hostname}}":  hostname,
		"{{thermos.task_id}}": t.TaskID,
		"{{role}}":            t.Job.Key.Role,
		"{{environment}}":     t.Job.Key.Environment,
		"{{name}}":            t.Job.Key.Name,
		"{{cluster}}":         t.Job.Cluster,
	}
	return func(s string) string {
		s = portTemplate.ReplaceAllStringFunc(s, func(m string) string {
			name := portTemplate.FindStringSubmatch(m)[1]
			if port, ok := t.Ports[name]; ok {
				return strconv.FormatUint(port, 10)
			}
			return m
		})
		return runtimeTemplate.ReplaceAllStringFunc(s, func(m string) string {
			if v, ok := vars[m]; ok {
				return v
			}
			return m
		})
	}
}

// bindTemplates returns the task with the runtime templates of every
// process command line bound. The assigned task is not changed.
func bindTemplates(t *spec.AssignedTask, hostname string) spec.Task {
	bind := binder(t, hostname)
	task := t.Job.Task
	task.Processes = append([]spec.Process(nil), task.Processes...)
	for i := range task.Processes {
		task.Processes[i].Cmdline = bind(task.Processes[i].Cmdline)
	}
	return task
}

// boundHealthCheck returns the task's effective health check with the
// runtime templates of a shell command bound, or nil when there is none.
func boundHealthCheck(t *spec.AssignedTask, hostname string) *spec.HealthCheck {
	h := t.Job.EffectiveHealthCheck()
	if h == nil {
		return nil
	}
	c := *h
	if h.Shell != nil {
		sh := *h.Shell
		sh.Command = binder(t, hostname)(sh.Command)
		c.Shell = &sh
	}
	if h.HTTP != nil {
		hc := *h.HTTP
		if hc.Port == "" {
			hc.Port = spec.DefaultHealthPort
		}
		if hc.Endpoint == "" {
			hc.Endpoint = spec.DefaultHealthEndpoint
		}
		c.HTTP = &hc
	}
	return &c
}
