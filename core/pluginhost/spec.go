package pluginhost

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/aurora-go/aurora/sdk"
)

// Spec says how to start a plugin process.
type Spec struct {
	// Kind is one of sdk.Kinds(); Name is the plugin's name. The plugin's
	// Info must report both.
	Kind, Name string
	// Version, when set, must be the version the plugin's Info reports.
	Version string
	// SHA256, when set, is the hex checksum of Command. It is verified
	// before every start (go-plugin SecureConfig); a mismatch refuses the
	// start with ErrChecksumMismatch naming both hashes.
	SHA256 string
	// Config, when set, is applied with Configure after every start.
	Config json.RawMessage
	// Timeout, when positive, bounds each call of this plugin other than
	// executor Wait, instead of the host's Timeouts.Filter and
	// Timeouts.Control (executor Stop gets its grace period on top).
	Timeout time.Duration
	// Command and Args start the process.
	Command string
	Args    []string
	// Env is the plugin's whole environment ("KEY=value"); the host's
	// environment is not inherited.
	Env []string
}

// String returns KIND/NAME.
func (s Spec) String() string { return s.Kind + "/" + s.Name }

func (s Spec) validate(kind string) error {
	var errs []error
	if kind == "" && !sdk.KnownKind(s.Kind) {
		errs = append(errs, fmt.Errorf("unknown plugin kind %q", s.Kind))
	}
	if kind != "" && s.Kind != kind {
		errs = append(errs, fmt.Errorf("spec kind is %q, want %q", s.Kind, kind))
	}
	if s.Name == "" {
		errs = append(errs, errors.New("spec name is required"))
	}
	if s.Command == "" {
		errs = append(errs, errors.New("spec command is required"))
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("plugin %s: %w", s, err)
	}
	return nil
}

// BuiltinSpec returns the Spec of a plugin built into this binary: it runs
// the current executable as `plugin serve KIND/NAME`, with an empty
// environment.
func BuiltinSpec(kind, name string) (Spec, error) {
	if !sdk.KnownKind(kind) {
		return Spec{}, fmt.Errorf("built-in plugin %s/%s: unknown kind %q", kind, name, kind)
	}
	if name == "" {
		return Spec{}, fmt.Errorf("built-in %s plugin: name is required", kind)
	}
	exe, err := os.Executable()
	if err != nil {
		return Spec{}, fmt.Errorf("built-in plugin %s/%s: find this executable: %w", kind, name, err)
	}
	return Spec{
		Kind:    kind,
		Name:    name,
		Command: exe,
		Args:    []string{"plugin", "serve", kind + "/" + name},
	}, nil
}
