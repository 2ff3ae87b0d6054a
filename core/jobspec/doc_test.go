package jobspec

import (
	"os"
	"strings"
	"testing"
)

// TestDocExample parses the job block that doc.go documents, so that the
// documented shape stays true. The example shows defaults, so two of its
// values are raised to what its SLA policy needs.
func TestDocExample(t *testing.T) {
	t.Parallel()
	doc, err := os.ReadFile("doc.go")
	if err != nil {
		t.Fatal(err)
	}
	// The example runs from its job line to the job's closing brace;
	// gofmt writes its blank lines as a bare "//".
	var lines []string
	for _, line := range strings.Split(string(doc), "\n") {
		code, ok := strings.CutPrefix(line, "//\t")
		if len(lines) == 0 && !(ok && strings.HasPrefix(code, "job ")) {
			continue
		}
		lines = append(lines, code)
		if code == "}" {
			break
		}
	}
	if len(lines) < 100 {
		t.Fatalf("found %d lines of the example in doc.go, want the whole job block", len(lines))
	}
	src := strings.Join(lines, "\n") + "\n"
	src = edit(t, src, `instances         = 1 `, `instances         = 20`)
	src = edit(t, src, `tier              = "preemptible"`, `tier              = "preferred"`)
	jobs := parseJobs(t, src, Options{})
	j := jobs[0]
	got := []any{j.Key.String(), j.Cron.Schedule, j.Update.Strategy.Type, j.HealthCheck.HTTP.Port, j.Lifecycle.HTTP.Port,
		j.Announce.ZKPath, j.SLAPolicy.Type, j.Container.Docker.Image, j.Task.Name, len(j.Task.Processes), j.Task.Processes[1].Logger.Rotate.Backups}
	want := []any{"www-data/prod/web", "*/5 * * * *", "queue", "health", "health", "/aurora/web", "percentage", "python:3", "web", 2, 5}
	if dumpValue(got) != dumpValue(want) {
		t.Errorf("documented job = %s, want %s", dumpValue(got), dumpValue(want))
	}
}
