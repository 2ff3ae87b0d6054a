package jobspec

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aurora-go/aurora/core/spec"
)

func TestSourcePlacesServerFieldErrors(t *testing.T) {
	src := `job "web" {
  cluster     = "local"
  role        = "www-data"
  environment = "prod"
  placement "zone-spread" {
    max_skew = 0
  }
  task {
    resources {
      cpu  = 1
      ram  = "16MB"
      disk = "16MB"
    }
    process "main" {
      cmdline = "true"
    }
  }
}
`
	path := filepath.Join(t.TempDir(), "web.hcl")
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	jobs, sources, err := ParseFileWithSources(path, Options{})
	if err != nil || len(jobs) != 1 || len(sources) != 1 {
		t.Fatalf("parse: %v", err)
	}
	if got, want := sources[0].Locate("placement[zone-spread].max_skew"), path+":6:16"; got != want {
		t.Errorf("Locate(max_skew) = %s, want %s", got, want)
	}
	if got, want := sources[0].Locate("placement[zone-spread].zones"), path+":5:3"; got != want {
		t.Errorf("an argument not written is placed at its block: %s, want %s", got, want)
	}
	err = sources[0].FieldErrors(spec.FieldErrors{{Path: "placement[zone-spread].max_skew", Message: "must be >= 1"}})
	var fe *spec.FieldError
	if !strings.Contains(err.Error(), path+":6:16: Invalid placement[zone-spread].max_skew: must be >= 1") || !errors.As(err, &fe) {
		t.Fatalf("field errors as diagnostics: %v", err)
	}
	if sources[0].FieldErrors(nil) != nil {
		t.Fatal("no field errors, no error")
	}
}
