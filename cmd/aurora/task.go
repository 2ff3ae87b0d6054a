package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/aurora-go/aurora/core/api"
	"github.com/aurora-go/aurora/core/spec"
)

// sshFlags are the flags of the verbs that may reach a task's host.
type sshFlags struct {
	user, options string
}

const sshHelp = `  -ssh-user USER    Log in to the task's host as USER (remote clusters).
  -ssh-options OPTS Extra ssh options, such as '-i ~/.ssh/aurora' (remote clusters).`

func (s *sshFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&s.user, "ssh-user", "", "")
	fs.StringVar(&s.user, "l", "", "")
	fs.StringVar(&s.options, "ssh-options", "", "")
}

// command returns ssh arguments that run remote (a shell command line) on
// host; tty asks for a terminal.
func (s *sshFlags) command(host, remote string, tty bool) []string {
	args := []string{}
	if tty {
		args = append(args, "-t")
	}
	if s.user != "" {
		args = append(args, "-l", s.user)
	}
	args = append(args, strings.Fields(s.options)...)
	return append(args, host, remote)
}

// runningTasks returns the newest task of each instance asked for (nil:
// every instance) that is on an agent with a sandbox, and notes the
// instances that are not.
func runningTasks(ctx context.Context, m *Meta, client *api.Client, key spec.ClusterKey, instances []int) ([]api.TaskStatus, error) {
	st, err := client.JobStatus(ctx, key.JobKey)
	if err != nil {
		return nil, err
	}
	want := map[int]bool{}
	for _, i := range instances {
		want[i] = true
	}
	var out []api.TaskStatus
	seen := map[int]bool{}
	for _, t := range latestPerInstance(st.Tasks) {
		if instances != nil && !want[t.Instance] {
			continue
		}
		seen[t.Instance] = true
		if !t.Status.OnAgent() || t.Status.Terminal() || t.Sandbox == "" {
			m.UI.Warn(fmt.Sprintf("instance %d is %s, not on an agent: skipped", t.Instance, t.Status))
			continue
		}
		out = append(out, t)
	}
	for _, i := range instances {
		if !seen[i] {
			m.UI.Warn(fmt.Sprintf("instance %d has no task: skipped", i))
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no task of %s is on an agent; `aurora job status %s` shows where they are", key, key)
	}
	return out, nil
}

var portTemplateRE = regexp.MustCompile(`\{\{thermos\.ports\[([\w\-]+)\]\}\}`)

// bindCommand substitutes a task's {{mesos.*}} and {{thermos.*}} values in
// a command, as Aurora's task run does.
func bindCommand(cmd string, t api.TaskStatus) string {
	r := strings.NewReplacer(
		"{{mesos.instance}}", strconv.Itoa(t.Instance),
		"{{mesos.hostname}}", t.Host,
		"{{thermos.task_id}}", t.ID,
	)
	cmd = r.Replace(cmd)
	return portTemplateRE.ReplaceAllStringFunc(cmd, func(m string) string {
		name := portTemplateRE.FindStringSubmatch(m)[1]
		if p, ok := t.Ports[name]; ok {
			return strconv.FormatUint(p, 10)
		}
		return m
	})
}

// shellQuote quotes s for a POSIX shell.
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// TaskRunCommand is `aurora task run`.
type TaskRunCommand struct {
	Meta *Meta
}

func (c *TaskRunCommand) Synopsis() string {
	return "Run a shell command in the sandbox of each task of a job"
}

func (c *TaskRunCommand) Help() string {
	return strings.TrimSpace(`
Usage: aurora task run [options] CLUSTER/ROLE/ENV/NAME[/INSTANCES] COMMAND...

  Runs COMMAND with sh in the sandbox of every task of the job (or of the
  instances given, such as 0-2,5) that is on an agent, and prints its
  output with each line prefixed by the instance. {{mesos.instance}},
  {{mesos.hostname}}, {{thermos.task_id}} and {{thermos.ports[NAME]}} in
  COMMAND are replaced with each task's values.

  On the built-in cluster "local" (aurora dev) the sandboxes are on this
  machine and COMMAND runs here. On any other cluster it runs over ssh on
  the task's host: ssh [-l USER] [OPTIONS] HOST 'cd SANDBOX && COMMAND'.
  The exit code is 4 if COMMAND failed for any task.

Options:
  -threads N        Run on N tasks at once (default 1).
` + sshHelp + `
  -addr ADDR        Scheduler API address (default: AURORA_ADDR, then the cluster).

Example:
  aurora task run local/www-data/prod/hello 'ls .logs; echo instance {{mesos.instance}}'
`)
}

func (c *TaskRunCommand) Run(args []string) int {
	fs := c.Meta.flagSet("task run", true)
	threads := fs.Int("threads", 1, "")
	var ssh sshFlags
	ssh.register(fs)
	pos, err := parseArgs(fs, args)
	if err != nil || len(pos) < 2 || *threads < 1 {
		return c.Meta.usage("aurora task run [options] CLUSTER/ROLE/ENV/NAME[/INSTANCES] COMMAND...", "task run")
	}
	key, instances, err := parseInstanceKey(pos[0])
	if err != nil {
		c.Meta.UI.Error(err.Error())
		return exitInvalidParam
	}
	command := strings.Join(pos[1:], " ")
	client, err := c.Meta.client(key.Cluster)
	if err != nil {
		c.Meta.UI.Error(err.Error())
		return exitInvalidParam
	}
	ctx := context.Background()
	tasks, err := runningTasks(ctx, c.Meta, client, key, instances)
	if err != nil {
		return c.Meta.fail(err)
	}
	local := isLocal(key.Cluster)
	type result struct {
		out []byte
		err error
	}
	results := make([]result, len(tasks))
	sem := make(chan struct{}, *threads)
	var wg sync.WaitGroup
	for i, t := range tasks {
		wg.Add(1)
		sem <- struct{}{}
		go func(i int, t api.TaskStatus) {
			defer wg.Done()
			defer func() { <-sem }()
			cmdline := bindCommand(command, t)
			var cmd *exec.Cmd
			if local {
				if _, err := os.Stat(t.Sandbox); err != nil {
					results[i].err = fmt.Errorf("sandbox %s is not on this machine (%w); for a remote cluster define it in clusters.json", t.Sandbox, err)
					return
				}
				cmd = exec.CommandContext(ctx, "sh", "-c", cmdline)
				cmd.Dir = t.Sandbox
				cmd.Env = append(os.Environ(), "MESOS_SANDBOX="+t.Sandbox)
			} else {
				cmd = exec.CommandContext(ctx, "ssh", ssh.command(t.Host, "cd "+shellQuote(t.Sandbox)+" && "+cmdline, false)...)
			}
			var buf bytes.Buffer
			cmd.Stdout, cmd.Stderr = &buf, &buf
			err := cmd.Run()
			results[i] = result{out: buf.Bytes(), err: err}
		}(i, t)
	}
	wg.Wait()
	order := make([]int, len(tasks))
	for i := range order {
		order[i] = i
	}
	sort.Slice(order, func(a, b int) bool { return tasks[order[a]].Instance < tasks[order[b]].Instance })
	code := exitOK
	for _, i := range order {
		prefix := strconv.Itoa(tasks[i].Instance) + ": "
		for _, line := range strings.Split(strings.TrimRight(string(results[i].out), "\n"), "\n") {
			if line != "" {
				c.Meta.UI.Output(prefix + line)
			}
		}
		if results[i].err != nil {
			c.Meta.UI.Error(fmt.Sprintf("%sfailed on %s: %v", prefix, tasks[i].Host, results[i].err))
			code = exitCommandFailed
		}
	}
	return code
}

// TaskSSHCommand is `aurora task ssh`.
type TaskSSHCommand struct {
	Meta *Meta
}

func (c *TaskSSHCommand) Synopsis() string { return "Open a shell in a task's sandbox" }

func (c *TaskSSHCommand) Help() string {
	return strings.TrimSpace(`
Usage: aurora task ssh [options] CLUSTER/ROLE/ENV/NAME/INSTANCE

  Opens an interactive shell in the sandbox of the task of INSTANCE (or
  runs -c COMMAND there). On the built-in cluster "local" (aurora dev) the
  shell ($SHELL, or sh) starts here, in the sandbox. On any other cluster
  it is an ssh session to the task's host that starts in the sandbox:
  ssh -t [-l USER] [OPTIONS] HOST 'cd SANDBOX && exec $SHELL'.

Options:
  -c COMMAND        Run COMMAND instead of an interactive shell.
` + sshHelp + `
  -addr ADDR        Scheduler API address (default: AURORA_ADDR, then the cluster).

Example:
  aurora task ssh local/www-data/prod/hello/0
  aurora task ssh local/www-data/prod/hello/0 -c 'tail .logs/hello/0/stdout'
`)
}

func (c *TaskSSHCommand) Run(args []string) int {
	fs := c.Meta.flagSet("task ssh", true)
	command := fs.String("c", "", "")
	var ssh sshFlags
	ssh.register(fs)
	pos, err := parseArgs(fs, args)
	if err != nil || len(pos) != 1 {
		return c.Meta.usage("aurora task ssh [options] CLUSTER/ROLE/ENV/NAME/INSTANCE", "task ssh")
	}
	key, instances, err := parseInstanceKey(pos[0])
	if err == nil && len(instances) != 1 {
		err = fmt.Errorf("%q must name one instance, such as %s/0", pos[0], strings.TrimSuffix(pos[0], "/"))
	}
	if err != nil {
		c.Meta.UI.Error(err.Error())
		return exitInvalidParam
	}
	client, err := c.Meta.client(key.Cluster)
	if err != nil {
		c.Meta.UI.Error(err.Error())
		return exitInvalidParam
	}
	tasks, err := runningTasks(context.Background(), c.Meta, client, key, instances)
	if err != nil {
		return c.Meta.fail(err)
	}
	t := tasks[0]
	var cmd *exec.Cmd
	if isLocal(key.Cluster) {
		if _, err := os.Stat(t.Sandbox); err != nil {
			c.Meta.UI.Error(fmt.Sprintf("sandbox %s is not on this machine (%v); for a remote cluster define it in clusters.json", t.Sandbox, err))
			return exitCommandFailed
		}
		shell := os.Getenv("SHELL")
		if shell == "" {
			shell = "/bin/sh"
		}
		if *command != "" {
			cmd = exec.Command("sh", "-c", bindCommand(*command, t))
		} else {
			cmd = exec.Command(shell)
		}
		cmd.Dir = t.Sandbox
		cmd.Env = append(os.Environ(), "MESOS_SANDBOX="+t.Sandbox)
	} else {
		remote := "cd " + shellQuote(t.Sandbox) + " && exec $SHELL"
		if *command != "" {
			remote = "cd " + shellQuote(t.Sandbox) + " && " + bindCommand(*command, t)
		}
		cmd = exec.Command("ssh", ssh.command(t.Host, remote, *command == "")...)
	}
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	if err := cmd.Run(); err != nil {
		if ee, ok := err.(*exec.ExitError); ok {
			return ee.ExitCode()
		}
		c.Meta.UI.Error(fmt.Sprintf("%s: %v", cmd.Path, err))
		return exitCommandFailed
	}
	return exitOK
}
