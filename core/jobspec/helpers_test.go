package jobspec

import (
	"errors"
	"strings"
	"testing"

	"github.com/aurora-go/aurora/core/spec"
)

// helloHCL is examples/hello.hcl, the base the error tests edit. Its lines:
//
//	 1 job "hello" {
//	 2   cluster     = "local"
//	 3   role        = "www-data"
//	 4   environment = "prod"
//	 5   service     = true
//	 6   instances   = 1
//	 7
//	 8   task {
//	 9     resources {
//	10       cpu  = 0.5
//	11       ram  = "128MB"
//	12       disk = "128MB"
//	13     }
//	14     process "hello" {
//	15       cmdline = "while true; do echo hello world; sleep 10; done"
//	16     }
//	17   }
//	18 }
const helloHCL = `job "hello" {
  cluster     = "local"
  role        = "www-data"
  environment = "prod"
  service     = true
  instances   = 1

  task {
    resources {
      cpu  = 0.5
      ram  = "128MB"
      disk = "128MB"
    }
    process "hello" {
      cmdline = "while true; do echo hello world; sleep 10; done"
    }
  }
}
`

// edit returns src with the first old replaced by new, failing the test if
// old is not there (so a case cannot pass by editing nothing).
func edit(t *testing.T, src, old, new string) string {
	t.Helper()
	if !strings.Contains(src, old) {
		t.Fatalf("edit: %q not found in source", old)
	}
	return strings.Replace(src, old, new, 1)
}

// parseError parses src as t.hcl and returns the *Error it must fail with.
func parseError(t *testing.T, src string, opts Options) *Error {
	t.Helper()
	jobs, err := Parse("t.hcl", []byte(src), opts)
	if err == nil {
		t.Fatalf("Parse succeeded with %d jobs; want an error", len(jobs))
	}
	var perr *Error
	if !errors.As(err, &perr) {
		t.Fatalf("Parse error is %T (%v); want *jobspec.Error", err, err)
	}
	return perr
}

// parseJobs parses src as t.hcl and returns the jobs, failing on error.
func parseJobs(t *testing.T, src string, opts Options) []*spec.Job {
	t.Helper()
	jobs, err := Parse("t.hcl", []byte(src), opts)
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	return jobs
}
