package jobspec

import (
	"errors"
	"io/fs"
	"strings"
	"testing"

	"github.com/aurora-go/aurora/core/spec"
)

// TestParseErrors edits hello.hcl (see helloHCL for its line numbers) into
// malformed files; each must fail with exactly one problem, at the place
// given, whose message contains the fragment.
func TestParseErrors(t *testing.T) {
	t.Parallel()
	type change struct{ old, new string }
	tests := []struct {
		name     string
		changes  []change
		wantAt   string // FILE:LINE:COL
		wantText string
	}{
		// Syntax.
		{"syntax error", []change{{`instances   = 1`, `instances   = `}},
			"t.hcl:6:17", "Invalid expression"},
		{"unclosed block", []change{{"  }\n}\n", "  }\n"}},
			"t.hcl:1:13", "Unclosed configuration block"},
		{"process without name", []change{{`process "hello" {`, `process {`}},
			"t.hcl:14:13", `Missing name for process`},

		// Schema.
		{"unknown job attribute", []change{{`service     = true`, `colour      = "red"`}},
			"t.hcl:5:3", `An argument named "colour" is not expected here`},
		{"unknown process attribute", []change{{`cmdline = "while`, "colour = \"red\"\n      cmdline = \"while"}},
			"t.hcl:15:7", `An argument named "colour" is not expected here`},
		{"unknown block", []change{{"    process \"hello\" {", "    health_check {}\n    process \"hello\" {"}},
			"t.hcl:14:5", `Blocks of type "health_check" are not expected here`},
		{"attribute set twice", []change{{`instances   = 1`, "instances   = 1\n  instances   = 2"}},
			"t.hcl:7:3", `The argument "instances" was already set at t.hcl:6,3-12`},

		// Types.
		{"instances is a string", []change{{`instances   = 1`, `instances   = "many"`}},
			"t.hcl:6:17", `Inappropriate value for attribute "instances": a number is required`},
		{"instances is fractional", []change{{`instances   = 1`, `instances   = 1.5`}},
			"t.hcl:6:17", `"instances" must be a whole number, not 1.5`},
		{"service is not a bool", []change{{`service     = true`, `service     = "yes please"`}},
			"t.hcl:5:17", `Inappropriate value for attribute "service": a bool is required`},
		{"constraint value is a list", []change{{`instances   = 1`, `constraints = { host = ["a"] }`}},
			"t.hcl:6:17", `element "host": string required`},
		{"bad unit", []change{{`ram  = "128MB"`, `ram  = "12XB"`}},
			"t.hcl:11:14", `"12XB" has unknown unit "XB"`},
		{"size is not a size", []change{{`disk = "128MB"`, `disk = "lots"`}},
			"t.hcl:12:14", `"lots" is not a size`},
		{"size is a bool", []change{{`disk = "128MB"`, `disk = true`}},
			"t.hcl:12:14", `a size such as "128MB" or a number of bytes is required, not bool`},
		{"negative byte count", []change{{`disk = "128MB"`, `disk = -1`}},
			"t.hcl:12:14", `must be between 0 and`},
		{"bad duration", []change{{`cmdline = "while`, "min_duration = \"5x\"\n      cmdline = \"while"}},
			"t.hcl:15:22", `"5x" is not a duration`},
		{"duration without unit", []change{{"  task {", "  task {\n    finalization_wait = 30"}},
			"t.hcl:9:25", `"30" is not a duration`},
		{"negative duration", []change{{"  task {", "  task {\n    finalization_wait = \"-1s\""}},
			"t.hcl:9:25", `"-1s" must not be negative`},

		// Required arguments and blocks.
		{"missing role", []change{{`role        = "www-data"`, ``}},
			"t.hcl:1:1", `The argument "role" is required in a job block`},
		{"missing cluster", []change{{`cluster     = "local"`, ``}},
			"t.hcl:1:1", `The argument "cluster" is required in a job block`},
		{"missing cmdline", []change{{`cmdline = "while true; do echo hello world; sleep 10; done"`, ``}},
			"t.hcl:14:5", `The argument "cmdline" is required in a process block`},
		{"missing ram", []change{{`ram  = "128MB"`, ``}},
			"t.hcl:9:5", `The argument "ram" is required in a resources block`},
		{"missing task", []change{{helloHCL[strings.Index(helloHCL, "  task {"):strings.LastIndex(helloHCL, "}")], ""}},
			"t.hcl:1:1", `A job block needs exactly one task block`},
		{"two task blocks", []change{{"  }\n}\n", "  }\n  task {}\n}\n"}},
			"t.hcl:18:3", `Duplicate task block`},
		{"no resources", []change{{"    resources {\n      cpu  = 0.5\n      ram  = \"128MB\"\n      disk = \"128MB\"\n    }\n", ""}},
			"t.hcl:8:3", `A task block needs exactly one resources block`},
		{"duplicate process", []change{{"    }\n  }\n}", "    }\n    process \"hello\" {\n      cmdline = \"echo\"\n    }\n  }\n}"}},
			"t.hcl:17:5", `Process "hello" was already defined at t.hcl:14:5;`},

		// spec validation, mapped back to the source.
		{"bad environment", []change{{`environment = "prod"`, `environment = "prd"`}},
			"t.hcl:4:17", `Invalid environment: "prd" is not an Aurora environment`},
		{"instances zero", []change{{`instances   = 1`, `instances   = 0`}},
			"t.hcl:6:17", `Invalid instances: must be at least 1, not 0`},
		{"too many instances", []change{{`instances   = 1`, `instances   = 5000`}},
			"t.hcl:6:17", `5000 exceeds the limit`},
		{"bad tier", []change{{`instances   = 1`, `tier        = "gold"`}},
			"t.hcl:6:17", `Invalid tier: "gold" is not a tier`},
		{"bad job name", []change{{`job "hello"`, `job "hello world"`}},
			"t.hcl:1:5", `Invalid name: "hello world" may contain only`},
		{"max_task_failures too low", []change{{`instances   = 1`, `max_task_failures = -2`}},
			"t.hcl:6:23", `Invalid max_task_failures`},
		{"empty constraint", []change{{`instances   = 1`, `constraints = { host = "" }`}},
			"t.hcl:6:26", `Invalid constraints.host: must not be empty`},
		{"empty cmdline", []change{{`"while true; do echo hello world; sleep 10; done"`, `""`}},
			"t.hcl:15:17", `Invalid task.process[hello].cmdline: must not be empty`},
		{"after unknown process", []change{{`cmdline = "while`, "after = [\"setup\"]\n      cmdline = \"while"}},
			"t.hcl:15:15", `Invalid task.process[hello].after: unknown process "setup"`},
		{"after itself", []change{{`cmdline = "while`, "after = [\"hello\"]\n      cmdline = \"while"}},
			"t.hcl:15:15", `a process cannot wait for itself`},
		{"bad process name", []change{{`process "hello"`, `process "hello/world"`}},
			"t.hcl:14:5", `Invalid task.process[hello/world]: process name "hello/world" may contain only`},
		{"no process", []change{{"    process \"hello\" {\n      cmdline = \"while true; do echo hello world; sleep 10; done\"\n    }\n", ""}},
			"t.hcl:8:3", `Invalid task.process: a task needs at least one process`},
		{"zero cpu", []change{{`cpu  = 0.5`, `cpu  = 0`}},
			"t.hcl:10:14", `Invalid task.resources.cpu: must be greater than 0`},
		{"zero ram", []change{{`ram  = "128MB"`, `ram  = "0MB"`}},
			"t.hcl:11:14", `Invalid task.resources.ram: must be greater than 0`},
		{"bad port", []change{{`cpu  = 0.5`, "cpu  = 0.5\n      ports = [\"http\", \"a b\"]"}},
			"t.hcl:11:15", `Invalid task.resources.ports: port name "a b"`},
		{"negative task max_failures", []change{{"  task {", "  task {\n    max_failures = -1"}},
			"t.hcl:9:20", `Invalid task.max_failures: must be at least 0`},
		{"negative process max_failures", []change{{`cmdline = "while`, "max_failures = -3\n      cmdline = \"while"}},
			"t.hcl:15:22", `Invalid task.process[hello].max_failures: must be at least 0`},

		// Expressions.
		{"undeclared variable", []change{{`instances   = 1`, `instances   = var.count`}},
			"t.hcl:6:20", `This object does not have an attribute named "count"`},
		{"unknown function", []change{{`role        = "www-data"`, `role        = shout("www-data")`}},
			"t.hcl:3:17", `There is no function named "shout"`},
		{"function error", []change{{`instances   = 1`, `instances   = max()`}},
			"t.hcl:6:17", `Call to function "max" failed`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			src := helloHCL
			for _, c := range tt.changes {
				src = edit(t, src, c.old, c.new)
			}
			err := parseError(t, src, Options{})
			if len(err.Diagnostics) != 1 {
				t.Fatalf("got %d problems, want 1:\n%v", len(err.Diagnostics), err)
			}
			got := err.Error()
			if !strings.HasPrefix(got, tt.wantAt+": ") || !strings.Contains(got, tt.wantText) {
				t.Errorf("error = %q\nwant it to start %q and contain %q", got, tt.wantAt+": ", tt.wantText)
			}
		})
	}
}

// TestParseErrorsAll checks that every problem in a file is reported, one a
// line, in source order within the job.
func TestParseErrorsAll(t *testing.T) {
	t.Parallel()
	src := edit(t, helloHCL, `environment = "prod"`, `environment = "prd"`)
	src = edit(t, src, `instances   = 1`, `instances   = 0`)
	src = edit(t, src, `cpu  = 0.5`, `cpu  = -1`)
	err := parseError(t, src, Options{})
	want := strings.Join([]string{
		`t.hcl:4:17: Invalid environment: "prd" is not an Aurora environment: use prod, devel, test or staging<N>`,
		`t.hcl:6:17: Invalid instances: must be at least 1, not 0`,
		`t.hcl:10:14: Invalid task.resources.cpu: must be greater than 0`,
	}, "\n")
	if got := err.Error(); got != want {
		t.Errorf("error =\n%s\nwant\n%s", got, want)
	}
}

// TestParseErrorFieldErrors checks that a validation problem still carries
// the spec.FieldError behind it.
func TestParseErrorFieldErrors(t *testing.T) {
	t.Parallel()
	src := edit(t, helloHCL, `instances   = 1`, `instances   = 0`)
	_, err := Parse("t.hcl", []byte(src), Options{})
	var fe *spec.FieldError
	if !errors.As(err, &fe) {
		t.Fatalf("errors.As(%v, *spec.FieldError) = false; want true", err)
	}
	if fe.Path != "instances" {
		t.Errorf("FieldError.Path = %q, want %q", fe.Path, "instances")
	}
}

// TestParseErrorsDecodeStopsValidation checks that a job that fails to
// decode is not also validated, which would report the same mistake twice
// (a bad unit leaves ram at 0, which validation would reject).
func TestParseErrorsDecodeStopsValidation(t *testing.T) {
	t.Parallel()
	src := edit(t, helloHCL, `ram  = "128MB"`, `ram  = "12XB"`)
	err := parseError(t, src, Options{})
	if got := err.Error(); strings.Contains(got, "greater than 0") {
		t.Errorf("error = %q; want no validation problem", got)
	}
}

// TestParseErrorsOtherJobs checks that a second job's problems are found
// even when the first job has its own.
func TestParseErrorsOtherJobs(t *testing.T) {
	t.Parallel()
	first := edit(t, helloHCL, `role        = "www-data"`, ``)
	second := edit(t, helloHCL, `job "hello"`, `job "other"`)
	second = edit(t, second, `instances   = 1`, `instances   = 0`)
	err := parseError(t, first+second, Options{})
	want := "t.hcl:1:1: Missing required argument: The argument \"role\" is required in a job block, but no definition was found.\n" +
		"t.hcl:24:17: Invalid instances: must be at least 1, not 0"
	if got := err.Error(); got != want {
		t.Errorf("error =\n%s\nwant\n%s", got, want)
	}
}

func TestParseNoJob(t *testing.T) {
	t.Parallel()
	err := parseError(t, "locals {\n  a = 1\n}\n", Options{})
	want := `t.hcl:1:1: No job: The file has no job block; write one as job "NAME" { ... }.`
	if got := err.Error(); got != want {
		t.Errorf("error = %q, want %q", got, want)
	}
}

func TestParseDuplicateJob(t *testing.T) {
	t.Parallel()
	err := parseError(t, helloHCL+helloHCL, Options{})
	want := `t.hcl:19:1: Duplicate job: Job local/www-data/prod/hello was already defined at t.hcl:1:1.`
	if got := err.Error(); got != want {
		t.Errorf("error = %q, want %q", got, want)
	}
}

func TestParseFileMissing(t *testing.T) {
	t.Parallel()
	_, err := ParseFile(t.TempDir()+"/nope.hcl", Options{})
	if !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("ParseFile error = %v; want one wrapping fs.ErrNotExist", err)
	}
}
