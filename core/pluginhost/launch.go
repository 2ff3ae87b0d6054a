package pluginhost

import (
	"context"
	"errors"
	"fmt"
	"os/exec"
	"strings"
	"time"

	hclog "github.com/hashicorp/go-hclog"
	plugin "github.com/hashicorp/go-plugin"

	"github.com/aurora-go/aurora/sdk"
)

// launch starts a plugin process, checks its Info against the spec and
// replays the last configuration.
func (s *supervisor) launch(ctx context.Context) (*instance, error) {
	cmd := exec.Command(s.spec.Command, s.spec.Args...)
	cmd.Env = s.env()
	cmd.SysProcAttr = sysProcAttr()
	client := plugin.NewClient(&plugin.ClientConfig{
		HandshakeConfig:  sdk.Handshake,
		VersionedPlugins: sdk.VersionedPlugins(),
		Cmd:              cmd,
		SkipHostEnv:      true,
		AllowedProtocols: []plugin.Protocol{plugin.ProtocolGRPC},
		StartTimeout:     s.opts.timeouts.Start,
		Logger:           s.logger,
	})
	inst := &instance{client: client, cmd: cmd, started: time.Now()}
	rpc, err := client.Client()
	if err != nil {
		s.kill(inst)
		return nil, fmt.Errorf("start plugin %s (%s): %w", s.spec, s.spec.Command, err)
	}
	inst.pid = cmd.Process.Pid
	raw, err := rpc.Dispense(s.spec.Kind)
	if err != nil {
		s.kill(inst)
		return nil, fmt.Errorf("plugin %s: dispense: %w", s.spec, err)
	}
	base, ok := raw.(sdk.Base)
	if !ok {
		s.kill(inst)
		return nil, fmt.Errorf("plugin %s: dispensed %T", s.spec, raw)
	}
	inst.raw = base
	if err := s.verify(ctx, inst, client.NegotiatedVersion()); err != nil {
		s.kill(inst)
		return nil, err
	}
	s.logger.Info("plugin started", "plugin", s.spec.String(), "pid", inst.pid)
	return inst, nil
}

// env is the plugin's environment: the spec's, plus the host's log level
// unless the spec sets one. Never nil: nil would mean the host's environment.
func (s *supervisor) env() []string {
	env := append([]string{}, s.spec.Env...)
	for _, kv := range env {
		if strings.HasPrefix(kv, sdk.LogLevelEnv+"=") {
			return env
		}
	}
	if level := s.logger.GetLevel(); level != hclog.NoLevel && level != hclog.Off {
		env = append(env, sdk.LogLevelEnv+"="+level.String())
	}
	return env
}

func (s *supervisor) verify(ctx context.Context, inst *instance, apiVersion int) error {
	ctx, cancel := withTimeout(ctx, s.opts.timeouts.Base)
	defer cancel()
	info, err := inst.raw.Info(ctx)
	if errors.Is(err, sdk.ErrUnimplemented) {
		return fmt.Errorf("plugin %s: %w: the process does not serve the %s kind", s.spec, ErrMismatch, s.spec.Kind)
	}
	if err != nil {
		return fmt.Errorf("plugin %s: Info: %w", s.spec, err)
	}
	if info.Kind != s.spec.Kind || info.Name != s.spec.Name {
		return fmt.Errorf("plugin %s: %w: it reports itself as %s/%s", s.spec, ErrMismatch, info.Kind, info.Name)
	}
	if int(info.APIVersion) != apiVersion {
		return fmt.Errorf("plugin %s: %w: it reports API version %d on protocol version %d", s.spec, ErrMismatch, info.APIVersion, apiVersion)
	}
	s.mu.Lock()
	config, replay := s.config, s.hasConfig
	s.mu.Unlock()
	if replay {
		if err := inst.raw.Configure(ctx, config); err != nil {
			return fmt.Errorf("plugin %s: replay Configure: %w", s.spec, err)
		}
	}
	return nil
}
