package pluginhost

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"slices"
	"strings"
	"time"

	hclog "github.com/hashicorp/go-hclog"
	plugin "github.com/hashicorp/go-plugin"

	"github.com/aurora-go/aurora/sdk"
)

// launch starts a plugin process, checks its Info against the spec and
// replays the last configuration.
func (s *supervisor) launch(ctx context.Context) (*instance, error) {
	cmd := execCommand(s.spec)
	cmd.Env = s.env()
	secure, err := secureConfig(s.spec.SHA256)
	if err != nil {
		return nil, fmt.Errorf("start plugin %s: %w", s.spec, err)
	}
	client := newPluginClient(cmd, secure, s.opts.timeouts.Start, s.logger)
	inst := &instance{client: client, cmd: cmd, started: time.Now()}
	rpc, err := client.Client()
	if err != nil {
		s.kill(inst)
		if errors.Is(err, plugin.ErrChecksumsDoNotMatch) {
			return nil, checksumError(s.spec, "refusing to start it")
		}
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
	if s.spec.Version != "" && info.Version != s.spec.Version {
		return fmt.Errorf("plugin %s: %w: it reports version %q, the spec says %q", s.spec, ErrMismatch, info.Version, s.spec.Version)
	}
	if int(info.APIVersion) != apiVersion {
		return fmt.Errorf("plugin %s: %w: it reports API version %d on protocol version %d", s.spec, ErrMismatch, info.APIVersion, apiVersion)
	}
	s.mu.Lock()
	s.capabilities = slices.Clone(info.Capabilities)
	config, replay := s.config, s.hasConfig
	s.mu.Unlock()
	if replay {
		if err := inst.raw.Configure(ctx, config); err != nil {
			return fmt.Errorf("plugin %s: replay Configure: %w", s.spec, err)
		}
	}
	return nil
}

// secureConfig is go-plugin's checksum check for a hex sha256; nil when
// none is given. A fresh hash per start: hash.Hash keeps state.
func secureConfig(hexSum string) (*plugin.SecureConfig, error) {
	if hexSum == "" {
		return nil, nil
	}
	sum, err := hex.DecodeString(hexSum)
	if err != nil || len(sum) != sha256.Size {
		return nil, fmt.Errorf("sha256 %q is not 64 hex digits", hexSum)
	}
	return &plugin.SecureConfig{Checksum: sum, Hash: sha256.New()}, nil
}

// checksumError names both hashes: the spec's and the file's.
func checksumError(spec Spec, what string) error {
	actual, err := FileSHA256(spec.Command)
	if err != nil {
		actual = "unreadable: " + err.Error()
	}
	return fmt.Errorf("plugin %s: %w: the entry says sha256 %s, %s has sha256 %s; %s", spec, ErrChecksumMismatch, spec.SHA256, spec.Command, actual, what)
}

// FileSHA256 is the hex sha256 of a file, as catalog entries name it.
func FileSHA256(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// newPluginClient is the go-plugin client of every plugin process: the SDK's
// handshake and versions, gRPC only, no host environment, and the
// checksum check when secure is set.
func newPluginClient(cmd *exec.Cmd, secure *plugin.SecureConfig, startTimeout time.Duration, logger hclog.Logger) *plugin.Client {
	return plugin.NewClient(&plugin.ClientConfig{
		HandshakeConfig:  sdk.Handshake,
		VersionedPlugins: sdk.VersionedPlugins(),
		Cmd:              cmd,
		SkipHostEnv:      true,
		AllowedProtocols: []plugin.Protocol{plugin.ProtocolGRPC},
		StartTimeout:     startTimeout,
		SecureConfig:     secure,
		Logger:           logger,
	})
}

// execCommand is the command of a plugin process, in its own process group.
func execCommand(spec Spec) *exec.Cmd {
	cmd := exec.Command(spec.Command, spec.Args...)
	cmd.SysProcAttr = sysProcAttr()
	return cmd
}
