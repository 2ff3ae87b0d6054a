package conformance

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/aurora-go/aurora/sdk"
)

// Factory returns a fresh, unconfigured plugin and a function that releases
// it (stops its process, closes its connection).
type Factory[T sdk.Base] func(ctx context.Context) (T, func(), error)

// Options tunes a suite to the plugin under test. The zero value works for
// constraint, discovery and quota plugins that need no configuration.
type Options struct {
	// Config is a valid configuration of the plugin; nil means none.
	Config json.RawMessage
	// Group is the task group of Filter and Score requests; nil means a
	// default with a limit and a value constraint.
	Group *sdk.TaskGroup
	// ShortTask is an executor task configuration that exits 0 within a few
	// seconds; LongTask one that runs until stopped. Without them the
	// executor checks that start tasks are skipped.
	ShortTask json.RawMessage
	LongTask  json.RawMessage
	// Roles are the roles of quota checks; nil means {"www-data", "nobody"}.
	Roles []string
	// CheckTimeout bounds each check; 0 means one minute.
	CheckTimeout time.Duration
}

// Check is one conformance check.
type Check struct {
	Name string
	// Run returns nil when the plugin passes, ErrSkipped (wrapped) when the
	// check does not apply.
	Run func(ctx context.Context) error
}

// ErrSkipped marks a check that does not apply to the plugin under test.
var ErrSkipped = errors.New("skipped")

// Result is the outcome of one check.
type Result struct {
	Name     string
	Err      error // nil: passed
	Skipped  bool
	Duration time.Duration
}

// Report is the outcome of a suite.
type Report struct {
	Kind    string
	Results []Result
}

// Failed reports whether a check failed.
func (r *Report) Failed() bool {
	for _, res := range r.Results {
		if res.Err != nil && !res.Skipped {
			return true
		}
	}
	return false
}

// Err joins the failures, nil when every check passed or was skipped.
func (r *Report) Err() error {
	var errs []error
	for _, res := range r.Results {
		if res.Err != nil && !res.Skipped {
			errs = append(errs, fmt.Errorf("%s: %w", res.Name, res.Err))
		}
	}
	return errors.Join(errs...)
}

// String renders one line per check: PASS, FAIL or SKIP, name, duration,
// and the reason.
func (r *Report) String() string {
	var b strings.Builder
	for _, res := range r.Results {
		status := "PASS"
		switch {
		case res.Skipped:
			status = "SKIP"
		case res.Err != nil:
			status = "FAIL"
		}
		fmt.Fprintf(&b, "%s  %-32s %8s", status, res.Name, res.Duration.Round(time.Millisecond))
		if res.Err != nil {
			fmt.Fprintf(&b, "  %v", res.Err)
		}
		b.WriteByte('\n')
	}
	return b.String()
}

// Run executes checks in order, each under opts' check timeout.
func Run(ctx context.Context, kind string, checks []Check, timeout time.Duration) *Report {
	if timeout <= 0 {
		timeout = time.Minute
	}
	rep := &Report{Kind: kind}
	for _, c := range checks {
		cctx, cancel := context.WithTimeout(ctx, timeout)
		began := time.Now()
		err := runCheck(cctx, c)
		cancel()
		rep.Results = append(rep.Results, Result{Name: c.Name, Err: err, Skipped: errors.Is(err, ErrSkipped), Duration: time.Since(began)})
	}
	return rep
}

// runCheck runs c, turning a panic in the check (e.g. in an in-process
// plugin called directly) into a failure.
func runCheck(ctx context.Context, c Check) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("panic: %v", r)
		}
	}()
	return c.Run(ctx)
}

// Checks returns the suite of kind for a plugin made by newBase; newBase
// must return a plugin of that kind's interface.
func Checks(kind string, newBase Factory[sdk.Base], opts Options) ([]Check, error) {
	switch kind {
	case sdk.KindConstraint:
		return ConstraintChecks(cast[sdk.ConstraintPlugin](newBase), opts), nil
	case sdk.KindExecutor:
		return ExecutorChecks(cast[sdk.ExecutorPlugin](newBase), opts), nil
	case sdk.KindDiscovery:
		return DiscoveryChecks(cast[sdk.DiscoveryPlugin](newBase), opts), nil
	case sdk.KindQuota:
		return QuotaChecks(cast[sdk.QuotaPlugin](newBase), opts), nil
	default:
		return nil, fmt.Errorf("no conformance suite for plugin kind %q", kind)
	}
}

func cast[T sdk.Base](f Factory[sdk.Base]) Factory[T] {
	return func(ctx context.Context) (T, func(), error) {
		var zero T
		b, release, err := f(ctx)
		if err != nil {
			return zero, nil, err
		}
		t, ok := b.(T)
		if !ok {
			release()
			return zero, nil, fmt.Errorf("the plugin is a %T, not a %T", b, zero)
		}
		return t, release, nil
	}
}

// semver is a release version: MAJOR.MINOR.PATCH with an optional
// pre-release and build.
var semver = regexp.MustCompile(`^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$`)

// ValidVersion reports whether v is a semantic version such as 1.4.2.
func ValidVersion(v string) bool { return semver.MatchString(v) }

// baseChecks are the checks of every kind.
func baseChecks[T sdk.Base](kind string, newPlugin Factory[T], opts Options) []Check {
	with := func(fn func(ctx context.Context, p T) error) func(ctx context.Context) error {
		return func(ctx context.Context) error {
			p, release, err := newPlugin(ctx)
			if err != nil {
				return fmt.Errorf("start the plugin: %w", err)
			}
			defer release()
			return fn(ctx, p)
		}
	}
	return []Check{
		{Name: "info", Run: with(func(ctx context.Context, p T) error {
			info, err := p.Info(ctx)
			if err != nil {
				return fmt.Errorf("Info before Configure: %w", err)
			}
			var errs []error
			if info.Name == "" {
				errs = append(errs, errors.New("Info has no name"))
			}
			if info.Kind != kind {
				errs = append(errs, fmt.Errorf("Info reports kind %q, want %q", info.Kind, kind))
			}
			if !ValidVersion(info.Version) {
				errs = append(errs, fmt.Errorf("Info reports version %q; want a semantic version such as 1.4.2", info.Version))
			}
			if info.APIVersion != sdk.APIVersion {
				errs = append(errs, fmt.Errorf("Info reports API version %d, want %d", info.APIVersion, sdk.APIVersion))
			}
			again, err := p.Info(ctx)
			if err != nil {
				return fmt.Errorf("second Info: %w", err)
			}
			if fmt.Sprint(again) != fmt.Sprint(info) {
				errs = append(errs, fmt.Errorf("Info changed between calls: %+v then %+v", info, again))
			}
			return errors.Join(errs...)
		})},
		{Name: "config-schema", Run: with(func(ctx context.Context, p T) error {
			schema, err := p.ConfigSchema(ctx)
			if err != nil {
				return fmt.Errorf("ConfigSchema: %w", err)
			}
			if schema == nil || len(strings.TrimSpace(string(schema.JSON))) == 0 {
				return errors.New("ConfigSchema is empty; publish a JSON Schema, {\"type\":\"object\",\"additionalProperties\":false} for no settings")
			}
			compiled, err := sdk.CompileSchema(schema.JSON)
			if err != nil {
				return err
			}
			if err := compiled.Validate(opts.Config); err != nil {
				return fmt.Errorf("the test configuration does not match the schema: %w", err)
			}
			return nil
		})},
		{Name: "bad-config-is-an-error", Run: with(func(ctx context.Context, p T) error {
			for _, bad := range []string{`{`, `[[]]`, `"not an object"`, `{"aurora-conformance-unknown-field":{}}`} {
				err := p.Configure(ctx, json.RawMessage(bad))
				if isPanic(err) {
					return fmt.Errorf("Configure(%s) panicked: %w", bad, err)
				}
				if err == nil && (bad == `{` || bad == `[[]]`) {
					return fmt.Errorf("Configure(%s) succeeded; want an error", bad)
				}
			}
			if err := p.Configure(ctx, opts.Config); err != nil {
				return fmt.Errorf("Configure with a valid configuration after bad ones: %w", err)
			}
			return nil
		})},
		{Name: "configure-twice", Run: with(func(ctx context.Context, p T) error {
			for i := range 2 {
				if err := p.Configure(ctx, opts.Config); err != nil {
					return fmt.Errorf("Configure #%d: %w", i+1, err)
				}
			}
			return nil
		})},
	}
}

// isPanic reports whether err is the SDK's report of a panic in plugin code.
func isPanic(err error) bool {
	return err != nil && strings.Contains(err.Error(), "panicked")
}

// configured returns a factory whose plugins are configured with opts.Config.
func configured[T sdk.Base](newPlugin Factory[T], opts Options) Factory[T] {
	return func(ctx context.Context) (T, func(), error) {
		var zero T
		p, release, err := newPlugin(ctx)
		if err != nil {
			return zero, nil, err
		}
		if err := p.Configure(ctx, opts.Config); err != nil {
			release()
			return zero, nil, fmt.Errorf("Configure: %w", err)
		}
		return p, release, nil
	}
}
