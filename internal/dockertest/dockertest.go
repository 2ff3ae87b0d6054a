package dockertest

import (
	"archive/tar"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Image is the busybox image every Engine gets, imported offline.
const Image = "aurora-test/busybox:latest"

// HostEnv names an existing engine to use instead of starting one
// (unix:///path).
const HostEnv = "AURORA_TEST_DOCKER_HOST"

// busyboxPaths are where Debian's busybox-static puts its binary.
var busyboxPaths = []string{"/bin/busybox", "/usr/bin/busybox"}

// applets are linked to busybox in the image.
var applets = []string{"sh", "echo", "cat", "sleep", "ls", "mkdir", "mv", "rm", "printf", "kill", "env",
	"true", "false", "test", "[", "grep", "wc", "date", "touch", "httpd", "id", "pwd", "hostname", "seq", "head", "tail"}

// Engine is a running dockerd.
type Engine struct {
	// Socket is the daemon's unix socket; Host is DOCKER_HOST for it.
	Socket, Host string
	client       *http.Client
	cmd          *exec.Cmd
	done         chan struct{}
	log          string
}

// Start runs a dockerd for the test (or uses HostEnv's) with Image
// loaded, and stops it when the test ends. It skips the test, saying why,
// when no engine can run on this machine.
func Start(t testing.TB) *Engine {
	t.Helper()
	if host := os.Getenv(HostEnv); host != "" {
		e := &Engine{Host: host, Socket: strings.TrimPrefix(host, "unix://")}
		e.client = unixClient(e.Socket)
		if err := e.ping(); err != nil {
			t.Fatalf("dockertest: %s=%s does not answer: %v", HostEnv, host, err)
		}
		e.importImage(t)
		return e
	}
	dockerd, err := exec.LookPath("dockerd")
	if err != nil {
		t.Skip("dockertest: dockerd is not installed (Debian's docker.io; scripts/ci-deps.sh installs it), so docker info fails")
	}
	// Short paths: unix sockets are limited to 108 bytes.
	dir, err := os.MkdirTemp("", "dkt")
	if err != nil {
		t.Fatal(err)
	}
	e := &Engine{Socket: filepath.Join(dir, "docker.sock"), log: filepath.Join(dir, "dockerd.log"), done: make(chan struct{})}
	e.Host = "unix://" + e.Socket
	e.client = unixClient(e.Socket)
	logf, err := os.Create(e.log)
	if err != nil {
		t.Fatal(err)
	}
	defer logf.Close()
	e.cmd = exec.Command(dockerd,
		"--iptables=false", "--ip6tables=false", "--bridge=none",
		"--host", e.Host,
		"--data-root", filepath.Join(dir, "root"),
		"--exec-root", filepath.Join(dir, "exec"),
		"--pidfile", filepath.Join(dir, "dockerd.pid"),
	)
	e.cmd.Stdout, e.cmd.Stderr = logf, logf
	e.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := e.cmd.Start(); err != nil {
		t.Skipf("dockertest: cannot start dockerd: %v", err)
	}
	go func() {
		_ = e.cmd.Wait()
		close(e.done)
	}()
	t.Cleanup(func() {
		e.stop()
		unmountUnder(dir)
		_ = os.RemoveAll(dir)
	})
	deadline := time.Now().Add(60 * time.Second)
	for {
		if err := e.ping(); err == nil {
			break
		} else if time.Now().After(deadline) {
			t.Skipf("dockertest: docker info fails: dockerd did not answer within 60s (%v); its log:\n%s", err, e.logTail())
		}
		select {
		case <-e.done:
			t.Skipf("dockertest: docker info fails: dockerd exited while starting; its log:\n%s", e.logTail())
		case <-time.After(100 * time.Millisecond):
		}
	}
	e.importImage(t)
	return e
}

func unixClient(socket string) *http.Client {
	return &http.Client{Transport: &http.Transport{DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
		return (&net.Dialer{}).DialContext(ctx, "unix", socket)
	}}}
}

func (e *Engine) ping() error {
	resp, err := e.client.Get("http://docker/_ping")
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("ping: %s", resp.Status)
	}
	return nil
}

// importImage loads Image from the static busybox: POST /images/create
// with fromSrc=- and a root filesystem tar.
func (e *Engine) importImage(t testing.TB) {
	t.Helper()
	var bin []byte
	for _, p := range busyboxPaths {
		if b, err := os.ReadFile(p); err == nil {
			bin = b
			break
		}
	}
	if bin == nil {
		t.Fatal("dockertest: no busybox binary: install Debian's busybox-static (scripts/ci-deps.sh)")
	}
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, d := range []string{"bin/", "tmp/", "etc/"} {
		_ = tw.WriteHeader(&tar.Header{Name: d, Typeflag: tar.TypeDir, Mode: 0o1777})
	}
	_ = tw.WriteHeader(&tar.Header{Name: "bin/busybox", Mode: 0o755, Size: int64(len(bin))})
	_, _ = tw.Write(bin)
	for _, a := range applets {
		_ = tw.WriteHeader(&tar.Header{Name: "bin/" + a, Typeflag: tar.TypeSymlink, Linkname: "busybox", Mode: 0o777})
	}
	passwd := []byte("root:x:0:0:root:/:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/sh\n")
	_ = tw.WriteHeader(&tar.Header{Name: "etc/passwd", Mode: 0o644, Size: int64(len(passwd))})
	_, _ = tw.Write(passwd)
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	name, tag, _ := strings.Cut(Image, ":")
	resp, err := e.client.Post("http://docker/v1.41/images/create?fromSrc=-&repo="+name+"&tag="+tag, "application/x-tar", &buf)
	if err != nil {
		t.Fatalf("dockertest: import %s: %v", Image, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK || bytes.Contains(body, []byte(`"error"`)) {
		t.Fatalf("dockertest: import %s: %s %s", Image, resp.Status, body)
	}
}

// Containers returns the state (running, exited, ...) of every container,
// in any state, that has label (KEY or KEY=VALUE).
func (e *Engine) Containers(label string) ([]string, error) {
	q := url.Values{"all": {"1"}, "filters": {`{"label":["` + label + `"]}`}}
	resp, err := e.client.Get("http://docker/v1.41/containers/json?" + q.Encode())
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(resp.Body)
		return nil, errors.New(string(b))
	}
	var list []struct {
		State string `json:"State"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&list); err != nil {
		return nil, err
	}
	out := make([]string, len(list))
	for i, c := range list {
		out[i] = c.State
	}
	return out, nil
}

func (e *Engine) stop() {
	if e.cmd == nil || e.cmd.Process == nil {
		return
	}
	_ = e.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-e.done:
	case <-time.After(30 * time.Second):
		_ = syscall.Kill(-e.cmd.Process.Pid, syscall.SIGKILL)
		<-e.done
	}
}

// unmountUnder detaches what dockerd left mounted below dir (it keeps
// exec-root/netns/default mounted after it exits), deepest first.
func unmountUnder(dir string) {
	b, err := os.ReadFile("/proc/mounts")
	if err != nil {
		return
	}
	var points []string
	for _, line := range strings.Split(string(b), "\n") {
		f := strings.Fields(line)
		if len(f) > 1 && strings.HasPrefix(f[1], dir+"/") {
			points = append(points, f[1])
		}
	}
	sort.Sort(sort.Reverse(sort.StringSlice(points)))
	for _, p := range points {
		_ = syscall.Unmount(p, syscall.MNT_DETACH)
	}
}

func (e *Engine) logTail() string {
	b, _ := os.ReadFile(e.log)
	if len(b) > 3000 {
		b = b[len(b)-3000:]
	}
	return string(b)
}
