package pluginhost

import (
	"errors"
	"fmt"
	"os"

	"github.com/aurora-go/aurora/sdk"
)

// Spec says how to start a plugin process.
type Spec struct {
	// Kind is sdk.KindConstraint or sdk.KindExecutor; Name is the plugin's
	// name. The plugin's Info must report both.
	Kind, Name string
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
	if s.Kind != kind {
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
	switch kind {
	case sdk.KindConstraint, sdk.KindExecutor:
	default:
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
