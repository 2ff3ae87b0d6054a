package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/aurora-go/aurora/core/api"
	"github.com/aurora-go/aurora/core/clusters"
	"github.com/aurora-go/aurora/core/jobspec"
	"github.com/aurora-go/aurora/core/spec"
	"github.com/aurora-go/aurora/core/taskstate"
)

// jobFileFlags are the flags of every verb that reads a job file: HCL
// variables and Aurora's --bind.
type jobFileFlags struct {
	vars, varFiles, binds multiFlag
}

const jobFileHelp = `  -var NAME=VALUE   Set an HCL variable (repeatable).
  -var-file FILE    Read HCL variables from FILE (repeatable).
  -bind NAME=VALUE  Give {{NAME}} templates a value (repeatable; Aurora's --bind).`

func (j *jobFileFlags) register(fs *flag.FlagSet) {
	fs.Var(&j.vars, "var", "")
	fs.Var(&j.varFiles, "var-file", "")
	fs.Var(&j.binds, "bind", "")
}

// options turns the flags into jobspec options.
func (j *jobFileFlags) options() (jobspec.Options, error) {
	opts := jobspec.Options{Vars: map[string]string{}, VarFiles: j.varFiles, Binds: map[string]string{}}
	for _, kv := range j.vars {
		k, v, ok := strings.Cut(kv, "=")
		if !ok || k == "" {
			return opts, fmt.Errorf("-var %q must be NAME=VALUE", kv)
		}
		opts.Vars[k] = v
	}
	for _, kv := range j.binds {
		k, v, ok := strings.Cut(kv, "=")
		if !ok || k == "" {
			return opts, fmt.Errorf("-bind %q must be NAME=VALUE", kv)
		}
		opts.Binds[k] = v
	}
	return opts, nil
}

// keyAndFile reads the positional arguments of a verb that takes a job
// key and a job file, in either order: Aurora's `KEY FILE`, or `FILE
// [KEY]`. key is "" when none is given.
func keyAndFile(pos []string) (key, file string) {
	switch len(pos) {
	case 1:
		return "", pos[0]
	case 2:
		if _, err := os.Stat(pos[0]); err != nil && strings.Count(pos[0], "/") >= 3 {
			return pos[0], pos[1]
		}
		return pos[1], pos[0]
	}
	return "", ""
}

// printJSON writes v to stdout, indented.
func printJSON(v interface{}) int {
	enc := json.NewEncoder(os.Stdout)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return exitUnknownError
	}
	return exitOK
}

// fail prints err and returns its exit code.
func (m *Meta) fail(err error) int {
	m.UI.Error(err.Error())
	if errors.Is(err, context.DeadlineExceeded) {
		return exitTimeout
	}
	return exitFor(err)
}

// usage prints a usage line that points at -h and returns exit code 5.
func (m *Meta) usage(line, verb string) int {
	m.UI.Error("usage: " + line + "; see `aurora " + verb + " -h`")
	return exitInvalidCommand
}

// isLocal reports whether cluster is the built-in cluster "local" (the
// `aurora dev` on this machine), whose task sandboxes are on this machine.
func isLocal(cluster string) bool {
	if cluster != "local" {
		return false
	}
	all, err := clusters.Load()
	if err != nil {
		return true
	}
	_, defined := all[cluster]
	return !defined
}

// Aurora's --wait-until states.
const (
	waitPending  = "PENDING"
	waitRunning  = "RUNNING"
	waitFinished = "FINISHED"
)

func checkWaitUntil(s string) (string, error) {
	switch u := strings.ToUpper(s); u {
	case waitPending, waitRunning, waitFinished:
		return u, nil
	}
	return "", fmt.Errorf("-wait-until %q must be PENDING, RUNNING or FINISHED", s)
}

// reached reports whether a task's status satisfies -wait-until: PENDING
// is reached at once; RUNNING when it runs (for a batch job, also when it
// is already over); FINISHED when it is over.
func reached(until string, st taskstate.Status, service bool) bool {
	switch until {
	case waitPending:
		return true
	case waitRunning:
		return st == taskstate.Running || (!service && st.Terminal())
	case waitFinished:
		return st.Terminal()
	}
	return false
}

// waitInstances polls until the newest task of every instance in
// instances satisfies -wait-until, and returns the job's status then.
func waitInstances(ctx context.Context, client *api.Client, key spec.JobKey, instances []int, until string) (*api.JobStatus, error) {
	t := time.NewTicker(250 * time.Millisecond)
	defer t.Stop()
	for {
		st, err := client.JobStatus(ctx, key)
		if err != nil {
			return nil, err
		}
		newest := map[int]api.TaskStatus{}
		for _, task := range latestPerInstance(st.Tasks) {
			newest[task.Instance] = task
		}
		done := true
		for _, i := range instances {
			task, ok := newest[i]
			if !ok || !reached(until, task.Status, task.Config != nil && task.Config.Service) {
				done = false
				break
			}
		}
		if done {
			return st, nil
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-t.C:
		}
	}
}

// seq returns [from, from+1, ..., from+n-1].
func seq(from, n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = from + i
	}
	return out
}

// formatInstances renders sorted instance ids as ranges: 0-2,5.
func formatInstances(ids []int) string {
	var parts []string
	for i := 0; i < len(ids); {
		j := i
		for j+1 < len(ids) && ids[j+1] == ids[j]+1 {
			j++
		}
		if i == j {
			parts = append(parts, fmt.Sprint(ids[i]))
		} else {
			parts = append(parts, fmt.Sprintf("%d-%d", ids[i], ids[j]))
		}
		i = j + 1
	}
	return strings.Join(parts, ",")
}

// jobURL is where a job can be seen on its scheduler.
func jobURL(client *api.Client, key spec.JobKey) string {
	return client.Addr + "/v1/jobs/" + key.String()
}
