package pluginhost

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"time"

	"github.com/aurora-go/aurora/sdk"
	"github.com/aurora-go/aurora/sdk/conformance"
)

// VerifyOptions tune Verify.
type VerifyOptions struct {
	// Args and Env start the binary (the host environment is not
	// inherited).
	Args []string
	Env  []string
	// Config is a valid configuration of the plugin, if it needs one.
	Config json.RawMessage
	// ShortTask and LongTask are executor task configurations that exit 0
	// within seconds and run until stopped; without them the executor
	// checks that start tasks are skipped.
	ShortTask, LongTask json.RawMessage
	// CheckTimeout bounds each check (default one minute).
	CheckTimeout time.Duration
}

// VerifyReport is the outcome of Verify.
type VerifyReport struct {
	// SHA256 of the binary: what `aurora plugin register` needs.
	SHA256 string
	// Info is what the plugin reports.
	Info *sdk.Info
	// Conformance holds one result per check of the kind's suite.
	Conformance *conformance.Report
}

// Passed reports whether every conformance check passed or was skipped.
func (r *VerifyReport) Passed() bool { return r.Conformance != nil && !r.Conformance.Failed() }

// Verify runs the conformance suite of the plugin at binaryPath against the
// binary itself, unregistered (`aurora plugin verify ./binary`): it hashes
// the file, starts it with the production handshake to learn its kind from
// Info, and runs that kind's checks (sdk/conformance) against a supervised
// process. The error is for a binary that cannot be verified at all;
// failed checks are in the report.
func (h *Host) Verify(ctx context.Context, binaryPath string, opts VerifyOptions) (*VerifyReport, error) {
	fi, err := os.Stat(binaryPath)
	if err != nil {
		return nil, fmt.Errorf("verify: %w", err)
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("verify: %s is not a regular file", binaryPath)
	}
	sum, err := FileSHA256(binaryPath)
	if err != nil {
		return nil, fmt.Errorf("verify: %w", err)
	}
	info, err := h.probe(ctx, binaryPath, opts)
	if err != nil {
		return nil, fmt.Errorf("verify %s: %w", binaryPath, err)
	}
	spec := Spec{Kind: info.Kind, Name: info.Name, Version: info.Version, SHA256: sum,
		Command: binaryPath, Args: opts.Args, Env: opts.Env}
	client, err := h.Start(ctx, spec)
	if err != nil {
		return nil, fmt.Errorf("verify %s: %w", binaryPath, err)
	}
	defer client.Close()
	factory := func(context.Context) (sdk.Base, func(), error) { return client, func() {}, nil }
	checks, err := conformance.Checks(info.Kind, factory, conformance.Options{
		Config: opts.Config, ShortTask: opts.ShortTask, LongTask: opts.LongTask, CheckTimeout: opts.CheckTimeout,
	})
	if err != nil {
		return nil, fmt.Errorf("verify %s: %w", binaryPath, err)
	}
	rep := conformance.Run(ctx, info.Kind, checks, opts.CheckTimeout)
	h.logger.Info("plugin verified", "binary", binaryPath, "plugin", info.Kind+"/"+info.Name, "version", info.Version,
		"sha256", sum, "passed", !rep.Failed())
	return &VerifyReport{SHA256: sum, Info: info, Conformance: rep}, nil
}

// probe starts the binary once to read the Info of the kind it serves.
func (h *Host) probe(ctx context.Context, path string, opts VerifyOptions) (*sdk.Info, error) {
	spec := Spec{Kind: "probe", Name: "probe", Command: path, Args: opts.Args, Env: opts.Env}
	s := newSupervisor(h, spec)
	cmd := execCommand(spec)
	cmd.Env = s.env()
	client := newPluginClient(cmd, nil, h.opts.timeouts.Start, h.logger.Named("verify").With("binary", path))
	inst := &instance{client: client, cmd: cmd, started: time.Now()}
	defer s.kill(inst)
	rpc, err := client.Client()
	if err != nil {
		return nil, fmt.Errorf("start: %w", err)
	}
	inst.pid = cmd.Process.Pid
	ctx, cancel := withTimeout(ctx, h.opts.timeouts.Base)
	defer cancel()
	var lastErr error
	for _, kind := range sdk.Kinds() {
		raw, err := rpc.Dispense(kind)
		if err != nil {
			return nil, err
		}
		info, err := raw.(sdk.Base).Info(ctx)
		if err == nil {
			if info.Kind != kind {
				return nil, fmt.Errorf("%w: serving the %s kind, Info reports kind %q", ErrMismatch, kind, info.Kind)
			}
			return info, nil
		}
		lastErr = err
	}
	return nil, fmt.Errorf("the binary serves no plugin kind: %w", lastErr)
}
