//go:build linux

package e2e

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"
)

// Every file of the invalid corpus is refused by `aurora job inspect`
// with exit code 3 and FILE:LINE:COL plus the expected message.
func TestJobInspectInvalidCorpus(t *testing.T) {
	files, err := filepath.Glob("../../core/jobspec/testdata/invalid/*.hcl")
	if err != nil || len(files) < 40 {
		t.Fatalf("found %d invalid specs (%v), want at least 40", len(files), err)
	}
	wantRE := regexp.MustCompile(`^// want: (\d+:\d+): (.+)$`)
	type failure struct{ file, msg string }
	var (
		mu       sync.Mutex
		failures []failure
		wg       sync.WaitGroup
		sem      = make(chan struct{}, 4)
	)
	for _, f := range files {
		wg.Add(1)
		sem <- struct{}{}
		go func(f string) {
			defer wg.Done()
			defer func() { <-sem }()
			fail := func(format string, args ...interface{}) {
				mu.Lock()
				failures = append(failures, failure{f, fmt.Sprintf(format, args...)})
				mu.Unlock()
			}
			raw, err := os.ReadFile(f)
			if err != nil {
				fail("%v", err)
				return
			}
			first, _, _ := strings.Cut(string(raw), "\n")
			m := wantRE.FindStringSubmatch(first)
			if m == nil {
				fail("first line %q is not `// want: LINE:COL: FRAGMENT`", first)
				return
			}
			stdout, stderr, code := runCLI(nil, "", "job", "inspect", f)
			switch {
			case code != 3:
				fail("exit %d, want 3 (invalid configuration)\nstdout: %s\nstderr: %s", code, stdout, stderr)
			case !strings.Contains(stderr, f+":"+m[1]):
				fail("stderr does not name %s:%s:\n%s", f, m[1], stderr)
			case !strings.Contains(stderr, m[2]):
				fail("stderr does not contain %q:\n%s", m[2], stderr)
			}
		}(f)
	}
	wg.Wait()
	sort.Slice(failures, func(i, j int) bool { return failures[i].file < failures[j].file })
	for _, f := range failures {
		t.Errorf("%s: %s", filepath.Base(f.file), f.msg)
	}
}

// runCLI runs the binary with extra environment and standard input.
func runCLI(env []string, stdin string, args ...string) (stdout, stderr string, code int) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, aurora, args...)
	cmd.Env = append(os.Environ(), env...)
	cmd.Stdin = strings.NewReader(stdin)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		code = -1
	}
	return out.String(), errb.String(), code
}

// runEnv runs the CLI against this server with extra environment and
// standard input.
func (d *devServer) runEnv(env []string, stdin string, args ...string) (string, string, int) {
	return runCLI(append([]string{"AURORA_ADDR=" + d.addr}, env...), stdin, args...)
}

// expect runs the CLI and checks its exit code; it returns stdout and
// stderr.
func (d *devServer) expect(t *testing.T, code int, args ...string) (string, string) {
	t.Helper()
	out, errOut, got := d.run(args...)
	if got != code {
		t.Fatalf("aurora %s: exit %d, want %d\nstdout: %s\nstderr: %s\ndev log:\n%s", strings.Join(args, " "), got, code, out, errOut, tail(d.log.String(), 3000))
	}
	return out, errOut
}

// jobFile writes an HCL job file.
func jobFile(t *testing.T, src string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "job.hcl")
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// hclJob is one job of a test file.
func hclJob(name string, instances int, service bool, cpu, cmdline, extra string) string {
	return fmt.Sprintf(`job %q {
  cluster     = "local"
  role        = "www-data"
  environment = "prod"
  service     = %t
  instances   = %d
  %s
  task {
    resources {
      cpu  = %s
      ram  = "16MB"
      disk = "16MB"
    }
    process "main" {
      cmdline = %q
    }
  }
}
`, name, service, instances, extra, cpu, cmdline)
}

type fullTask struct {
	ID       string `json:"id"`
	Instance int    `json:"instance"`
	Status   string `json:"status"`
	Host     string `json:"host"`
	Sandbox  string `json:"sandbox"`
	Events   []struct {
		Status  string `json:"status"`
		Message string `json:"message"`
	} `json:"events"`
}

func (d *devServer) tasks(t *testing.T, key string) []fullTask {
	t.Helper()
	var st struct{ Tasks []fullTask }
	mustJSON(t, d.mustRun(t, "job", "status", key, "-json"), &st)
	return st.Tasks
}

func newestOf(tasks []fullTask, instance int) fullTask {
	var out fullTask
	for _, x := range tasks {
		if x.Instance == instance {
			out = x
		}
	}
	return out
}

func hasEvent(task fullTask, status, message string) bool {
	for _, e := range task.Events {
		if e.Status == status && e.Message == message {
			return true
		}
	}
	return false
}

// Every verb of the CLI through the real binary against one `aurora dev`.
// Jobs that need no process ask for more cpus than the machine has, so
// they stay PENDING.
func TestCLI(t *testing.T) {
	dataDir := t.TempDir()
	dev := startDev(t, dataDir)
	const (
		web  = "local/www-data/prod/web"
		pend = "local/www-data/prod/pend"
	)
	webCmd := "while true; do echo up; sleep 5; done # cli-web-marker"
	webFile := jobFile(t, hclJob("web", 2, true, "0.1", webCmd, ""))
	pendFile := jobFile(t, hclJob("pend", 2, true, "1000", "true", ""))

	t.Run("config list", func(t *testing.T) {
		two := jobFile(t, hclJob("one", 1, true, "0.1", "true", "")+hclJob("two", 1, false, "0.1", "true", ""))
		out := dev.mustRun(t, "config", "list", two)
		if got := strings.Fields(out); strings.Join(got, " ") != "local/www-data/prod/one local/www-data/prod/two" {
			t.Fatalf("config list = %q", out)
		}
		var keys []string
		mustJSON(t, dev.mustRun(t, "config", "list", "-json", two), &keys)
		if len(keys) != 2 {
			t.Fatalf("config list -json = %v", keys)
		}
		if _, stderr, code := dev.run("config", "list", "/nonexistent.hcl"); code != 6 || !strings.Contains(stderr, "nonexistent.hcl") {
			t.Fatalf("config list of a missing file: exit %d %q, want 6 naming it", code, stderr)
		}
	})

	t.Run("inspect with -bind, -var and -json", func(t *testing.T) {
		src := `variable "greeting" { default = "hello" }
` + hclJob("tmpl", 1, true, "0.1", "echo ${var.greeting} {{build}}", "")
		f := jobFile(t, src)
		_, stderr, code := dev.run("job", "inspect", f)
		if code != 3 || !strings.Contains(stderr, f+":") || !strings.Contains(stderr, "build") {
			t.Fatalf("inspect with an unbound template: exit %d, stderr %q; want 3 naming the file and the template", code, stderr)
		}
		out := dev.mustRun(t, "job", "inspect", f, "-bind", "build=42", "-var", "greeting=hi")
		if !strings.Contains(out, "echo hi 42") || !strings.Contains(out, "Job level information") || !strings.Contains(out, "local/www-data/prod/tmpl") {
			t.Fatalf("inspect output lacks the bound cmdline or the job:\n%s", out)
		}
		var job struct {
			Key  struct{ Name string } `json:"key"`
			Task struct {
				Processes []struct{ Cmdline string } `json:"processes"`
			} `json:"task"`
		}
		mustJSON(t, dev.mustRun(t, "job", "inspect", "local/www-data/prod/tmpl", f, "-json", "-bind", "build=42"), &job)
		if job.Key.Name != "tmpl" || len(job.Task.Processes) != 1 || job.Task.Processes[0].Cmdline != "echo hello 42" {
			t.Fatalf("inspect -json = %+v", job)
		}
	})

	t.Run("create waits until PENDING, RUNNING or FINISHED", func(t *testing.T) {
		out := dev.mustRun(t, "job", "create", pend, pendFile)
		if !strings.Contains(out, "/v1/jobs/www-data/prod/pend") {
			t.Fatalf("create does not print the job URL:\n%s", out)
		}
		for _, task := range dev.tasks(t, pend) {
			if task.Status != "PENDING" {
				t.Fatalf("a job that cannot fit is %s after create", task.Status)
			}
		}
		if _, stderr, code := dev.run("job", "create", pend, pendFile); code != 10 || !strings.Contains(stderr, "already exists") {
			t.Fatalf("creating a job twice: exit %d %q, want 10 (API error) saying it exists", code, stderr)
		}
		dev.mustRun(t, "job", "create", webFile, "-wait-until", "RUNNING")
		for i := 0; i < 2; i++ {
			if st := newestOf(dev.tasks(t, web), i).Status; st != "RUNNING" {
				t.Fatalf("web instance %d is %s after create -wait-until RUNNING", i, st)
			}
		}
		batch := jobFile(t, hclJob("batch", 1, false, "0.1", "echo done", ""))
		dev.mustRun(t, "job", "create", batch, "-wait-until", "FINISHED")
		if st := newestOf(dev.tasks(t, "local/www-data/prod/batch"), 0).Status; st != "FINISHED" {
			t.Fatalf("batch job is %s after create -wait-until FINISHED", st)
		}
		if _, stderr, code := dev.run("job", "create", batch, "-wait-until", "SOON"); code != 6 || !strings.Contains(stderr, "PENDING, RUNNING or FINISHED") {
			t.Fatalf("bad -wait-until: exit %d %q", code, stderr)
		}
		if _, stderr, code := dev.run("job", "create", "../../examples/cron.hcl"); code != 6 || !strings.Contains(stderr, "cron") {
			t.Fatalf("creating a cron job: exit %d %q, want 6 explaining cron jobs are scheduled", code, stderr)
		}
	})

	t.Run("status and list take partial keys and globs", func(t *testing.T) {
		out := dev.mustRun(t, "job", "status", "local/www-data")
		for _, key := range []string{web, pend, "local/www-data/prod/batch"} {
			if !strings.Contains(out, "Job "+key+":") {
				t.Errorf("status local/www-data lacks %s:\n%s", key, out)
			}
		}
		var sts []jobStatus
		mustJSON(t, dev.mustRun(t, "job", "status", "local/*/prod/pe*", "-json"), &sts)
		if len(sts) != 1 || sts[0].Key != "www-data/prod/pend" || len(sts[0].Tasks) != 2 {
			t.Fatalf("status of a glob = %+v, want the pend job and its 2 tasks", sts)
		}
		st := dev.status(t, web+"/1")
		if len(st.Tasks) != 1 || st.Tasks[0].Instance != 1 {
			t.Fatalf("status of instance 1 = %+v", st.Tasks)
		}
		if list := strings.Fields(dev.mustRun(t, "job", "list", "local/www-data/prod/?e*")); len(list) != 2 {
			t.Fatalf("job list of a glob = %v, want pend and web", list)
		}
		if _, stderr, code := dev.run("job", "status", "local/www-data/prod/nope"); code != 10 || !strings.Contains(stderr, "job list") {
			t.Fatalf("status of an unknown job: exit %d %q, want 10 pointing at job list", code, stderr)
		}
		if _, _, code := dev.run("job", "status", "local/www-data/qa/x"); code != 6 {
			t.Fatalf("status of a bad key: exit %d, want 6", code)
		}
	})

	t.Run("diff shows a readable per-instance diff", func(t *testing.T) {
		changed := jobFile(t, hclJob("web", 3, true, "0.2", strings.Replace(webCmd, "sleep 5", "sleep 6", 1), ""))
		out := dev.mustRun(t, "job", "diff", web, changed)
		for _, frag := range []string{
			"Instances 0-1: would change\n",
			`  task.processes[main].cmdline: "while true; do echo up; sleep 5; done # cli-web-marker" -> "while true; do echo up; sleep 6; done # cli-web-marker"`,
			"  task.resources.cpu: 0.1 -> 0.2\n",
			"Instance 2: would be added",
		} {
			if !strings.Contains(out, frag) {
				t.Errorf("diff lacks %q:\n%s", frag, out)
			}
		}
		fewer := jobFile(t, hclJob("web", 1, true, "0.1", webCmd, ""))
		out = dev.mustRun(t, "job", "diff", fewer)
		if !strings.Contains(out, "Instance 0: unchanged") || !strings.Contains(out, "Instance 1: would be removed") {
			t.Errorf("diff with fewer instances:\n%s", out)
		}
		var d struct {
			Instances []struct {
				Instances []int
				Action    string
			}
		}
		mustJSON(t, dev.mustRun(t, "job", "diff", fewer, "-json"), &d)
		if len(d.Instances) != 2 || d.Instances[0].Action != "unchanged" || d.Instances[1].Action != "remove" {
			t.Errorf("diff -json = %+v", d)
		}
	})

	t.Run("add copies an active instance", func(t *testing.T) {
		out := dev.mustRun(t, "job", "add", pend+"/1", "2")
		if !strings.Contains(out, "Added instances 2-3") {
			t.Fatalf("job add said %q", out)
		}
		tasks := dev.tasks(t, pend)
		if len(tasks) != 4 || newestOf(tasks, 3).Status != "PENDING" {
			t.Fatalf("after adding 2 instances: %+v", tasks)
		}
		if _, stderr, code := dev.run("job", "add", pend+"/9", "1"); code != 10 || !strings.Contains(stderr, "not active") {
			t.Fatalf("adding from an inactive instance: exit %d %q", code, stderr)
		}
		if _, _, code := dev.run("job", "add", pend, "1"); code != 6 {
			t.Fatalf("job add without an instance: exit %d, want 6", code)
		}
	})

	t.Run("restart replaces tasks and records the message", func(t *testing.T) {
		before := dev.tasks(t, web)
		out := dev.mustRun(t, "job", "restart", web, "-batch-size", "2", "-watch-secs", "1", "-message", "restart-audit")
		if !strings.Contains(out, "Restarted instances 0-1") {
			t.Fatalf("restart said %q", out)
		}
		after := dev.tasks(t, web)
		for i := 0; i < 2; i++ {
			old, cur := newestOf(before, i), newestOf(after, i)
			if cur.ID == old.ID || cur.Status != "RUNNING" {
				t.Fatalf("instance %d after restart: %s %s, want a new RUNNING task (old %s)", i, cur.ID, cur.Status, old.ID)
			}
			for _, x := range after {
				if x.ID == old.ID && !hasEvent(x, "RESTARTING", "restart-audit") {
					t.Fatalf("restarted task %s has no RESTARTING event with the message: %+v", x.ID, x.Events)
				}
			}
		}
		out = dev.mustRun(t, "job", "restart", pend+"/0", "-watch-secs", "0")
		if !strings.Contains(out, "nothing to restart") {
			t.Fatalf("restarting a pending instance said %q", out)
		}
	})

	t.Run("task run in each sandbox, locally and over ssh", func(t *testing.T) {
		tasks := dev.tasks(t, web)
		out := dev.mustRun(t, "task", "run", web, "echo in {{mesos.instance}} $(pwd)")
		for i := 0; i < 2; i++ {
			want := fmt.Sprintf("%d: in %d %s\n", i, i, newestOf(tasks, i).Sandbox)
			if !strings.Contains(out, want) {
				t.Errorf("task run output lacks %q:\n%s", want, out)
			}
		}
		if _, stderr, code := dev.run("task", "run", web+"/0", "exit 3"); code != 4 || !strings.Contains(stderr, "0: failed") {
			t.Errorf("a failing command: exit %d %q, want 4", code, stderr)
		}

		// Any cluster but "local" goes over ssh: a stand-in ssh records
		// its arguments and runs the remote command here.
		bin, sshLog := fakeSSH(t)
		env := []string{"PATH=" + bin + ":" + os.Getenv("PATH")}
		out, stderr, code := dev.runEnv(env, "", "task", "run", "-ssh-user", "bob", "faraway/www-data/prod/web/1", "echo remote {{mesos.instance}} $(pwd)")
		if code != 0 {
			t.Fatalf("task run over ssh: exit %d\n%s\n%s", code, out, stderr)
		}
		if want := fmt.Sprintf("1: remote 1 %s\n", newestOf(tasks, 1).Sandbox); out != want {
			t.Errorf("task run over ssh printed %q, want %q", out, want)
		}
		logged, _ := os.ReadFile(sshLog)
		if !strings.Contains(string(logged), "-l bob "+newestOf(tasks, 1).Host+" cd ") {
			t.Errorf("ssh was run as %q, want -l bob HOST 'cd SANDBOX && ...'", logged)
		}
	})

	t.Run("task ssh opens a shell in the sandbox", func(t *testing.T) {
		sandbox := newestOf(dev.tasks(t, web), 0).Sandbox
		out, stderr, code := dev.runEnv([]string{"SHELL=/bin/sh"}, "pwd\nexit\n", "task", "ssh", web+"/0")
		if code != 0 || strings.TrimSpace(out) != sandbox {
			t.Fatalf("task ssh: exit %d, printed %q (%s), want the sandbox %s", code, out, stderr, sandbox)
		}
		out = dev.mustRun(t, "task", "ssh", web+"/0", "-c", "ls .logs")
		if strings.TrimSpace(out) != "main" {
			t.Errorf("task ssh -c 'ls .logs' = %q, want main", out)
		}
		bin, sshLog := fakeSSH(t)
		out, stderr, code = dev.runEnv([]string{"PATH=" + bin + ":" + os.Getenv("PATH")}, "", "task", "ssh", "faraway/www-data/prod/web/0", "-c", "pwd")
		if code != 0 || strings.TrimSpace(out) != sandbox {
			t.Fatalf("task ssh over ssh: exit %d, printed %q (%s)", code, out, stderr)
		}
		if logged, _ := os.ReadFile(sshLog); !strings.Contains(string(logged), " cd '"+sandbox+"' && pwd") {
			t.Errorf("ssh was run as %q", logged)
		}
		if _, _, code := dev.run("task", "ssh", web); code != 6 {
			t.Errorf("task ssh without an instance: exit %d, want 6", code)
		}
	})

	t.Run("sla figures from task events", func(t *testing.T) {
		time.Sleep(time.Second) // the restarted tasks have been up for a second
		out := dev.mustRun(t, "sla", "get-task-up-count", web, "1s,1h")
		if !strings.Contains(out, "1s\t- 100.00 %") || !strings.Contains(out, "1h\t- 0.00 %") {
			t.Errorf("get-task-up-count:\n%s", out)
		}
		var pcts map[string]int
		mustJSON(t, dev.mustRun(t, "sla", "get-job-uptime", web, "-percentiles", "50,99", "-json"), &pcts)
		if len(pcts) != 2 || pcts["50"] < 1 || pcts["99"] < 1 || pcts["99"] > 600 {
			t.Errorf("get-job-uptime = %v, want seconds since the restart at 50 and 99", pcts)
		}
		if _, _, code := dev.run("sla", "get-job-uptime", web, "-percentiles", "100"); code != 6 {
			t.Errorf("percentile 100: exit %d, want 6", code)
		}
	})

	t.Run("quotas", func(t *testing.T) {
		dev.mustRun(t, "admin", "set_quota", "local", "www-data", "4", "4GB", "10GB")
		dev.mustRun(t, "admin", "increase_quota", "local", "www-data", "1.5", "1GB", "512MB")
		// The built-in quota plugin enforces the log's quotas: a
		// production job over the role's quota is refused, naming why.
		huge := jobFile(t, hclJob("huge", 1, true, "100", "true", `tier = "preferred"`))
		if _, stderr, code := dev.run("job", "create", huge); code != 10 || !strings.Contains(stderr, "Insufficient resource quota") || !strings.Contains(stderr, "cpus") {
			t.Fatalf("a production job over quota: exit %d %q, want 10 naming the quota", code, stderr)
		}
		prod := jobFile(t, hclJob("prod", 2, true, "2", "true", `tier = "preferred"`))
		dev.mustRun(t, "job", "create", prod)
		if _, _, code := dev.run("job", "add", "local/www-data/prod/prod/0", "1"); code != 10 {
			t.Fatalf("adding a third 2-cpu production instance over 5.5 cpus of quota: exit %d, want 10", code)
		}
		var q struct {
			Quota       struct{ CPU, RAM, Disk float64 }
			Consumption struct {
				ProdShared    struct{ CPU float64 } `json:"prod_shared"`
				NonProdShared struct{ CPU float64 } `json:"non_prod_shared"`
			}
		}
		mustJSON(t, dev.mustRun(t, "quota", "get", "local/www-data", "-json"), &q)
		if q.Quota.CPU != 5.5 || q.Quota.RAM != 5<<30 || q.Quota.Disk != 10<<30+512<<20 {
			t.Errorf("quota = %+v, want 5.5 cpus, 5GB, 10.5GB", q.Quota)
		}
		if q.Consumption.ProdShared.CPU != 4 {
			t.Errorf("production consumption = %v cpus, want the preferred-tier job's 2 x 2", q.Consumption.ProdShared.CPU)
		}
		if q.Consumption.NonProdShared.CPU < 4000 {
			t.Errorf("non-production consumption = %v cpus, want at least the 4 pending instances' 4000", q.Consumption.NonProdShared.CPU)
		}
		out := dev.mustRun(t, "quota", "get", "local", "www-data")
		if !strings.Contains(out, "Allocated:\n  CPU: 5.5\n  RAM: 5GB\n  Disk: 10.50GB") || !strings.Contains(out, "Production shared pool resources consumed:\n  CPU: 4\n") {
			t.Errorf("quota get:\n%s", out)
		}
		if _, stderr, code := dev.run("admin", "set_quota", "local", "www-data", "1", "4XB", "1GB"); code != 6 || !strings.Contains(stderr, "unit") {
			t.Errorf("a bad unit: exit %d %q", code, stderr)
		}
		if _, stderr, code := dev.run("admin", "set_quota", "local", "www-data", "many", "1GB", "1GB"); code != 6 || !strings.Contains(stderr, "not a number") {
			t.Errorf("a bad cpu: exit %d %q", code, stderr)
		}
		dev.mustRun(t, "job", "killall", "local/www-data/prod/prod")
	})

	t.Run("admin query", func(t *testing.T) {
		out := dev.mustRun(t, "admin", "query", "local", "www-data", "web")
		if strings.TrimSpace(out) != "www-data/web/0 RUNNING\nwww-data/web/1 RUNNING" {
			t.Errorf("query with the default format and states:\n%s", out)
		}
		out = dev.mustRun(t, "admin", "query", "-l", "%jobName% %instanceId% %status% %taskId%", "-states", "PENDING", "-shards", "0,3", "local", "www-data", "pend")
		lines := strings.Split(strings.TrimSpace(out), "\n")
		if len(lines) != 2 || !strings.HasPrefix(lines[0], "pend 0 PENDING www-data-prod-pend-0-") || !strings.HasPrefix(lines[1], "pend 3 PENDING ") {
			t.Errorf("query with -l, -states and -shards:\n%s", out)
		}
		if _, stderr, code := dev.run("admin", "query", "local", "www-data"); code != 6 || !strings.Contains(stderr, "-force") {
			t.Errorf("an expensive query: exit %d %q, want 6 asking for -force", code, stderr)
		}
		var all []task
		mustJSON(t, dev.mustRun(t, "admin", "query", "-force", "-json", "-states", "RUNNING,PENDING", "local"), &all)
		if len(all) != 6 {
			t.Errorf("query -force of every running or pending task found %d, want 6 (2 web, 4 pend)", len(all))
		}
		if _, stderr, code := dev.run("admin", "query", "-l", "%bogus%", "local", "www-data", "web"); code != 6 || !strings.Contains(stderr, "%bogus%") {
			t.Errorf("an unknown field: exit %d %q", code, stderr)
		}
	})

	t.Run("reconcile_tasks", func(t *testing.T) {
		out := dev.mustRun(t, "admin", "reconcile_tasks", "local")
		if !strings.Contains(out, "Explicit reconciliation requested for 2 task(s)") {
			t.Errorf("explicit reconciliation said %q, want the 2 web tasks", out)
		}
		out = dev.mustRun(t, "admin", "reconcile_tasks", "-type", "implicit", "local")
		if !strings.Contains(out, "Implicit reconciliation") {
			t.Errorf("implicit reconciliation said %q", out)
		}
		if _, _, code := dev.run("admin", "reconcile_tasks", "-type", "full", "local"); code != 6 {
			t.Errorf("an unknown type: exit %d, want 6", code)
		}
		// The answers are status updates for tasks that are running anyway.
		for i := 0; i < 2; i++ {
			if st := newestOf(dev.tasks(t, web), i).Status; st != "RUNNING" {
				t.Errorf("instance %d is %s after reconciliation", i, st)
			}
		}
	})

	t.Run("open prints the URL and tries a browser", func(t *testing.T) {
		bin := t.TempDir()
		opened := filepath.Join(bin, "opened")
		script := "#!/bin/sh\necho \"$1\" > " + opened + "\n"
		if err := os.WriteFile(filepath.Join(bin, "xdg-open"), []byte(script), 0o755); err != nil {
			t.Fatal(err)
		}
		out, stderr, code := dev.runEnv([]string{"PATH=" + bin + ":" + os.Getenv("PATH")}, "", "job", "open", pend)
		url := "http://" + dev.addr + "/v1/jobs/www-data/prod/pend"
		if code != 0 || strings.TrimSpace(out) != url {
			t.Fatalf("job open: exit %d, %q (%s), want %s", code, out, stderr, url)
		}
		if got, _ := os.ReadFile(opened); strings.TrimSpace(string(got)) != url {
			t.Errorf("xdg-open got %q, want %s", got, url)
		}
		// Without a browser opener it still prints the URL and succeeds.
		out, _, code = dev.runEnv([]string{"PATH=" + t.TempDir()}, "", "job", "open", "local/www-data")
		if code != 0 || !strings.Contains(out, "/v1/jobs?pattern=www-data%2F%2A%2F%2A") {
			t.Errorf("job open without xdg-open: exit %d, %q", code, out)
		}
	})

	t.Run("kill and killall record the message", func(t *testing.T) {
		dev.mustRun(t, "job", "kill", web+"/1", "-message", "scale-down")
		killed := newestOf(dev.tasks(t, web), 1)
		if killed.Status != "KILLED" || !hasEvent(killed, "KILLING", "scale-down") {
			t.Fatalf("instance 1 after kill -message: %s %+v", killed.Status, killed.Events)
		}
		if _, stderr, code := dev.run("job", "killall", web+"/0"); code != 6 || !strings.Contains(stderr, "job kill") {
			t.Errorf("killall with instances: exit %d %q", code, stderr)
		}
		out := dev.mustRun(t, "job", "killall", pend, "-batch-size", "3", "-message", "bye")
		if !strings.Contains(out, "Killed instances 0-2.") || !strings.Contains(out, "Killed instances 3.") {
			t.Errorf("killall in batches of 3 said:\n%s", out)
		}
		dev.mustRun(t, "job", "killall", web, "-message", "all-gone")
		last := newestOf(dev.tasks(t, web), 0)
		if last.Status != "KILLED" || !hasEvent(last, "KILLING", "all-gone") {
			t.Fatalf("instance 0 after killall: %s %+v", last.Status, last.Events)
		}
		if list := strings.Fields(dev.mustRun(t, "job", "list", "local/www-data/prod/?e*")); len(list) != 0 {
			t.Errorf("jobs left after killall: %v", list)
		}
		waitFor(t, 10*time.Second, "web processes gone", func() bool {
			return len(processesUnder(dataDir, "cli-web-marker")) == 0
		})
	})

	t.Run("prune_tasks deletes terminal tasks", func(t *testing.T) {
		before := len(dev.tasks(t, web))
		out := dev.mustRun(t, "admin", "prune_tasks", "-role", "www-data", "-states", "KILLED", "-limit", "1", "local")
		if !strings.Contains(out, "Pruned 1 task(s).") {
			t.Fatalf("prune with a limit said %q", out)
		}
		if after := len(dev.tasks(t, web)); after != before-1 {
			t.Fatalf("web has %d tasks after pruning 1 of %d", after, before)
		}
		var resp struct{ Pruned []string }
		mustJSON(t, dev.mustRun(t, "admin", "prune_tasks", "-json", "local"), &resp)
		if len(resp.Pruned) < 2 {
			t.Fatalf("pruning every terminal task pruned %v", resp.Pruned)
		}
		if _, _, code := dev.run("job", "status", web); code != 10 {
			t.Errorf("status of a pruned job: exit %d, want 10 (404)", code)
		}
		if _, stderr, code := dev.run("admin", "prune_tasks", "-states", "RUNNING", "local"); code != 10 || !strings.Contains(stderr, "cannot be pruned") {
			t.Errorf("pruning RUNNING tasks: exit %d %q", code, stderr)
		}
	})
}

// fakeSSH puts an `ssh` that logs its arguments and runs the remote
// command here into a new directory, for the remote paths of task run and
// task ssh.
func fakeSSH(t *testing.T) (bin, log string) {
	t.Helper()
	bin = t.TempDir()
	log = filepath.Join(bin, "ssh.log")
	script := `#!/bin/sh
echo "$*" >> ` + log + `
for last; do :; done
exec sh -c "$last"
`
	if err := os.WriteFile(filepath.Join(bin, "ssh"), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	return bin, log
}
