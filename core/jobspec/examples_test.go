package jobspec

import (
	"path/filepath"
	"reflect"
	"testing"

	"github.com/aurora-go/aurora/core/spec"
)

// TestExamples parses and validates each example job file (examples/*.hcl
// holds other kinds of files too, so they are listed) and checks what
// each one is there to show.
func TestExamples(t *testing.T) {
	t.Parallel()
	tests := []struct {
		file string
		get  func(j *spec.Job) any
		want any
	}{
		{"hello.hcl", func(j *spec.Job) any { return []any{j.Key.String(), j.Service, j.Task.Processes[0].Name} },
			[]any{"www-data/prod/hello", true, "hello"}},
		{"http_service.hcl", func(j *spec.Job) any {
			hc, lc := j.EffectiveHealthCheck(), j.EffectiveLifecycle()
			return []any{j.Task.Resources.Ports, hc.HTTP.Port, hc.HTTP.Endpoint, lc.GracefulShutdownEndpoint, j.Announce.PrimaryPort, j.Announce.Portmap}
		}, []any{[]string{"http", "health"}, "health", "/health", "/quitquitquit", "http", map[string]string{"aurora": "http", "health": "health"}}},
		{"cron.hcl", func(j *spec.Job) any { return []any{j.Service, j.Cron} },
			[]any{false, &spec.Cron{Schedule: "*/5 * * * *", CollisionPolicy: "CANCEL_NEW"}}},
		{"dedicated.hcl", func(j *spec.Job) any {
			return []any{j.IsDedicated(), j.Constraints["dedicated"], j.Announce.Portmap["legacy"]}
		},
			[]any{true, "www-data/redis", "6379"}},
		{"docker.hcl", func(j *spec.Job) any {
			d := j.Container.Docker
			return []any{d.Image, d.Parameters, d.Volumes, j.Task.Resources.Ports}
		}, []any{"busybox:latest", []spec.DockerParameter{{Name: "env", Value: "GREETING=hello from docker"}},
			[]spec.Volume{{ContainerPath: "/data", HostPath: "/tmp/aurora-docker-data", Mode: "RW"}}, []string{"http"}}},
		{"multi_process.hcl", func(j *spec.Job) any {
			var order [][]string
			var final []string
			for _, p := range j.Task.Processes {
				order = append(order, append([]string{p.Name}, p.After...))
				if p.Final {
					final = append(final, p.Name)
				}
			}
			hb := j.Task.Processes[3]
			return []any{order, final, hb.Daemon && hb.Ephemeral, hb.Logger.Rotate}
		}, []any{[][]string{{"fetch"}, {"build", "fetch"}, {"test", "build"}, {"heartbeat"}, {"cleanup"}}, []string{"cleanup"}, true,
			&spec.RotatePolicy{LogSize: 1 << 20, Backups: 2}}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			t.Parallel()
			jobs, err := ParseFile(filepath.Join("..", "..", "examples", tt.file), Options{})
			if err != nil {
				t.Fatalf("ParseFile: %v", err)
			}
			if len(jobs) != 1 {
				t.Fatalf("got %d jobs, want 1", len(jobs))
			}
			if errs := jobs[0].Validate(); len(errs) != 0 {
				t.Fatalf("Validate() = %v", errs)
			}
			if got := tt.get(jobs[0]); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %s, want %s", dumpValue(got), dumpValue(tt.want))
			}
		})
	}
}
