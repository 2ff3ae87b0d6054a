//go:build linux

package e2e

import (
	"context"
	"errors"
	"fmt"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/aurora-go/aurora/core/api"
	"github.com/aurora-go/aurora/core/spec"
	"github.com/aurora-go/aurora/internal/zktest"
)

// replica is one `aurora scheduler` process.
type replica struct {
	id, dataDir, httpAddr, raftAddr, config string
	cmd                                     *exec.Cmd
	log                                     *os.File
}

func (r *replica) start(t testing.TB) {
	t.Helper()
	r.cmd = exec.Command(aurora, "scheduler", "-config", r.config)
	r.cmd.Stdout, r.cmd.Stderr = r.log, r.log
	if err := r.cmd.Start(); err != nil {
		t.Fatal(err)
	}
}

func (r *replica) kill() {
	if r.cmd != nil && r.cmd.ProcessState == nil {
		_ = r.cmd.Process.Signal(syscall.SIGKILL)
		_ = r.cmd.Wait()
	}
}

func (r *replica) stop() {
	if r.cmd != nil && r.cmd.ProcessState == nil {
		_ = r.cmd.Process.Signal(syscall.SIGTERM)
		done := make(chan struct{})
		go func() { _ = r.cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(30 * time.Second):
			r.kill()
		}
	}
}

func (r *replica) client() *api.Client {
	c := api.NewClient("http://" + r.httpAddr)
	c.ElectionWait = 0 // the test picks another replica itself
	c.HTTP.Timeout = 10 * time.Second
	return c
}

// haCluster is a standalone embedded Mesos cluster and N replicas.
type haCluster struct {
	t        testing.TB
	mesos    *exec.Cmd
	replicas []*replica
}

// newHACluster starts a standalone embedded Mesos cluster (`aurora
// mesoslite`, one agent) with its files in dir, and returns a cluster
// without replicas and the master's URL. At the end of the test it stops
// the replicas added since, then the master, and logs the replicas' output
// if the test failed.
func newHACluster(t testing.TB, dir string) (*haCluster, string) {
	t.Helper()
	h := &haCluster{t: t}
	urlFile := filepath.Join(dir, "master.url")
	h.mesos = exec.Command(aurora, "mesoslite", "-agents", "1", "-work-dir", filepath.Join(dir, "mesos"), "-url-file", urlFile)
	mlog, _ := os.Create(filepath.Join(dir, "mesoslite.log"))
	h.mesos.Stdout, h.mesos.Stderr = mlog, mlog
	if err := h.mesos.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		for _, r := range h.replicas {
			r.stop()
		}
		_ = h.mesos.Process.Signal(syscall.SIGTERM)
		_ = h.mesos.Wait()
		if t.Failed() {
			for _, r := range h.replicas {
				b, _ := os.ReadFile(r.log.Name())
				t.Logf("log of %s:\n%s", r.id, tail(string(b), 4000))
			}
		}
	})
	var master string
	waitFor(t, 20*time.Second, "the embedded master", func() bool {
		b, err := os.ReadFile(urlFile)
		master = strings.TrimSpace(string(b))
		return err == nil && master != ""
	})
	return h, master
}

func startHA(t testing.TB, n int) *haCluster {
	return startHAWith(t, n, nil, "", "")
}

// startHAWith starts n replicas; link, if set, gives the address replica
// `from` dials to reach replica `to` (a proxy the test controls).
// raftSettings go into every replica's raft block, extraConfig after it.
func startHAWith(t testing.TB, n int, link func(from, to *replica) string, raftSettings, extraConfig string) *haCluster {
	t.Helper()
	dir := t.TempDir()
	h, master := newHACluster(t, dir)
	for i := 0; i < n; i++ {
		r := &replica{id: fmt.Sprintf("s%d", i+1), dataDir: filepath.Join(dir, fmt.Sprintf("s%d", i+1)),
			httpAddr: freeAddr(t), raftAddr: freeAddr(t)}
		h.replicas = append(h.replicas, r)
	}
	for _, r := range h.replicas {
		var peers []string
		for _, p := range h.replicas {
			addr := p.raftAddr
			if link != nil && p != r {
				addr = link(r, p)
			}
			peers = append(peers, fmt.Sprintf("%q", p.id+"="+addr))
		}
		r.config = filepath.Join(dir, r.id+".hcl")
		cfg := fmt.Sprintf(`data_dir  = %q
http_addr = %q
raft {
  node_id = %q
  bind    = %q
  peers   = [%s]
  %s
}
mesos {
  master = %q
}
%s
`, r.dataDir, r.httpAddr, r.id, r.raftAddr, strings.Join(peers, ", "), raftSettings, master, extraConfig)
		if err := os.WriteFile(r.config, []byte(cfg), 0o644); err != nil {
			t.Fatal(err)
		}
		r.log, _ = os.Create(filepath.Join(dir, r.id+".log"))
		r.start(t)
	}
	return h
}

// leader waits until some live replica leads and returns it.
func (h *haCluster) leader(timeout time.Duration) *replica {
	h.t.Helper()
	var found *replica
	waitFor(h.t, timeout, "a leader", func() bool {
		for _, r := range h.replicas {
			if r.cmd.ProcessState != nil {
				continue
			}
			info, err := r.client().Scheduler(context.Background())
			if err == nil && info.Leading && info.LeaderHTTP != "" {
				found = r
				return true
			}
		}
		return false
	})
	return found
}

func unplaceableJob(i int) *spec.Job {
	return &spec.Job{
		Cluster: "local", Key: spec.JobKey{Role: "www-data", Environment: "prod", Name: fmt.Sprintf("job-%04d", i)},
		Instances: 1,
		Task: spec.Task{
			// More cpus than any agent has: the task stays PENDING, so the
			// test exercises the log and not 1 000 processes.
			Resources: spec.Resources{CPU: 1000, RAM: 16 * spec.MiB, Disk: 16 * spec.MiB},
			Processes: []spec.Process{{Name: "main", Cmdline: "true"}},
		},
	}
}

// Three replicas and a real ZooKeeper: clients create 1 000 jobs
// concurrently while the leader is killed with SIGKILL; every job whose
// creation was acknowledged exists afterwards exactly once, on every
// replica.
func TestHACreatesSurviveLeaderKill(t *testing.T) {
	if testing.Short() {
		t.Skip("starts four processes")
	}
	zks := zktest.Start(t)
	h := startHAWith(t, 3, nil, "", fmt.Sprintf("zookeeper {\n  servers = [%q]\n  serverset_path = \"/aurora/scheduler\"\n}\n", zks.Addr()))
	first := h.leader(30 * time.Second)

	const jobs, workers = 1000, 16
	var acked sync.Map // job name → true
	var created, killedAt atomic.Int64
	work := make(chan int)
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			rng := rand.New(rand.NewSource(int64(w)))
			for i := range work {
				job := unplaceableJob(i)
				attempted := false
				deadline := time.Now().Add(60 * time.Second)
				for time.Now().Before(deadline) {
					r := h.replicas[rng.Intn(len(h.replicas))]
					_, err := r.client().CreateJob(context.Background(), job)
					var apiErr *api.APIError
					switch {
					case err == nil:
						acked.Store(job.Key.Name, true)
						created.Add(1)
					case errors.As(err, &apiErr) && apiErr.Code == 409 && attempted:
						// An earlier attempt committed but its answer was lost.
						acked.Store(job.Key.Name, true)
						created.Add(1)
					case errors.As(err, &apiErr) && apiErr.Code == 400:
						t.Errorf("job %d rejected: %v", i, err)
					default:
						attempted = true
						time.Sleep(50 * time.Millisecond)
						continue
					}
					break
				}
			}
		}(w)
	}
	go func() {
		for i := 0; i < jobs; i++ {
			if i == 300 {
				// Kill the leader mid-stream.
				first.kill()
				killedAt.Store(created.Load())
			}
			work <- i
		}
		close(work)
	}()
	wg.Wait()
	second := h.leader(30 * time.Second)
	if second == first {
		t.Fatal("the killed replica is still reported as leader")
	}
	t.Logf("%d creations acknowledged; leader %s killed after %d", created.Load(), first.id, killedAt.Load())
	if created.Load() < jobs*9/10 {
		t.Fatalf("only %d of %d creations were acknowledged", created.Load(), jobs)
	}

	// Bring the killed replica back: it must catch up too.
	first.start(t)
	want := map[string]bool{}
	acked.Range(func(k, _ interface{}) bool { want[k.(string)] = true; return true })
	for _, r := range h.replicas {
		r := r
		waitFor(t, 60*time.Second, "replica "+r.id+" to hold every acknowledged job", func() bool {
			list, err := r.client().ListJobs(context.Background(), "www-data/prod/*")
			if err != nil {
				return false
			}
			have := map[string]int{}
			for _, j := range list {
				have[strings.TrimPrefix(j.Key, "www-data/prod/")]++
			}
			for name := range want {
				if have[name] != 1 {
					return false
				}
			}
			return true
		})
		// Exactly once: one task per job, never a duplicate instance.
		for name := range want {
			st, err := r.client().JobStatus(context.Background(), spec.JobKey{Role: "www-data", Environment: "prod", Name: name})
			if err != nil {
				t.Fatalf("%s on %s: %v", name, r.id, err)
			}
			if len(st.Tasks) != 1 {
				t.Fatalf("%s on %s has %d tasks, want exactly 1", name, r.id, len(st.Tasks))
			}
		}
	}
}

// A follower forwards writes to the leader and serves reads itself.
func TestHAFollowerForwardsWrites(t *testing.T) {
	if testing.Short() {
		t.Skip("starts four processes")
	}
	h := startHA(t, 3)
	leader := h.leader(30 * time.Second)
	var follower *replica
	for _, r := range h.replicas {
		if r != leader {
			follower = r
			break
		}
	}
	if _, err := follower.client().CreateJob(context.Background(), unplaceableJob(1)); err != nil {
		t.Fatalf("create through a follower: %v", err)
	}
	waitFor(t, 10*time.Second, "the job on every replica", func() bool {
		for _, r := range h.replicas {
			if _, err := r.client().JobStatus(context.Background(), unplaceableJob(1).Key); err != nil {
				return false
			}
		}
		return true
	})
	// A plugin registered through a follower reaches every replica's
	// store: the upload and registration are forwarded to the leader, and
	// the other replicas copy the binary from it, verifying its sha256.
	bin, sum := buildZonespread(t)
	raw, err := os.ReadFile(bin)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if _, err := follower.client().UploadPluginBlob(ctx, sum, raw); err != nil {
		t.Fatalf("upload through a follower: %v", err)
	}
	if _, err := follower.client().RegisterPlugin(ctx, api.RegisterPluginRequest{Kind: "constraint", Name: "zonespread", Version: "0.1.0", SHA256: sum}); err != nil {
		t.Fatalf("register through a follower: %v", err)
	}
	waitFor(t, 20*time.Second, "the plugin binary in every replica's store", func() bool {
		for _, r := range h.replicas {
			if _, err := os.Stat(filepath.Join(r.dataDir, "plugins", "sha256", sum)); err != nil {
				return false
			}
		}
		return true
	})
	// /leaderhealth answers 200 only on the leader.
	for _, r := range h.replicas {
		resp, err := r.client().HTTP.Get("http://" + r.httpAddr + "/leaderhealth")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if (resp.StatusCode == 200) != (r == leader) {
			t.Fatalf("/leaderhealth on %s = %d (leader is %s)", r.id, resp.StatusCode, leader.id)
		}
	}
}
