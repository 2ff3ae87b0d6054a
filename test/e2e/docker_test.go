//go:build linux

package e2e

import (
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aurora-go/aurora/internal/dockertest"
)

// The docker example job through aurora dev on a real dockerd: it runs,
// its output lands in the sandbox, it serves on its assigned port, and
// kill stops and removes its container.
func TestDockerExampleJob(t *testing.T) {
	eng := dockertest.Start(t)
	t.Setenv("DOCKER_HOST", eng.Host) // aurora dev -> agent -> executor -> docker plugin
	dev := startDev(t, t.TempDir())
	data := t.TempDir()
	const key = "local/www-data/devel/docker_hello"
	dev.mustRun(t, "job", "run", "-wait-timeout", "60s", "-var", "image="+dockertest.Image, "-var", "data_dir="+data, "../../examples/docker.hcl")
	x := latest(dev.status(t, key), 0)
	if x.Status != "RUNNING" || x.Sandbox == "" {
		t.Fatalf("task = %+v, want RUNNING with a sandbox", x)
	}
	stdout := filepath.Join(x.Sandbox, ".logs", "hello", "0", "stdout")
	waitFor(t, 20*time.Second, "the greeting in "+stdout, func() bool {
		b, _ := os.ReadFile(stdout)
		return string(b) == "hello from docker\n"
	})
	if b, _ := os.ReadFile(filepath.Join(data, "hello.txt")); string(b) != "hello from docker\n" {
		t.Fatalf("the volume holds %q", b)
	}
	var body string
	waitFor(t, 20*time.Second, "the container's httpd on the assigned port", func() bool {
		resp, err := http.Get("http://127.0.0.1:" + itoa(int(x.Ports["http"])) + "/hello.txt")
		if err != nil {
			return false
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		body = string(b)
		return resp.StatusCode == 200
	})
	if strings.TrimSpace(body) != "hello from docker" {
		t.Fatalf("served %q", body)
	}
	label := "org.aurora-go.task_id=" + x.ID
	if states, err := eng.Containers(label); err != nil || len(states) != 1 || states[0] != "running" {
		t.Fatalf("containers of the task = %v, %v; want one running", states, err)
	}

	dev.mustRun(t, "job", "kill", key)
	if s := latest(dev.status(t, key), 0).Status; s != "KILLED" {
		t.Fatalf("task is %s after kill, want KILLED", s)
	}
	waitFor(t, 20*time.Second, "the container gone", func() bool {
		states, err := eng.Containers(label)
		return err == nil && len(states) == 0
	})
	if _, err := http.Get("http://127.0.0.1:" + itoa(int(x.Ports["http"])) + "/hello.txt"); err == nil {
		t.Fatal("the port still answers after kill")
	}
}
