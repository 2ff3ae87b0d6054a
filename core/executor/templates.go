package executor

import (
	"regexp"
	"strconv"

	"github.com/aurora-go/aurora/core/spec"
)

var portTemplate = regexp.MustCompile(`\{\{thermos\.ports\[([\w\-]+)\]\}\}`)

// bindTemplates replaces Aurora's runtime templates in every process
// command line of the task: {{mesos.instance}}, {{mesos.hostname}},
// {{thermos.task_id}}, {{thermos.ports[NAME]}}, {{role}}, {{environment}},
// {{name}} and {{cluster}}. Unknown templates are left as written.
func bindTemplates(t *spec.AssignedTask, hostname string) spec.Task {
	task := t.Job.Task
	task.Processes = append([]spec.Process(nil), task.Processes...)
	vars := map[string]string{
		"{{mesos.instance}}":  strconv.Itoa(t.Instance),
		"{{mesos.hostname}}":  hostname,
		"{{thermos.task_id}}": t.TaskID,
		"{{role}}":            t.Job.Key.Role,
		"{{environment}}":     t.Job.Key.Environment,
		"{{name}}":            t.Job.Key.Name,
		"{{cluster}}":         t.Job.Cluster,
	}
	re := regexp.MustCompile(`\{\{[\w\.]+\}\}`)
	for i := range task.Processes {
		p := &task.Processes[i]
		p.Cmdline = portTemplate.ReplaceAllStringFunc(p.Cmdline, func(m string) string {
			name := portTemplate.FindStringSubmatch(m)[1]
			if port, ok := t.Ports[name]; ok {
				return strconv.FormatUint(port, 10)
			}
			return m
		})
		p.Cmdline = re.ReplaceAllStringFunc(p.Cmdline, func(m string) string {
			if v, ok := vars[m]; ok {
				return v
			}
			return m
		})
	}
	return task
}
