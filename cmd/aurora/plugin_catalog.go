package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/hashicorp/go-hclog"

	"github.com/aurora-go/aurora/core/api"
	"github.com/aurora-go/aurora/core/pluginhost"
)

// stringList is a repeatable string flag.
type stringList []string

func (l *stringList) String() string     { return strings.Join(*l, ",") }
func (l *stringList) Set(v string) error { *l = append(*l, v); return nil }

// readConfigArg reads a -config value: inline JSON, or @FILE.
func readConfigArg(v string) (json.RawMessage, error) {
	if v == "" {
		return nil, nil
	}
	raw := []byte(v)
	if strings.HasPrefix(v, "@") {
		b, err := os.ReadFile(v[1:])
		if err != nil {
			return nil, fmt.Errorf("-config: %w", err)
		}
		raw = b
	}
	if !json.Valid(raw) {
		return nil, fmt.Errorf("-config %s is not valid JSON", v)
	}
	return json.RawMessage(strings.TrimSpace(string(raw))), nil
}

// parsePluginRef parses KIND/NAME[@VERSION].
func parsePluginRef(s string) (kind, name, version string, ok bool) {
	kn, version, _ := strings.Cut(s, "@")
	kind, name, ok = strings.Cut(kn, "/")
	return kind, name, version, ok && kind != "" && name != "" && !strings.Contains(name, "/")
}

// pluginFlags are the shared flags of the catalog verbs.
func (m *Meta) pluginFlags(name string) (*flag.FlagSet, *string) {
	fs := m.flagSet(name, true)
	cluster := fs.String("cluster", "local", "")
	return fs, cluster
}

const pluginSharedOptions = `  -cluster CLUSTER  The cluster (default local, the ` + "`aurora dev`" + ` on this machine).
  -addr ADDR        Scheduler API address (default: AURORA_ADDR, then the cluster).`

// PluginListCommand is `aurora plugin list`.
type PluginListCommand struct{ Meta *Meta }

func (c *PluginListCommand) Synopsis() string { return "List the cluster's plugin catalog" }

func (c *PluginListCommand) Help() string {
	return strings.TrimSpace(`
Usage: aurora plugin list [options]

  Lists every catalog entry: kind/name, version, state, whether it is the
  pinned version, its failure policy and the sha256 of its binary
  ("builtin" for plugins served by the aurora binary).

Options:
  -json             Print the entries as JSON.
` + pluginSharedOptions + `

Example:
  aurora plugin list
`)
}

func (c *PluginListCommand) Run(args []string) int {
	fs, cluster := c.Meta.pluginFlags("plugin list")
	asJSON := fs.Bool("json", false, "")
	pos, err := parseArgs(fs, args)
	if err != nil || len(pos) != 0 {
		return c.Meta.usage("aurora plugin list [options]", "plugin list")
	}
	client, err := c.Meta.client(*cluster)
	if err != nil {
		c.Meta.UI.Error(err.Error())
		return exitInvalidParam
	}
	entries, err := client.Plugins(context.Background())
	if err != nil {
		return c.Meta.fail(err)
	}
	if *asJSON {
		return printJSON(entries)
	}
	var b strings.Builder
	tw := tabwriter.NewWriter(&b, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "PLUGIN\tVERSION\tSTATE\tPINNED\tPOLICY\tSHA256")
	for _, e := range entries {
		fmt.Fprintf(tw, "%s/%s\t%s\t%s\t%s\t%s\t%s\n", e.Kind, e.Name, e.Version, e.State, yesNo(e.Pinned), e.FailurePolicy, shortSum(e))
	}
	_ = tw.Flush()
	c.Meta.UI.Output(strings.TrimRight(b.String(), "\n"))
	return exitOK
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

func shortSum(e pluginhost.Entry) string {
	if e.Builtin {
		return "builtin"
	}
	if len(e.SHA256) > 12 {
		return e.SHA256[:12]
	}
	return e.SHA256
}

// PluginInfoCommand is `aurora plugin info`.
type PluginInfoCommand struct{ Meta *Meta }

func (c *PluginInfoCommand) Synopsis() string { return "Show every version of a plugin in the catalog" }

func (c *PluginInfoCommand) Help() string {
	return strings.TrimSpace(`
Usage: aurora plugin info [options] KIND/NAME

  Shows each registered version of the plugin (command, config, state,
  failure policy, capabilities) and the version the cluster runs: the
  pinned one if it is enabled, else the highest enabled one.

Options:
  -json             Print the entries as JSON.
` + pluginSharedOptions + `

Example:
  aurora plugin info constraint/zonespread
`)
}

func (c *PluginInfoCommand) Run(args []string) int {
	fs, cluster := c.Meta.pluginFlags("plugin info")
	asJSON := fs.Bool("json", false, "")
	pos, err := parseArgs(fs, args)
	var kind, name, version string
	ok := false
	if err == nil && len(pos) == 1 {
		kind, name, version, ok = parsePluginRef(pos[0])
	}
	if !ok || version != "" {
		return c.Meta.usage("aurora plugin info [options] KIND/NAME", "plugin info")
	}
	client, err := c.Meta.client(*cluster)
	if err != nil {
		c.Meta.UI.Error(err.Error())
		return exitInvalidParam
	}
	info, err := client.PluginInfo(context.Background(), kind, name)
	if err != nil {
		return c.Meta.fail(err)
	}
	if *asJSON {
		return printJSON(info)
	}
	var b strings.Builder
	resolved := info.Resolved
	if resolved == "" {
		resolved = "none (no enabled version)"
	}
	fmt.Fprintf(&b, "Plugin: %s/%s\nIn use: %s\n", info.Kind, info.Name, resolved)
	for _, e := range info.Versions {
		fmt.Fprintf(&b, "\nVersion %s\n  State: %s\n  Pinned: %s\n  Failure policy: %s\n", e.Version, e.State, yesNo(e.Pinned), e.FailurePolicy)
		if e.Builtin {
			fmt.Fprintf(&b, "  Built in: yes\n")
		} else {
			fmt.Fprintf(&b, "  SHA256: %s\n", e.SHA256)
		}
		if len(e.Config) > 0 {
			var compact bytes.Buffer
			if json.Compact(&compact, e.Config) != nil {
				compact.Write(e.Config)
			}
			fmt.Fprintf(&b, "  Config: %s\n", compact.String())
		}
		if e.Timeout > 0 {
			fmt.Fprintf(&b, "  Timeout: %s\n", e.Timeout)
		}
		if len(e.Capabilities) > 0 {
			fmt.Fprintf(&b, "  Capabilities: %s\n", strings.Join(e.Capabilities, ", "))
		}
	}
	c.Meta.UI.Output(strings.TrimRight(b.String(), "\n"))
	return exitOK
}

// PluginRegisterCommand is `aurora plugin register`.
type PluginRegisterCommand struct{ Meta *Meta }

func (c *PluginRegisterCommand) Synopsis() string {
	return "Add a plugin binary to the cluster's catalog"
}

func (c *PluginRegisterCommand) Help() string {
	return strings.TrimSpace(`
Usage: aurora plugin register [options] KIND NAME -version VERSION -sha256 HEX -binary PATH

  Uploads the binary to the leader, which copies it into its
  content-addressed store while hashing it and refuses it if its sha256
  differs from -sha256 (naming both hashes). The leader then starts it,
  checks that its Info reports KIND, NAME and VERSION, validates the config
  against its schema, and adds a disabled entry to the replicated catalog;
  every replica copies the binary. Enable it with ` + "`aurora plugin enable`" + `.

Options:
  -version VERSION  The plugin's semantic version, as its Info reports it.
  -sha256 HEX       The binary's sha256 (` + "`sha256sum`" + ` or ` + "`aurora plugin verify`" + ` prints it).
  -binary PATH      The plugin binary.
  -config JSON      Its configuration: inline JSON or @FILE.
  -failure-policy P fail_closed (default: its task groups are placed nowhere
                    while it fails) or fail_open (a failed plugin is ignored).
  -timeout D        Deadline of each call (default: the host's, 5s for Filter).
  -arg ARG          An argument to start it with (repeatable).
  -env KEY=VALUE    Its environment (repeatable); the host's is not inherited.
` + pluginSharedOptions + `

Example:
  aurora plugin register constraint zonespread -version 0.1.0 \
      -sha256 $(sha256sum zonespread | cut -d' ' -f1) -binary ./zonespread -config @cfg.json
`)
}

func (c *PluginRegisterCommand) Run(args []string) int {
	fs, cluster := c.Meta.pluginFlags("plugin register")
	version := fs.String("version", "", "")
	sum := fs.String("sha256", "", "")
	binary := fs.String("binary", "", "")
	config := fs.String("config", "", "")
	policy := fs.String("failure-policy", "", "")
	timeout := fs.Duration("timeout", 0, "")
	var pargs, env stringList
	fs.Var(&pargs, "arg", "")
	fs.Var(&env, "env", "")
	pos, err := parseArgs(fs, args)
	if err != nil || len(pos) != 2 || *version == "" || *sum == "" || *binary == "" {
		return c.Meta.usage("aurora plugin register [options] KIND NAME -version VERSION -sha256 HEX -binary PATH", "plugin register")
	}
	cfg, err := readConfigArg(*config)
	if err != nil {
		c.Meta.UI.Error(err.Error())
		return exitInvalidParam
	}
	bin, err := os.ReadFile(*binary)
	if err != nil {
		c.Meta.UI.Error("read the plugin binary: " + err.Error())
		return exitInvalidParam
	}
	client, err := c.Meta.client(*cluster)
	if err != nil {
		c.Meta.UI.Error(err.Error())
		return exitInvalidParam
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	want := strings.ToLower(strings.TrimSpace(*sum))
	if _, err := client.UploadPluginBlob(ctx, want, bin); err != nil {
		return c.Meta.fail(err)
	}
	e, err := client.RegisterPlugin(ctx, api.RegisterPluginRequest{
		Kind: pos[0], Name: pos[1], Version: *version, SHA256: want, Args: pargs, Env: env, Config: cfg,
		FailurePolicy: pluginhost.FailurePolicy(*policy), Timeout: *timeout,
	})
	if err != nil {
		return c.Meta.fail(err)
	}
	c.Meta.UI.Output(fmt.Sprintf("Registered %s (sha256 %s), %s, %s. Enable it with: aurora plugin enable %s/%s@%s",
		e.ID(), e.SHA256, e.State, e.FailurePolicy, e.Kind, e.Name, e.Version))
	return exitOK
}

// PluginStateCommand is `aurora plugin enable|disable|pin|deregister`.
type PluginStateCommand struct {
	Meta *Meta
	Verb string
}

func (c *PluginStateCommand) Synopsis() string {
	switch c.Verb {
	case "enable":
		return "Let the cluster use a catalog entry"
	case "disable":
		return "Stop the cluster using a catalog entry"
	case "pin":
		return "Make a version the one the cluster runs"
	default:
		return "Remove a disabled, unpinned catalog entry"
	}
}

func (c *PluginStateCommand) Help() string {
	what := map[string]string{
		"enable": `  Enables the entry. The leader starts an enabled constraint plugin and
  the scheduler uses it from its next placement round, without a restart.
  Without @VERSION the only version of the plugin, or its pinned one.`,
		"disable": `  Disables the entry. The leader stops it and the scheduler stops asking
  it from its next placement round. Without @VERSION the only version of
  the plugin, or its pinned one.`,
		"pin": `  Makes VERSION the version of KIND/NAME the cluster runs while it is
  enabled (otherwise the highest enabled version runs); other versions are
  unpinned. A running plugin is replaced without restarting the scheduler.`,
		"deregister": `  Removes the entry from the catalog. An enabled or pinned entry is
  refused (disable it, or pin another version, first); built-in plugins
  cannot be deregistered.`,
	}[c.Verb]
	ref := "KIND/NAME[@VERSION]"
	if c.Verb == "pin" {
		ref = "KIND/NAME@VERSION"
	}
	return strings.TrimSpace(`
Usage: aurora plugin ` + c.Verb + ` [options] ` + ref + `

` + what + `

Options:
` + pluginSharedOptions + `

Example:
  aurora plugin ` + c.Verb + ` constraint/zonespread` + map[bool]string{true: "@0.1.0", false: ""}[c.Verb == "pin"] + `
`)
}

func (c *PluginStateCommand) Run(args []string) int {
	fs, cluster := c.Meta.pluginFlags("plugin " + c.Verb)
	pos, err := parseArgs(fs, args)
	var kind, name, version string
	ok := false
	if err == nil && len(pos) == 1 {
		kind, name, version, ok = parsePluginRef(pos[0])
	}
	if !ok || (c.Verb == "pin" && version == "") {
		line := "aurora plugin " + c.Verb + " [options] KIND/NAME[@VERSION]"
		if c.Verb == "pin" {
			line = "aurora plugin pin [options] KIND/NAME@VERSION"
		}
		return c.Meta.usage(line, "plugin "+c.Verb)
	}
	client, err := c.Meta.client(*cluster)
	if err != nil {
		c.Meta.UI.Error(err.Error())
		return exitInvalidParam
	}
	ctx := context.Background()
	var e *pluginhost.Entry
	switch c.Verb {
	case "enable", "disable":
		e, err = client.SetPluginState(ctx, kind, name, version, c.Verb == "enable")
	case "pin":
		e, err = client.PinPlugin(ctx, kind, name, version)
	case "deregister":
		err = client.DeregisterPlugin(ctx, kind, name, version)
	}
	if err != nil {
		return c.Meta.fail(err)
	}
	switch {
	case e != nil && c.Verb == "pin":
		c.Meta.UI.Output(fmt.Sprintf("Pinned %s (%s)", e.ID(), e.State))
	case e != nil:
		c.Meta.UI.Output(fmt.Sprintf("%s is %s", e.ID(), e.State))
	default:
		c.Meta.UI.Output("Deregistered " + strings.TrimSuffix(kind+"/"+name+"@"+version, "@"))
	}
	return exitOK
}

// PluginReloadCommand is `aurora plugin reload`.
type PluginReloadCommand struct{ Meta *Meta }

func (c *PluginReloadCommand) Synopsis() string { return "Restart a running plugin on the leader" }

func (c *PluginReloadCommand) Help() string {
	return strings.TrimSpace(`
Usage: aurora plugin reload [options] KIND/NAME

  Restarts the leader's process of the plugin (its binary's sha256 is
  verified again), for instance after it misbehaved. The scheduler is not
  restarted; under fail_closed its task groups wait for the new process.

Options:
` + pluginSharedOptions + `

Example:
  aurora plugin reload constraint/zonespread
`)
}

func (c *PluginReloadCommand) Run(args []string) int {
	fs, cluster := c.Meta.pluginFlags("plugin reload")
	pos, err := parseArgs(fs, args)
	var kind, name, version string
	ok := false
	if err == nil && len(pos) == 1 {
		kind, name, version, ok = parsePluginRef(pos[0])
	}
	if !ok || version != "" {
		return c.Meta.usage("aurora plugin reload [options] KIND/NAME", "plugin reload")
	}
	client, err := c.Meta.client(*cluster)
	if err != nil {
		c.Meta.UI.Error(err.Error())
		return exitInvalidParam
	}
	if err := client.ReloadPlugin(context.Background(), kind, name); err != nil {
		return c.Meta.fail(err)
	}
	c.Meta.UI.Output("Reloading " + kind + "/" + name)
	return exitOK
}

// PluginVerifyCommand is `aurora plugin verify`.
type PluginVerifyCommand struct{ Meta *Meta }

func (c *PluginVerifyCommand) Synopsis() string {
	return "Run the conformance suite against a plugin binary"
}

func (c *PluginVerifyCommand) Help() string {
	return strings.TrimSpace(`
Usage: aurora plugin verify [options] BINARY

  Runs the conformance suite of the binary's kind against the binary
  itself, unregistered and without a cluster: it starts it with the
  production handshake and an empty environment, reads its Info, and runs
  every check. Prints the report and the binary's sha256 (which
  ` + "`aurora plugin register`" + ` needs); exits 4 if a check fails.

Options:
  -config JSON      A valid configuration of the plugin: inline JSON or @FILE.
  -short-task JSON  Executors: a task configuration that exits 0 in seconds.
  -long-task JSON   Executors: a task configuration that runs until stopped.
  -arg ARG          An argument to start it with (repeatable).
  -env KEY=VALUE    Its environment (repeatable).
  -check-timeout D  Deadline of each check (default 1m).
  -json             Print the report as JSON.

Example:
  aurora plugin verify ./zonespread -config @cfg.json
`)
}

func (c *PluginVerifyCommand) Run(args []string) int {
	fs := c.Meta.flagSet("plugin verify", false)
	config := fs.String("config", "", "")
	short := fs.String("short-task", "", "")
	long := fs.String("long-task", "", "")
	checkTimeout := fs.Duration("check-timeout", 0, "")
	asJSON := fs.Bool("json", false, "")
	var pargs, env stringList
	fs.Var(&pargs, "arg", "")
	fs.Var(&env, "env", "")
	pos, err := parseArgs(fs, args)
	if err != nil || len(pos) != 1 {
		return c.Meta.usage("aurora plugin verify [options] BINARY", "plugin verify")
	}
	opts := pluginhost.VerifyOptions{Args: pargs, Env: env, CheckTimeout: *checkTimeout}
	for _, f := range []struct {
		v   string
		dst *json.RawMessage
	}{{*config, &opts.Config}, {*short, &opts.ShortTask}, {*long, &opts.LongTask}} {
		if *f.dst, err = readConfigArg(f.v); err != nil {
			c.Meta.UI.Error(err.Error())
			return exitInvalidParam
		}
	}
	lg := logger("verify")
	if os.Getenv("AURORA_LOG_LEVEL") == "" {
		lg.SetLevel(hclog.Warn) // the report says what happened
	}
	host := pluginhost.New(lg)
	defer host.Shutdown()
	rep, err := host.Verify(context.Background(), pos[0], opts)
	if err != nil {
		c.Meta.UI.Error(err.Error())
		if sum, serr := fileSum(pos[0]); serr == nil {
			c.Meta.UI.Error("sha256: " + sum)
		}
		return exitCommandFailed
	}
	if *asJSON {
		type result struct {
			Name     string `json:"name"`
			Status   string `json:"status"`
			Error    string `json:"error,omitempty"`
			Duration string `json:"duration"`
		}
		out := struct {
			SHA256  string   `json:"sha256"`
			Kind    string   `json:"kind"`
			Name    string   `json:"name"`
			Version string   `json:"version"`
			Passed  bool     `json:"passed"`
			Checks  []result `json:"checks"`
		}{SHA256: rep.SHA256, Kind: rep.Info.Kind, Name: rep.Info.Name, Version: rep.Info.Version, Passed: rep.Passed()}
		for _, r := range rep.Conformance.Results {
			res := result{Name: r.Name, Status: "pass", Duration: r.Duration.String()}
			switch {
			case r.Skipped:
				res.Status = "skip"
			case r.Err != nil:
				res.Status, res.Error = "fail", r.Err.Error()
			}
			out.Checks = append(out.Checks, res)
		}
		printJSON(out)
	} else {
		c.Meta.UI.Output(fmt.Sprintf("Plugin: %s/%s %s (API %d)\nSHA256: %s\n\n%s",
			rep.Info.Kind, rep.Info.Name, rep.Info.Version, rep.Info.APIVersion, rep.SHA256,
			strings.TrimRight(rep.Conformance.String(), "\n")))
	}
	if !rep.Passed() {
		c.Meta.UI.Error("conformance failed: " + rep.Conformance.Err().Error())
		return exitCommandFailed
	}
	if !*asJSON {
		c.Meta.UI.Output("\nAll checks passed. Register it with:\n  aurora plugin register " + rep.Info.Kind + " " + rep.Info.Name +
			" -version " + rep.Info.Version + " -sha256 " + rep.SHA256 + " -binary " + pos[0])
	}
	return exitOK
}

func fileSum(path string) (string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return "", err
	}
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:]), nil
}
