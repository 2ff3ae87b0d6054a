package jobspec

import (
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// wantLine is the first line of every file in testdata/invalid, in a form
// other tools (aurora job inspect's tests) read too:
//
//	// want: LINE:COL: FRAGMENT
//
// The file must fail to parse with exactly one problem, reported at
// FILE:LINE:COL, whose message contains FRAGMENT.
var wantLine = regexp.MustCompile(`^// want: (\d+):(\d+): (.+)$`)

func TestInvalidCorpus(t *testing.T) {
	t.Parallel()
	files, err := filepath.Glob(filepath.Join("testdata", "invalid", "*.hcl"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) < 40 {
		t.Fatalf("the invalid corpus has %d files, want at least 40", len(files))
	}
	for _, path := range files {
		t.Run(filepath.Base(path), func(t *testing.T) {
			t.Parallel()
			src, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			first, _, _ := strings.Cut(string(src), "\n")
			m := wantLine.FindStringSubmatch(first)
			if m == nil {
				t.Fatalf("first line %q is not // want: LINE:COL: FRAGMENT", first)
			}
			_, err = ParseFile(path, Options{})
			var perr *Error
			if !errors.As(err, &perr) {
				t.Fatalf("ParseFile error = %v (%T), want a *jobspec.Error", err, err)
			}
			if len(perr.Diagnostics) != 1 {
				t.Fatalf("got %d problems, want 1:\n%v", len(perr.Diagnostics), perr)
			}
			wantAt := path + ":" + m[1] + ":" + m[2] + ": "
			if got := perr.Error(); !strings.HasPrefix(got, wantAt) || !strings.Contains(got, m[3]) {
				t.Errorf("error = %q\nwant it to start %q and contain %q", got, wantAt, m[3])
			}
		})
	}
}
