package pluginhost

import (
	"encoding/json"
	"errors"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/aurora-go/aurora/plugins/constraint/limit"
	"github.com/aurora-go/aurora/plugins/quota/static"
	"github.com/aurora-go/aurora/sdk"
)

// selfEntry is a catalog entry for a built-in plugin served by this test
// binary, registered like an external binary.
func selfEntry(t *testing.T, kind, name, version string) (Entry, string) {
	t.Helper()
	exe, sum, err := selfSum()
	if err != nil {
		t.Fatal(err)
	}
	return Entry{Kind: kind, Name: name, Version: version, SHA256: sum,
		Args: []string{"plugin", "serve", kind + "/" + name}}, exe
}

// selfSum hashes this test binary once.
var selfSum = func() func() (string, string, error) {
	type result struct{ exe, sum string }
	once := sync.OnceValues(func() (result, error) {
		exe, err := os.Executable()
		if err != nil {
			return result{}, err
		}
		sum, err := FileSHA256(exe)
		return result{exe, sum}, err
	})
	return func() (string, string, error) {
		r, err := once()
		return r.exe, r.sum, err
	}
}()

func storeHost(t *testing.T, opts ...Option) (*Host, *Store) {
	t.Helper()
	store, err := NewStore(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	h, _ := newTestHost(t, append(opts, WithStore(store))...)
	return h, store
}

func TestRegisterCopiesVerifiesAndRuns(t *testing.T) {
	t.Parallel()
	h, store := storeHost(t)
	e, exe := selfEntry(t, sdk.KindQuota, static.Name, static.Version)
	e.Config = json.RawMessage(`{"roles":{"www-data":{"cpus":2}}}`)
	got, err := h.Register(testContext(t), e, exe)
	if err != nil {
		t.Fatalf("Register: %v", err)
	}
	if got.Command != store.Path(e.SHA256) || got.State != StateDisabled || got.FailurePolicy != FailClosed || got.APIVersion != sdk.APIVersion {
		t.Fatalf("registered entry = %+v", got)
	}
	// The entry runs from the store, with its checksum and config.
	q, err := h.Quota(testContext(t), got.Spec())
	if err != nil {
		t.Fatalf("start the registered entry: %v", err)
	}
	qs, err := q.Get(testContext(t), []string{"www-data"})
	if err != nil || qs[0].Quota.CPUs != 2 {
		t.Fatalf("Get = %+v, %v; want the entry's config applied", qs, err)
	}
}

func TestRegisterRefusesWrongChecksumNamingBothHashes(t *testing.T) {
	t.Parallel()
	h, store := storeHost(t)
	e, exe := selfEntry(t, sdk.KindConstraint, limit.Name, limit.Version)
	actual := e.SHA256
	e.SHA256 = strings.Repeat("0", 64)
	_, err := h.Register(testContext(t), e, exe)
	if !errors.Is(err, ErrChecksumMismatch) || !strings.Contains(err.Error(), e.SHA256) || !strings.Contains(err.Error(), actual) {
		t.Fatalf("Register with a wrong sha256: err = %v, want ErrChecksumMismatch naming %s and %s", err, e.SHA256, actual)
	}
	if store.Has(actual) {
		t.Fatal("the refused binary stayed in the store")
	}
}

func TestRegisterChecksInfoAndConfig(t *testing.T) {
	t.Parallel()
	h, _ := storeHost(t)
	ctx := testContext(t)
	e, exe := selfEntry(t, sdk.KindConstraint, limit.Name, "9.9.9")
	if _, err := h.Register(ctx, e, exe); !errors.Is(err, ErrMismatch) || !strings.Contains(err.Error(), `"9.9.9"`) {
		t.Fatalf("Register with another version: err = %v, want ErrMismatch", err)
	}
	e, exe = selfEntry(t, sdk.KindConstraint, "value", limit.Version)
	e.Args = []string{"plugin", "serve", "constraint/limit"}
	if _, err := h.Register(ctx, e, exe); !errors.Is(err, ErrMismatch) {
		t.Fatalf("Register with another name: err = %v, want ErrMismatch", err)
	}
	e, exe = selfEntry(t, sdk.KindConstraint, limit.Name, limit.Version)
	e.Config = json.RawMessage(`{"bogus":1}`)
	if _, err := h.Register(ctx, e, exe); !errors.Is(err, sdk.ErrInvalidArgument) || !strings.Contains(err.Error(), "config") {
		t.Fatalf("Register with a config the schema refuses: err = %v", err)
	}
	if _, err := New(nil).Register(ctx, e, exe); !errors.Is(err, ErrNoStore) {
		t.Fatalf("Register without a store: %v", err)
	}
}

func TestStartRefusesTamperedBinaryNamingBothHashes(t *testing.T) {
	t.Parallel()
	h, store := storeHost(t)
	e, exe := selfEntry(t, sdk.KindConstraint, limit.Name, limit.Version)
	got, err := h.Register(testContext(t), e, exe)
	if err != nil {
		t.Fatal(err)
	}
	path := store.Path(got.SHA256)
	if err := os.Chmod(path, 0o755); err != nil {
		t.Fatal(err)
	}
	f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = f.Write([]byte("tampered"))
	_ = f.Close()
	tampered, _ := FileSHA256(path)
	_, err = h.Constraint(testContext(t), got.Spec())
	if !errors.Is(err, ErrChecksumMismatch) || !strings.Contains(err.Error(), got.SHA256) || !strings.Contains(err.Error(), tampered) {
		t.Fatalf("start of a tampered binary: err = %v, want ErrChecksumMismatch naming %s and %s", err, got.SHA256, tampered)
	}
}

func TestVerifyRunsConformanceAgainstABinary(t *testing.T) {
	t.Parallel()
	h, _ := newTestHost(t)
	exe, _ := os.Executable()
	rep, err := h.Verify(testContext(t), exe, VerifyOptions{Args: []string{"plugin", "serve", "constraint/dedicated"}})
	if err != nil {
		t.Fatalf("Verify: %v", err)
	}
	if !rep.Passed() || rep.Info.Name != "dedicated" || rep.Info.Kind != sdk.KindConstraint || len(rep.SHA256) != 64 {
		t.Fatalf("Verify report: passed=%v info=%+v sha=%s\n%s", rep.Passed(), rep.Info, rep.SHA256, rep.Conformance)
	}
	if len(rep.Conformance.Results) < 8 {
		t.Fatalf("only %d checks ran", len(rep.Conformance.Results))
	}
	rep, err = h.Verify(testContext(t), exe, VerifyOptions{Args: []string{"plugin", "serve", "quota/static"}})
	if err != nil || !rep.Passed() {
		t.Fatalf("Verify quota/static: %v\n%v", err, rep.Conformance)
	}
	if _, err := h.Verify(testContext(t), exe, VerifyOptions{Args: []string{"plugin", "serve", "constraint/nope"}}); err == nil {
		t.Fatal("verified a binary that serves nothing")
	}
}
