package pluginhost

import (
	"context"
	"fmt"
	"slices"

	"github.com/aurora-go/aurora/sdk"
)

// Register verifies a plugin binary for a catalog entry and returns the
// entry to record:
//
//  1. the entry's fields are valid (kind, name, semantic version, sha256,
//     failure policy, env);
//  2. the binary (a regular file, not a symbolic link) is copied into the
//     host's Store while it is hashed; a sha256 other than the entry's is
//     refused with ErrChecksumMismatch naming both hashes;
//  3. the stored copy is started (its checksum verified again, with the
//     entry's args and env and no inherited environment) and its Info must
//     report the entry's kind, name and version (ErrMismatch otherwise);
//  4. the entry's config must validate against the plugin's ConfigSchema
//     and be accepted by Configure.
//
// The returned entry runs the stored copy (Command is its store path),
// records the plugin's API version and capabilities, and has the default
// state (disabled) and failure policy (fail_closed) when unset. The process
// is stopped before Register returns.
func (h *Host) Register(ctx context.Context, e Entry, binaryPath string) (Entry, error) {
	if h.opts.store == nil {
		return Entry{}, fmt.Errorf("register %s: %w", e.ID(), ErrNoStore)
	}
	if e.Builtin {
		return Entry{}, fmt.Errorf("register %s: built-in entries are not registered from a binary", e.ID())
	}
	if err := e.Validate(); err != nil {
		return Entry{}, err
	}
	e = e.withDefaults()
	had := h.opts.store.Has(e.SHA256)
	sum, stored, err := h.opts.store.PutFile(binaryPath)
	if err != nil {
		return Entry{}, fmt.Errorf("register %s: %w", e.ID(), err)
	}
	if sum != e.SHA256 {
		if !h.opts.store.Has(e.SHA256) || !had {
			_ = h.opts.store.Remove(sum)
		}
		return Entry{}, fmt.Errorf("register %s: %w: the entry says sha256 %s, %s has sha256 %s",
			e.ID(), ErrChecksumMismatch, e.SHA256, binaryPath, sum)
	}
	e.Command = stored

	spec := e.Spec()
	spec.Config = nil // the metadata run: no configuration yet
	client, err := h.Start(ctx, spec)
	if err != nil {
		return Entry{}, fmt.Errorf("register %s: %w", e.ID(), err)
	}
	defer client.Close()
	info, err := client.Info(ctx)
	if err != nil {
		return Entry{}, fmt.Errorf("register %s: Info: %w", e.ID(), err)
	}
	schema, err := client.ConfigSchema(ctx)
	if err != nil {
		return Entry{}, fmt.Errorf("register %s: ConfigSchema: %w", e.ID(), err)
	}
	if err := sdk.ValidateConfig(schema, e.Config); err != nil {
		return Entry{}, fmt.Errorf("register %s: config: %w", e.ID(), err)
	}
	if err := client.Configure(ctx, e.Config); err != nil {
		return Entry{}, fmt.Errorf("register %s: Configure: %w", e.ID(), err)
	}
	e.APIVersion = info.APIVersion
	e.Capabilities = slices.Clone(info.Capabilities)
	h.logger.Info("plugin registered", "plugin", e.ID(), "sha256", e.SHA256, "path", stored)
	return e, nil
}
