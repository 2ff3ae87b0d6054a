//go:build linux

package e2e

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// chromium finds Debian's chromium; the test fails without it, as the
// ZooKeeper tests do: scripts/ci-deps.sh installs it.
func chromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	t.Fatal("chromium not installed: run scripts/ci-deps.sh (Debian's chromium package)")
	return ""
}

// renderDOM loads url in headless Chromium and returns the DOM after its
// scripts ran.
func renderDOM(t *testing.T, browser, url string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, browser,
		"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--disable-dev-shm-usage", "--user-data-dir="+t.TempDir(),
		"--virtual-time-budget=1000", "--dump-dom", url)
	out, err := cmd.Output()
	if err != nil {
		var stderr string
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = string(ee.Stderr)
		}
		t.Fatalf("chromium --dump-dom %s: %v\n%s", url, err, tail(stderr, 2000))
	}
	return string(out)
}

// observerURL reads the observer's address from the line `aurora dev`
// prints for its user.
var observerURL = regexp.MustCompile(`aurora dev: API .*, observer (http://[^,\s]+),`)

func TestObserverPagesInChromium(t *testing.T) {
	browser := chromium(t)
	dataDir := t.TempDir()
	dev := startDev(t, dataDir)
	m := observerURL.FindStringSubmatch(dev.log.String())
	if m == nil {
		t.Fatalf("aurora dev did not print its observer's address:\n%s", tail(dev.log.String(), 3000))
	}
	base := strings.TrimSuffix(m[1], "/")

	job := filepath.Join(t.TempDir(), "observed.hcl")
	src := `job "observed" {
  cluster     = "local"
  role        = "www-data"
  environment = "prod"
  service     = true
  task {
    resources {
      cpu  = 0.1
      ram  = "16MB"
      disk = "16MB"
    }
    process "counter" {
      cmdline      = "n=$(cat n 2>/dev/null || echo 0); echo $((n+1)) > n; echo run $n; [ $n -ge 2 ]"
      max_failures = 5
      min_duration = "0s"
    }
    process "server" {
      cmdline = "for i in 1 2 3; do echo \"observer line $i\"; done; echo to stderr >&2; sleep 1011"
      after   = ["counter"]
    }
  }
}
`
	if err := os.WriteFile(job, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	dev.mustRun(t, "job", "run", "-wait-timeout", "60s", job)
	x := latest(dev.status(t, "local/www-data/prod/observed"), 0)

	var dom string
	waitFor(t, 30*time.Second, "the task list to show the running task", func() bool {
		dom = renderDOM(t, browser, base+"/")
		return strings.Contains(dom, `data-task-id="`+x.ID+`"`) && strings.Contains(dom, "local/www-data/prod/observed") &&
			strings.Contains(dom, ">RUNNING<")
	})

	var counterRow, serverRow string
	waitFor(t, 30*time.Second, "the process table with states and run counts", func() bool {
		dom = renderDOM(t, browser, base+"/task/"+x.ID)
		counterRow, serverRow = rowOf(dom, "counter"), rowOf(dom, "server")
		return strings.Contains(counterRow, ">SUCCESS<") && strings.Contains(counterRow, `<td class="runs">3</td>`) &&
			strings.Contains(serverRow, ">RUNNING<") && strings.Contains(serverRow, `<td class="runs">1</td>`)
	})
	if !strings.Contains(dom, `id="task-id">`+x.ID+"<") {
		t.Fatalf("task page does not name the task:\n%s", dom)
	}

	dom = renderDOM(t, browser, base+"/logs/"+x.ID+"/server/0/stdout")
	pre := regexp.MustCompile(`(?s)<pre id="log">(.*?)</pre>`).FindStringSubmatch(dom)
	if pre == nil || pre[1] != "observer line 1\nobserver line 2\nobserver line 3\n" {
		t.Fatalf("stdout tail = %q, want the three lines the process printed", pre)
	}
	dom = renderDOM(t, browser, base+"/logs/"+x.ID+"/counter/2/stdout")
	if !strings.Contains(dom, "run 2") {
		t.Fatalf("the counter's third run log lacks its output:\n%s", tail(dom, 2000))
	}
	dom = renderDOM(t, browser, base+"/browse/"+x.ID)
	if !strings.Contains(dom, ">n<") || !strings.Contains(dom, ".logs/") {
		t.Fatalf("sandbox listing lacks the task's files:\n%s", tail(dom, 2000))
	}
	dev.mustRun(t, "job", "kill", "local/www-data/prod/observed")
	waitFor(t, 30*time.Second, "the finished list to hold the killed task", func() bool {
		dom = renderDOM(t, browser, base+"/main/finished")
		return strings.Contains(dom, `data-task-id="`+x.ID+`"`) && strings.Contains(dom, ">KILLED<")
	})
}

// rowOf returns the process table row of process.
func rowOf(dom, process string) string {
	i := strings.Index(dom, `data-process="`+process+`"`)
	if i < 0 {
		return ""
	}
	j := strings.Index(dom[i:], "</tr>")
	if j < 0 {
		return ""
	}
	return dom[i : i+j]
}
