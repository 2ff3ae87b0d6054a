package executor

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/hashicorp/go-hclog"

	"github.com/aurora-go/aurora/core/pluginhost"
	"github.com/aurora-go/aurora/core/spec"
	"github.com/aurora-go/aurora/sdk"
)

func sumOf(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// blobServer serves body at /blob and counts the requests; release, if
// not nil, holds every answer until it is closed.
type blobServer struct {
	*httptest.Server
	hits    atomic.Int32
	release chan struct{}
}

func newBlobServer(t *testing.T, body []byte) *blobServer {
	t.Helper()
	b := &blobServer{}
	b.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b.hits.Add(1)
		if b.release != nil {
			<-b.release
		}
		if r.URL.Path != "/blob" {
			http.Error(w, "no such blob", http.StatusNotFound)
			return
		}
		_, _ = w.Write(body)
	}))
	t.Cleanup(b.Close)
	return b
}

func newTestCache(t *testing.T, dir string) *PluginCache {
	t.Helper()
	c, err := NewPluginCache(dir, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestPluginCacheFetchVerifiesAndReuses(t *testing.T) {
	body := []byte("#!/bin/sh\necho plugin\n")
	sum := sumOf(body)
	srv := newBlobServer(t, body)
	c := newTestCache(t, t.TempDir())
	ctx := context.Background()

	path, err := c.Fetch(ctx, sum, []string{srv.URL + "/missing", srv.URL + "/blob"})
	if err != nil {
		t.Fatal(err)
	}
	if path != filepath.Join(c.Dir(), "sha256", sum) {
		t.Fatalf("path = %s, want the blob's name under the cache", path)
	}
	got, err := os.ReadFile(path)
	if err != nil || string(got) != string(body) {
		t.Fatalf("cached bytes = %q, %v", got, err)
	}
	fi, _ := os.Stat(path)
	if fi.Mode().Perm() != 0o555 {
		t.Fatalf("mode = %v, want 0555", fi.Mode().Perm())
	}
	if n := srv.hits.Load(); n != 2 {
		t.Fatalf("%d requests, want 2 (a 404, then the blob)", n)
	}

	// A second fetch, by this cache or another on the same directory,
	// reuses the verified file.
	for _, cc := range []*PluginCache{c, newTestCache(t, c.Dir())} {
		again, err := cc.Fetch(ctx, sum, []string{srv.URL + "/blob"})
		if err != nil || again != path {
			t.Fatalf("second fetch = %s, %v", again, err)
		}
	}
	if n := srv.hits.Load(); n != 2 {
		t.Fatalf("%d requests after reuse, want still 2", n)
	}

	// A cached file whose bytes no longer hash to its name is fetched again.
	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte("tampered"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Fetch(ctx, sum, []string{srv.URL + "/blob"}); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(path); string(got) != string(body) || srv.hits.Load() != 3 {
		t.Fatalf("after tampering: %q with %d requests, want the blob fetched again", got, srv.hits.Load())
	}
}

func TestPluginCacheChecksumMismatch(t *testing.T) {
	served := []byte("not the plugin you registered")
	want := sumOf([]byte("the plugin you registered"))
	srv := newBlobServer(t, served)
	c := newTestCache(t, t.TempDir())

	_, err := c.Fetch(context.Background(), want, []string{srv.URL + "/blob"})
	if !errors.Is(err, pluginhost.ErrChecksumMismatch) {
		t.Fatalf("err = %v, want ErrChecksumMismatch", err)
	}
	if !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), sumOf(served)) {
		t.Fatalf("err = %v, want both hashes named", err)
	}
	left, _ := filepath.Glob(filepath.Join(c.Dir(), "sha256", "*"))
	if len(left) != 0 {
		t.Fatalf("the cache keeps %v after a mismatch, want nothing", left)
	}
	if _, err := c.Fetch(context.Background(), "ABC", nil); err == nil {
		t.Fatal("a malformed sha256 must be refused")
	}
}

func TestPluginCacheConcurrentFetchDownloadsOnce(t *testing.T) {
	body := []byte(strings.Repeat("plugin bytes ", 10000))
	sum := sumOf(body)
	srv := newBlobServer(t, body)
	srv.release = make(chan struct{})
	dir := t.TempDir()
	// Two caches on one directory stand for two executors of one agent.
	caches := []*PluginCache{newTestCache(t, dir), newTestCache(t, dir)}

	const n = 8
	var wg sync.WaitGroup
	paths := make([]string, n)
	errs := make([]error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			paths[i], errs[i] = caches[i%2].Fetch(context.Background(), sum, []string{srv.URL + "/blob"})
		}()
	}
	// Let the first download start, then answer it.
	for srv.hits.Load() == 0 {
		runtime.Gosched()
	}
	close(srv.release)
	wg.Wait()
	for i := range n {
		if errs[i] != nil || paths[i] != filepath.Join(dir, "sha256", sum) {
			t.Fatalf("fetch %d = %s, %v", i, paths[i], errs[i])
		}
	}
	if h := srv.hits.Load(); h != 1 {
		t.Fatalf("%d downloads for %d concurrent fetches, want 1", h, n)
	}
	if got, _ := os.ReadFile(paths[0]); sumOf(got) != sum {
		t.Fatal("the cached file does not hash to its name")
	}
}

func TestDefaultPluginCacheDir(t *testing.T) {
	for sandbox, want := range map[string]string{
		"/var/lib/mesos/slaves/S1/frameworks/F/executors/E/runs/C":             "/var/lib/mesos/aurora-plugin-cache",
		"/data/agents/agent-1/slaves/S1/frameworks/F/executors/E/runs/latest/": "/data/agents/agent-1/aurora-plugin-cache",
		"/tmp/sandbox/run": "/tmp/sandbox/aurora-plugin-cache",
	} {
		if got := DefaultPluginCacheDir(sandbox); got != want {
			t.Errorf("DefaultPluginCacheDir(%s) = %s, want %s", sandbox, got, want)
		}
	}
	c := pluginCacheFor(nil, "/x/slaves/S/frameworks/F/executors/E/runs/C", func(k string) string {
		if k == EnvPluginCacheDir {
			return "/configured"
		}
		return ""
	}, hclog.NewNullLogger())
	if c == nil || c.Dir() != "/configured" {
		t.Fatalf("with %s set the cache is %v", EnvPluginCacheDir, c)
	}
}

func TestTaskPluginSpec(t *testing.T) {
	body := []byte("binary")
	sum := sumOf(body)
	srv := newBlobServer(t, body)
	e := &Executor{cfg: Config{PluginCache: newTestCache(t, t.TempDir())}}
	ctx := context.Background()
	job := &spec.Job{Executor: "customexec"}

	// A custom executor with no catalog entry fails clearly.
	_, err := e.taskPluginSpec(ctx, &spec.AssignedTask{Job: job}, "customexec")
	if err == nil || !strings.Contains(err.Error(), "no catalog entry") {
		t.Fatalf("err = %v, want the missing catalog entry named", err)
	}
	// A built-in executor runs this binary.
	s, err := e.taskPluginSpec(ctx, &spec.AssignedTask{Job: &spec.Job{Executor: "thermos"}}, "thermos")
	if err != nil || s.SHA256 != "" || s.Name != "thermos" {
		t.Fatalf("thermos spec = %+v, %v", s, err)
	}
	// A catalog executor runs its verified binary from the cache, with
	// the entry's checksum, version, args, env and config.
	p := &spec.CatalogPlugin{Kind: sdk.KindExecutor, Name: "customexec", Version: "0.1.0", SHA256: sum,
		Args: []string{"-x"}, Env: []string{"A=1"}, Config: []byte(`{"wrapper":["nice"]}`), BlobURLs: []string{srv.URL + "/blob"}}
	s, err = e.taskPluginSpec(ctx, &spec.AssignedTask{Job: job, ExecutorPlugin: p}, "customexec")
	if err != nil {
		t.Fatal(err)
	}
	if s.Command != e.cfg.PluginCache.Path(sum) || s.SHA256 != sum || s.Version != "0.1.0" ||
		s.Args[0] != "-x" || s.Env[0] != "A=1" || string(s.Config) != `{"wrapper":["nice"]}` {
		t.Fatalf("catalog spec = %+v", s)
	}
	// A mismatch fails naming both hashes.
	p.SHA256 = sumOf([]byte("other"))
	if _, err := e.taskPluginSpec(ctx, &spec.AssignedTask{Job: job, ExecutorPlugin: p}, "customexec"); !errors.Is(err, pluginhost.ErrChecksumMismatch) ||
		!strings.Contains(err.Error(), p.SHA256) || !strings.Contains(err.Error(), sum) {
		t.Fatalf("err = %v, want a checksum mismatch naming both hashes", err)
	}
	// The entry must be the job's executor.
	p.Name = "other"
	if _, err := e.taskPluginSpec(ctx, &spec.AssignedTask{Job: job, ExecutorPlugin: p}, "customexec"); err == nil {
		t.Fatal("a catalog entry for another executor must be refused")
	}
}

func TestCatalogAnnouncerFromEnv(t *testing.T) {
	env := func(v string) func(string) string {
		return func(k string) string {
			if k == EnvDiscoveryPlugin {
				return v
			}
			return ""
		}
	}
	if a, err := catalogAnnouncer(env(""), nil, nil, nil); a != nil || err != nil {
		t.Fatalf("unset: %v, %v; want no announcer", a, err)
	}
	if _, err := catalogAnnouncer(env("{"), nil, nil, nil); err == nil {
		t.Fatal("malformed JSON must be an error")
	}
	if _, err := catalogAnnouncer(env(`{"kind":"executor","name":"x"}`), nil, nil, nil); err == nil || !strings.Contains(err.Error(), "not a discovery plugin") {
		t.Fatalf("another kind: %v", err)
	}
	// A plugin that cannot be fetched fails the call, not the executor.
	host := pluginhost.New(hclog.NewNullLogger())
	t.Cleanup(host.Shutdown)
	body := []byte("not this")
	srv := newBlobServer(t, body)
	a, err := catalogAnnouncer(env(`{"kind":"discovery","name":"reg","version":"0.1.0","sha256":"`+sumOf([]byte("plugin"))+
		`","blob_urls":["`+srv.URL+`/blob"]}`), host, newTestCache(t, t.TempDir()), nil)
	if err != nil || a == nil {
		t.Fatalf("catalogAnnouncer = %v, %v", a, err)
	}
	defer a.Close()
	if _, err := a.Announce(context.Background(), nil); !errors.Is(err, pluginhost.ErrChecksumMismatch) || !strings.Contains(err.Error(), "discovery plugin discovery/reg@0.1.0") {
		t.Fatalf("Announce with a bad binary = %v", err)
	}
}
