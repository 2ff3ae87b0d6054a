package executor

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// maxHealthBody bounds how much of a health response is read.
const maxHealthBody = 64 << 10

// reasonLength shortens responses quoted in failure reasons, as Aurora's
// HttpSignaler does.
const reasonLength = 10

// httpCheck GETs http://localhost:PORT/ENDPOINT (Aurora's HttpSignaler):
// the trimmed body must equal expected (case-insensitive) unless expected
// is empty, and the status must be expectedCode unless it is 0.
func httpCheck(client *http.Client, port uint64, endpoint, expected string, expectedCode int) checkFunc {
	url := "http://localhost:" + strconv.FormatUint(port, 10) + endpoint
	return func(ctx context.Context) (bool, string) {
		code, body, err := query(ctx, client, http.MethodGet, url)
		if err != nil {
			return false, err.Error()
		}
		body = strings.ToLower(strings.TrimSpace(body))
		if expected != "" && body != strings.ToLower(expected) {
			return false, fmt.Sprintf("Response differs from expected response (expected %q, got %q)", shorten(expected), shorten(body))
		}
		if expectedCode != 0 && code != expectedCode {
			return false, fmt.Sprintf("Response code differs from expected response (expected %d, got %d)", expectedCode, code)
		}
		return true, ""
	}
}

// query sends one request and returns the status and the body; an error
// status is an answer, not an error.
func query(ctx context.Context, client *http.Client, method, url string) (int, string, error) {
	req, err := http.NewRequestWithContext(ctx, method, url, nil)
	if err != nil {
		return 0, "", fmt.Errorf("Failed to signal %s: %w", url, err)
	}
	resp, err := client.Do(req)
	if err != nil {
		if errors.Is(err, context.DeadlineExceeded) {
			return 0, "", fmt.Errorf("Failed to signal %s: timed out", url)
		}
		return 0, "", fmt.Errorf("Failed to signal %s: %w", url, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, maxHealthBody))
	if resp.StatusCode >= 400 {
		body = nil // Aurora reads no body from an HTTP error
	}
	return resp.StatusCode, string(body), nil
}

func shorten(s string) string {
	if len(s) < reasonLength {
		return s
	}
	return s[:reasonLength-3] + "..."
}

// shellCheck runs command with bash in the sandbox with the task's
// environment (Aurora's ShellHealthCheck): exit 0 passes. A command past
// the check's deadline is killed with its process group.
func shellCheck(bash, sandbox string, env []string, command string) checkFunc {
	return func(ctx context.Context) (bool, string) {
		cmd := exec.Command(bash, "-c", command)
		cmd.Dir = sandbox
		cmd.Env = env
		cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
		var out strings.Builder
		cmd.Stdout, cmd.Stderr = &out, &out
		cmd.WaitDelay = 100 * time.Millisecond // a background child may hold the output open
		if err := cmd.Start(); err != nil {
			return false, "cannot run the health check command: " + err.Error()
		}
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case err := <-done:
			_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) // leftovers
			if err == nil || errors.Is(err, exec.ErrWaitDelay) {
				return true, ""
			}
			var ee *exec.ExitError
			if errors.As(err, &ee) {
				return false, fmt.Sprintf("Command failed with exit code %d: %s", ee.ExitCode(), shortOutput(out.String()))
			}
			return false, "health check command: " + err.Error()
		case <-ctx.Done():
			_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
			<-done
			return false, "Command timed out"
		}
	}
}

func shortOutput(s string) string {
	s = strings.TrimSpace(s)
	if len(s) > 200 {
		s = s[:200] + "..."
	}
	return s
}

// healthHTTPClient is the client of HTTP health checks and lifecycle
// calls: no proxies, no keep-alive, so a task that stops answering is seen
// at once.
func healthHTTPClient() *http.Client {
	return &http.Client{
		Transport: &http.Transport{Proxy: nil, DisableKeepAlives: true, ResponseHeaderTimeout: 30 * time.Second},
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}
}
