package state

import (
	"errors"
	"fmt"
	"sync"

	memdb "github.com/hashicorp/go-memdb"

	"github.com/aurora-go/aurora/core/pluginhost"
)

// Plugin is one row of the plugin catalog: a catalog entry keyed by
// KIND/NAME@VERSION. The replicated log is the catalog's only home; the
// leader builds a pluginhost.Catalog from these rows (Store.Catalog).
type Plugin struct {
	ID    string           `json:"id"` // KIND/NAME@VERSION
	Entry pluginhost.Entry `json:"entry"`
}

// PutPlugin adds or replaces a catalog entry. An entry that is Pinned
// unpins the other versions of KIND/NAME.
type PutPlugin struct {
	Entry pluginhost.Entry `json:"entry"`
}

// PluginRef names one catalog entry.
type PluginRef struct {
	Kind    string `json:"kind"`
	Name    string `json:"name"`
	Version string `json:"version"`
}

// ID is KIND/NAME@VERSION.
func (r PluginRef) ID() string { return r.Kind + "/" + r.Name + "@" + r.Version }

// SetPluginState enables or disables a catalog entry.
type SetPluginState struct {
	PluginRef
	State pluginhost.State `json:"state"`
}

// PinPlugin makes one version the one the cluster runs for KIND/NAME.
type PinPlugin struct {
	PluginRef
}

// DeletePlugin removes a catalog entry; a pinned or enabled entry is
// refused.
type DeletePlugin struct {
	PluginRef
}

func (PutPlugin) Type() CommandType      { return CmdPutPlugin }
func (SetPluginState) Type() CommandType { return CmdSetPluginState }
func (PinPlugin) Type() CommandType      { return CmdPinPlugin }
func (DeletePlugin) Type() CommandType   { return CmdDeletePlugin }

// ErrNoPlugin means the catalog has no such entry.
var ErrNoPlugin = pluginhost.ErrNoEntry

func applyPlugin(txn *memdb.Txn, c Command) error {
	switch c := c.(type) {
	case PutPlugin:
		e := c.Entry
		if err := e.Validate(); err != nil {
			return err
		}
		if e.State == "" {
			e.State = pluginhost.StateDisabled
		}
		if e.FailurePolicy == "" {
			e.FailurePolicy = pluginhost.FailClosed
		}
		if e.Pinned {
			if err := unpin(txn, e.Kind, e.Name); err != nil {
				return err
			}
		}
		return txn.Insert(tablePlugins, &Plugin{ID: e.ID(), Entry: e})
	case SetPluginState:
		if c.State != pluginhost.StateEnabled && c.State != pluginhost.StateDisabled {
			return fmt.Errorf("plugin %s: state %q is neither %s nor %s", c.ID(), c.State, pluginhost.StateEnabled, pluginhost.StateDisabled)
		}
		p, err := plugin(txn, c.PluginRef)
		if err != nil {
			return err
		}
		p.Entry.State = c.State
		return txn.Insert(tablePlugins, p)
	case PinPlugin:
		p, err := plugin(txn, c.PluginRef)
		if err != nil {
			return err
		}
		if err := unpin(txn, c.Kind, c.Name); err != nil {
			return err
		}
		p.Entry.Pinned = true
		return txn.Insert(tablePlugins, p)
	case DeletePlugin:
		p, err := plugin(txn, c.PluginRef)
		if err != nil {
			return err
		}
		switch {
		case p.Entry.Pinned:
			return fmt.Errorf("deregister %s: the version is pinned; pin another version first", c.ID())
		case p.Entry.State == pluginhost.StateEnabled:
			return fmt.Errorf("deregister %s: the entry is enabled; disable it first", c.ID())
		}
		_, err = txn.DeleteAll(tablePlugins, "id", c.ID())
		return err
	}
	return fmt.Errorf("unknown plugin command %T", c)
}

// plugin returns a copy of the row, or ErrNoPlugin.
func plugin(txn *memdb.Txn, ref PluginRef) (*Plugin, error) {
	raw, err := txn.First(tablePlugins, "id", ref.ID())
	if err != nil {
		return nil, err
	}
	if raw == nil {
		return nil, fmt.Errorf("plugin %s: %w", ref.ID(), ErrNoPlugin)
	}
	p := *raw.(*Plugin)
	return &p, nil
}

func unpin(txn *memdb.Txn, kind, name string) error {
	it, err := txn.Get(tablePlugins, "id")
	if err != nil {
		return err
	}
	var changed []*Plugin
	for raw := it.Next(); raw != nil; raw = it.Next() {
		p := raw.(*Plugin)
		if p.Entry.Kind == kind && p.Entry.Name == name && p.Entry.Pinned {
			cp := *p
			cp.Entry.Pinned = false
			changed = append(changed, &cp)
		}
	}
	for _, p := range changed {
		if err := txn.Insert(tablePlugins, p); err != nil {
			return err
		}
	}
	return nil
}

// Plugins returns every catalog entry, by id.
func (s *Store) Plugins() ([]pluginhost.Entry, error) {
	it, err := s.db.Load().Txn(false).Get(tablePlugins, "id")
	if err != nil {
		return nil, err
	}
	var out []pluginhost.Entry
	for raw := it.Next(); raw != nil; raw = it.Next() {
		out = append(out, raw.(*Plugin).Entry)
	}
	return out, nil
}

// Plugin returns the entry KIND/NAME@VERSION, or an error wrapping
// ErrNoPlugin.
func (s *Store) Plugin(ref PluginRef) (pluginhost.Entry, error) {
	p, err := plugin(s.db.Load().Txn(false), ref)
	if err != nil {
		return pluginhost.Entry{}, err
	}
	return p.Entry, nil
}

// Catalog returns the catalog the log holds, for Resolve and Enabled.
func (s *Store) Catalog() (*pluginhost.Catalog, error) {
	entries, err := s.Plugins()
	if err != nil {
		return nil, err
	}
	c := pluginhost.NewCatalog()
	var errs []error
	for _, e := range entries {
		if err := c.Put(e); err != nil {
			errs = append(errs, err)
		}
	}
	return c, errors.Join(errs...)
}

// pluginWatch is closed and replaced whenever the catalog may have changed
// (a plugin command or a restore).
type pluginWatch struct {
	mu sync.Mutex
	ch chan struct{}
}

func (w *pluginWatch) wait() <-chan struct{} {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.ch == nil {
		w.ch = make(chan struct{})
	}
	return w.ch
}

func (w *pluginWatch) fire() {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.ch != nil {
		close(w.ch)
		w.ch = nil
	}
}

// PluginsChanged returns a channel closed at the next change of the
// catalog. Take a new channel before reading the catalog, then read it.
func (s *Store) PluginsChanged() <-chan struct{} { return s.pluginWatch.wait() }

// touchesPlugins reports whether c changes the catalog.
func touchesPlugins(c Command) bool {
	switch c := c.(type) {
	case PutPlugin, SetPluginState, PinPlugin, DeletePlugin:
		return true
	case Batch:
		for _, sub := range c.Commands {
			if touchesPlugins(sub) {
				return true
			}
		}
	}
	return false
}
