package pluginhost

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/aurora-go/aurora/sdk"
)

// State says whether the scheduler uses a catalog entry.
type State string

const (
	StateDisabled State = "disabled"
	StateEnabled  State = "enabled"
)

// FailurePolicy says what a failed or slow plugin means.
type FailurePolicy string

const (
	// FailClosed: a constraint plugin that fails vetoes every host; a quota
	// plugin that fails denies.
	FailClosed FailurePolicy = "fail_closed"
	// FailOpen: a plugin that fails is ignored (no vetoes; allowed).
	FailOpen FailurePolicy = "fail_open"
)

// Entry is a catalog entry: one release of one plugin and how to run it.
// The catalog lives in the replicated log; entries are JSON.
type Entry struct {
	Kind    string `json:"kind"`
	Name    string `json:"name"`
	Version string `json:"version"`
	// SHA256 is the hex checksum of the binary, verified at registration
	// and before every start. Empty only for built-in entries.
	SHA256 string `json:"sha256,omitempty"`
	// Command is the binary: its path in the Store once registered.
	Command string   `json:"command"`
	Args    []string `json:"args,omitempty"`
	// Env is the plugin's whole environment ("KEY=value"); the host's is
	// never inherited.
	Env []string `json:"env,omitempty"`
	// Config is validated against the plugin's ConfigSchema at
	// registration and applied after every start.
	Config json.RawMessage `json:"config,omitempty"`
	State  State           `json:"state"`
	// Pinned marks the version of KIND/NAME the cluster uses (Resolve).
	Pinned        bool          `json:"pinned,omitempty"`
	FailurePolicy FailurePolicy `json:"failure_policy"`
	// Timeout bounds each call (0: the host's default).
	Timeout time.Duration `json:"timeout,omitempty"`
	// Builtin entries are served by the aurora binary itself.
	Builtin bool `json:"builtin,omitempty"`
	// APIVersion and Capabilities are copied from Info at registration.
	APIVersion   int32    `json:"api_version,omitempty"`
	Capabilities []string `json:"capabilities,omitempty"`
}

// ID is KIND/NAME@VERSION.
func (e Entry) ID() string { return e.Kind + "/" + e.Name + "@" + e.Version }

// Spec is how to start the entry's plugin.
func (e Entry) Spec() Spec {
	return Spec{
		Kind: e.Kind, Name: e.Name, Version: e.Version, SHA256: e.SHA256,
		Command: e.Command, Args: slices.Clone(e.Args), Env: slices.Clone(e.Env),
		Config: e.Config, Timeout: e.Timeout,
	}
}

var nameRE = regexp.MustCompile(`^[a-z0-9][a-z0-9_.-]{0,62}$`)

// Validate checks the fields an operator gives at registration.
func (e Entry) Validate() error {
	var errs []error
	if !sdk.KnownKind(e.Kind) {
		errs = append(errs, fmt.Errorf("kind %q is not one of %s", e.Kind, strings.Join(sdk.Kinds(), ", ")))
	}
	if !nameRE.MatchString(e.Name) {
		errs = append(errs, fmt.Errorf("name %q must be lower-case letters, digits, '.', '_' or '-'", e.Name))
	}
	if _, ok := parseVersion(e.Version); !ok {
		errs = append(errs, fmt.Errorf("version %q is not a semantic version such as 1.4.2", e.Version))
	}
	if !e.Builtin && !ValidSHA256(e.SHA256) {
		errs = append(errs, fmt.Errorf("sha256 %q must be 64 lower-case hex digits", e.SHA256))
	}
	switch e.State {
	case "", StateEnabled, StateDisabled:
	default:
		errs = append(errs, fmt.Errorf("state %q is neither %s nor %s", e.State, StateEnabled, StateDisabled))
	}
	switch e.FailurePolicy {
	case "", FailClosed, FailOpen:
	default:
		errs = append(errs, fmt.Errorf("failure policy %q is neither %s nor %s", e.FailurePolicy, FailClosed, FailOpen))
	}
	if e.Timeout < 0 {
		errs = append(errs, fmt.Errorf("timeout %v is negative", e.Timeout))
	}
	for _, kv := range e.Env {
		if k, _, ok := strings.Cut(kv, "="); !ok || k == "" {
			errs = append(errs, fmt.Errorf("env %q is not KEY=value", kv))
		}
	}
	if len(e.Config) > 0 && !json.Valid(e.Config) {
		errs = append(errs, errors.New("config is not valid JSON"))
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("plugin entry %s: %w", e.ID(), err)
	}
	return nil
}

// withDefaults fills the state (disabled) and the failure policy
// (fail_closed).
func (e Entry) withDefaults() Entry {
	if e.State == "" {
		e.State = StateDisabled
	}
	if e.FailurePolicy == "" {
		e.FailurePolicy = FailClosed
	}
	return e
}

// BuiltinEntry is the catalog entry of a plugin built into this binary
// (see BuiltinSpec): enabled, fail_closed.
func BuiltinEntry(kind, name, version string) (Entry, error) {
	spec, err := BuiltinSpec(kind, name)
	if err != nil {
		return Entry{}, err
	}
	e := Entry{Kind: kind, Name: name, Version: version, Command: spec.Command, Args: spec.Args,
		State: StateEnabled, FailurePolicy: FailClosed, Builtin: true}
	if err := e.Validate(); err != nil {
		return Entry{}, err
	}
	return e, nil
}

// Catalog is an in-memory catalog: entries keyed by (kind, name,
// version). The scheduler keeps its entries in the replicated log and can
// apply them here; Resolve picks what runs. Safe for concurrent use.
type Catalog struct {
	mu      sync.RWMutex
	entries map[string]Entry
}

// ErrNoEntry means the catalog has no such entry (or no enabled version).
var ErrNoEntry = errors.New("no such plugin in the catalog")

// NewCatalog returns an empty catalog.
func NewCatalog() *Catalog { return &Catalog{entries: make(map[string]Entry)} }

// Put adds or replaces an entry, with defaults filled in.
func (c *Catalog) Put(e Entry) error {
	if err := e.Validate(); err != nil {
		return err
	}
	e = e.withDefaults()
	c.mu.Lock()
	defer c.mu.Unlock()
	if e.Pinned {
		c.unpinLocked(e.Kind, e.Name)
	}
	c.entries[e.ID()] = e
	return nil
}

// Get returns the entry KIND/NAME@VERSION.
func (c *Catalog) Get(kind, name, version string) (Entry, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	e, ok := c.entries[kind+"/"+name+"@"+version]
	return e, ok
}

// List returns every entry sorted by kind, name and version.
func (c *Catalog) List() []Entry {
	c.mu.RLock()
	out := make([]Entry, 0, len(c.entries))
	for _, e := range c.entries {
		out = append(out, e)
	}
	c.mu.RUnlock()
	slices.SortFunc(out, func(a, b Entry) int {
		return cmp.Or(cmp.Compare(a.Kind, b.Kind), cmp.Compare(a.Name, b.Name), compareVersions(a.Version, b.Version))
	})
	return out
}

// SetState enables or disables an entry.
func (c *Catalog) SetState(kind, name, version string, s State) error {
	if s != StateEnabled && s != StateDisabled {
		return fmt.Errorf("state %q is neither %s nor %s", s, StateEnabled, StateDisabled)
	}
	return c.update(kind, name, version, func(e *Entry) error { e.State = s; return nil })
}

// Pin makes version the one Resolve returns for KIND/NAME.
func (c *Catalog) Pin(kind, name, version string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	id := kind + "/" + name + "@" + version
	e, ok := c.entries[id]
	if !ok {
		return fmt.Errorf("pin %s: %w", id, ErrNoEntry)
	}
	c.unpinLocked(kind, name)
	e.Pinned = true
	c.entries[id] = e
	return nil
}

func (c *Catalog) unpinLocked(kind, name string) {
	for id, e := range c.entries {
		if e.Kind == kind && e.Name == name && e.Pinned {
			e.Pinned = false
			c.entries[id] = e
		}
	}
}

// Delete removes an entry; a pinned or enabled entry is refused.
func (c *Catalog) Delete(kind, name, version string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	id := kind + "/" + name + "@" + version
	e, ok := c.entries[id]
	switch {
	case !ok:
		return fmt.Errorf("deregister %s: %w", id, ErrNoEntry)
	case e.Pinned:
		return fmt.Errorf("deregister %s: the version is pinned; pin another version first", id)
	case e.State == StateEnabled:
		return fmt.Errorf("deregister %s: the entry is enabled; disable it first", id)
	}
	delete(c.entries, id)
	return nil
}

func (c *Catalog) update(kind, name, version string, fn func(*Entry) error) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	id := kind + "/" + name + "@" + version
	e, ok := c.entries[id]
	if !ok {
		return fmt.Errorf("%s: %w", id, ErrNoEntry)
	}
	if err := fn(&e); err != nil {
		return err
	}
	c.entries[id] = e
	return nil
}

// Resolve returns the entry of KIND/NAME to run: the pinned version if it
// is enabled, else the highest enabled version.
func (c *Catalog) Resolve(kind, name string) (Entry, error) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	var best Entry
	found := false
	for _, e := range c.entries {
		if e.Kind != kind || e.Name != name || e.State != StateEnabled {
			continue
		}
		if e.Pinned {
			return e, nil
		}
		if !found || compareVersions(e.Version, best.Version) > 0 {
			best, found = e, true
		}
	}
	if !found {
		return Entry{}, fmt.Errorf("%s/%s: %w (no enabled version)", kind, name, ErrNoEntry)
	}
	return best, nil
}

// Enabled returns the resolved entry of every enabled plugin of kind
// ("" for every kind), sorted by kind and name.
func (c *Catalog) Enabled(kind string) []Entry {
	seen := map[string]bool{}
	var out []Entry
	for _, e := range c.List() {
		key := e.Kind + "/" + e.Name
		if (kind != "" && e.Kind != kind) || e.State != StateEnabled || seen[key] {
			continue
		}
		seen[key] = true
		if r, err := c.Resolve(e.Kind, e.Name); err == nil {
			out = append(out, r)
		}
	}
	return out
}

// parseVersion parses MAJOR.MINOR.PATCH[-PRE][+BUILD].
func parseVersion(v string) (version, bool) {
	v, _, _ = strings.Cut(v, "+")
	core, pre, _ := strings.Cut(v, "-")
	parts := strings.Split(core, ".")
	if len(parts) != 3 {
		return version{}, false
	}
	var out version
	for i, p := range parts {
		n, err := strconv.ParseUint(p, 10, 64)
		if err != nil || (len(p) > 1 && p[0] == '0') {
			return version{}, false
		}
		out.nums[i] = n
	}
	out.pre = pre
	return out, true
}

type version struct {
	nums [3]uint64
	pre  string
}

// compareVersions orders semantic versions (a pre-release sorts before its
// release); unparsable versions sort first, by string.
func compareVersions(a, b string) int {
	va, oka := parseVersion(a)
	vb, okb := parseVersion(b)
	if !oka || !okb {
		if oka != okb {
			if oka {
				return 1
			}
			return -1
		}
		return cmp.Compare(a, b)
	}
	for i := range va.nums {
		if c := cmp.Compare(va.nums[i], vb.nums[i]); c != 0 {
			return c
		}
	}
	switch {
	case va.pre == vb.pre:
		return 0
	case va.pre == "":
		return 1
	case vb.pre == "":
		return -1
	default:
		return cmp.Compare(va.pre, vb.pre)
	}
}
