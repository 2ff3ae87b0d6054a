package spec

import (
	"fmt"
	"regexp"
	"strings"
)

// Aurora's {{...}} templates. The executor binds the runtime ones when it
// starts a task: {{mesos.instance}}, {{mesos.hostname}},
// {{thermos.task_id}}, {{thermos.ports[NAME]}}, {{role}},
// {{environment}}, {{name}} and {{cluster}}. Any other name must be given
// a value when the job is parsed (Aurora's --bind NAME=VALUE, see
// BindTemplates); one left unbound is a validation error.

// templatePattern matches one template; group 1 is its name.
var templatePattern = regexp.MustCompile(`\{\{([^{}]*)\}\}`)

// portTemplate matches the name of a port template; group 1 is the port.
var portTemplate = regexp.MustCompile(`^thermos\.ports\[([\w\-]+)\]$`)

// runtimeTemplates are the names the executor binds.
var runtimeTemplates = map[string]bool{
	"mesos.instance":  true,
	"mesos.hostname":  true,
	"thermos.task_id": true,
	"role":            true,
	"environment":     true,
	"name":            true,
	"cluster":         true,
}

// deprecatedTemplates are the names Aurora's client rewrites.
var deprecatedTemplates = map[string]string{
	"thermos.user":  "role",
	"mesos.role":    "role",
	"mesos.cluster": "cluster",
}

// isRuntimeTemplate reports whether the executor binds name.
func isRuntimeTemplate(name string) bool {
	return runtimeTemplates[name] || portTemplate.MatchString(name)
}

// TemplateField is a string field of a job in which templates are bound.
type TemplateField struct {
	// Path names the field as validation does.
	Path  string
	Value *string
	// Runtime fields are bound by the executor, so runtime templates may
	// stay in them; in other fields every template is bound when the job
	// is parsed (the job's role, environment, name and cluster by
	// ApplyDefaults, anything else by BindTemplates).
	Runtime bool
}

// TemplateFields returns the fields of j in which templates are bound:
// process command lines and the shell health check (runtime), and the
// announcer's zk_path, container images, docker parameter values, volume
// paths and the SLA coordinator URL.
func (j *Job) TemplateFields() []TemplateField {
	var fs []TemplateField
	add := func(path string, v *string, runtime bool) {
		fs = append(fs, TemplateField{Path: path, Value: v, Runtime: runtime})
	}
	for i := range j.Task.Processes {
		p := &j.Task.Processes[i]
		add("task."+processPath(p.Name)+".cmdline", &p.Cmdline, true)
	}
	if h := j.HealthCheck; h != nil && h.Shell != nil {
		add("health_check.shell.command", &h.Shell.Command, true)
	}
	if a := j.Announce; a != nil {
		add("announce.zk_path", &a.ZKPath, false)
	}
	if c := j.Container; c != nil {
		var volumes []Volume
		prefix := "container.docker"
		if d := c.Docker; d != nil {
			add("container.docker.image", &d.Image, false)
			for i := range d.Parameters {
				add(fmt.Sprintf("container.docker.parameter[%d].value", i), &d.Parameters[i].Value, false)
			}
			volumes = d.Volumes
		}
		if m := c.Mesos; m != nil {
			if img := m.Image; img != nil {
				add("container.mesos.image.name", &img.Name, false)
				add("container.mesos.image.tag", &img.Tag, false)
			}
			prefix = "container.mesos"
			volumes = m.Volumes
		}
		for i := range volumes {
			p := fmt.Sprintf("%s.volume[%d]", prefix, i)
			add(p+".container_path", &volumes[i].ContainerPath, false)
			add(p+".host_path", &volumes[i].HostPath, false)
		}
	}
	if s := j.SLAPolicy; s != nil {
		add("sla_policy.coordinator_url", &s.CoordinatorURL, false)
	}
	return fs
}

// BindTemplates replaces every {{NAME}} whose NAME is a key of binds with
// its value, in every template field (Aurora's --bind NAME=VALUE). Binds
// win over the executor's names, as in Aurora.
func (j *Job) BindTemplates(binds map[string]string) {
	if len(binds) == 0 {
		return
	}
	for _, f := range j.TemplateFields() {
		*f.Value = replaceTemplates(*f.Value, func(name string) (string, bool) {
			v, ok := binds[name]
			return v, ok
		})
	}
}

// normalizeTemplates writes templates without inner spaces, rewrites
// Aurora's deprecated names and binds the job's own attributes in fields
// that the executor does not bind.
func (j *Job) normalizeTemplates() {
	attrs := map[string]string{
		"role": j.Key.Role, "environment": j.Key.Environment, "name": j.Key.Name, "cluster": j.Cluster,
	}
	for _, f := range j.TemplateFields() {
		runtime := f.Runtime
		*f.Value = replaceTemplates(*f.Value, func(name string) (string, bool) {
			if to, ok := deprecatedTemplates[name]; ok {
				name = to
			}
			if v, ok := attrs[name]; ok && !runtime {
				return v, true
			}
			return "{{" + name + "}}", true
		})
	}
}

// replaceTemplates replaces each template of s for which value says ok;
// names are trimmed of spaces.
func replaceTemplates(s string, value func(name string) (string, bool)) string {
	if !strings.Contains(s, "{{") {
		return s
	}
	return templatePattern.ReplaceAllStringFunc(s, func(m string) string {
		if v, ok := value(strings.TrimSpace(m[2 : len(m)-2])); ok {
			return v
		}
		return m
	})
}

// templateNames returns the trimmed names of the templates in s.
func templateNames(s string) []string {
	var names []string
	for _, m := range templatePattern.FindAllStringSubmatch(s, -1) {
		names = append(names, strings.TrimSpace(m[1]))
	}
	return names
}

// templatePorts returns the ports that runtime fields refer to with
// {{thermos.ports[NAME]}}, in the order they appear.
func (j *Job) templatePorts() []string {
	var ports []string
	for _, f := range j.TemplateFields() {
		if !f.Runtime {
			continue
		}
		for _, name := range templateNames(*f.Value) {
			if m := portTemplate.FindStringSubmatch(name); m != nil {
				ports = append(ports, m[1])
			}
		}
	}
	return ports
}

// requestedPorts are the task's ports: those it lists and those its
// templates refer to.
func (j *Job) requestedPorts() []string {
	return appendMissing(append([]string(nil), j.Task.Resources.Ports...), j.templatePorts())
}

// validateTemplates reports every template that nothing will bind.
func (j *Job) validateTemplates() FieldErrors {
	var errs FieldErrors
	for _, f := range j.TemplateFields() {
		for _, name := range templateNames(*f.Value) {
			switch {
			case name == "":
				errs.Add(f.Path, "{{}} is an empty template: name what to bind, such as {{mesos.instance}}")
			case isRuntimeTemplate(name) && f.Runtime:
			case isRuntimeTemplate(name):
				errs.Add(f.Path, fmt.Sprintf("{{%s}} is bound by the executor, and only in process cmdlines and shell health checks", name))
			default:
				errs.Add(f.Path, fmt.Sprintf("unknown template {{%s}}: the executor binds only {{mesos.instance}}, {{mesos.hostname}}, "+
					"{{thermos.task_id}}, {{thermos.ports[NAME]}}, {{role}}, {{environment}}, {{name}} and {{cluster}}; "+
					"give it a value with -bind %s=VALUE", name, name))
			}
		}
	}
	return errs
}
