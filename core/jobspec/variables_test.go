package jobspec

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

// varsHCL uses variables, locals and functions for most of a job.
const varsHCL = `
variable "env" {
  default = "devel"
}
variable "count" {
  type    = number
  default = 2
}
variable "zones" {
  type    = list(string)
  default = ["a", "b"]
}
variable "owner" {}

locals {
  name  = "${local.base}-${var.env}"
  zones = join(",", [for z in var.zones : "us-east-1${z}"])
}
locals {
  base = lower("WEB")
  cpus = max(1, var.count / 2)
}

job "web" {
  cluster     = "local"
  role        = var.owner
  environment = var.env
  instances   = var.count
  contact     = format("%s@example.com", upper(var.owner))
  constraints = {
    zone = local.zones
  }
  metadata = merge({ name = local.name }, { zones = tostring(length(var.zones)) })

  task {
    resources {
      cpu   = local.cpus
      ram   = "${var.count * 64}MB"
      disk  = "1GB"
      ports = concat(["http"], var.count > 1 ? ["admin"] : [])
    }
    process "run" {
      cmdline = "${local.name} --zones=${local.zones}"
    }
  }
}
`

func TestParseVariables(t *testing.T) {
	t.Parallel()
	jobs := parseJobs(t, varsHCL, Options{Vars: map[string]string{"owner": "www-data"}})
	j := jobs[0]
	got := map[string]any{
		"role":        j.Key.Role,
		"environment": j.Key.Environment,
		"instances":   j.Instances,
		"contact":     j.Contact,
		"constraints": j.Constraints,
		"metadata":    j.Metadata,
		"cpu":         j.Task.Resources.CPU,
		"ram":         j.Task.Resources.RAM,
		"ports":       j.Task.Resources.Ports,
		"cmdline":     j.Task.Processes[0].Cmdline,
	}
	want := map[string]any{
		"role":        "www-data",
		"environment": "devel",
		"instances":   2,
		"contact":     "WWW-DATA@example.com",
		"constraints": map[string]string{"zone": "us-east-1a,us-east-1b"},
		"metadata":    map[string]string{"name": "web-devel", "zones": "2"},
		"cpu":         1.0,
		"ram":         int64(128 << 20),
		"ports":       []string{"http", "admin"},
		"cmdline":     "web-devel --zones=us-east-1a,us-east-1b",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("job fields =\n%v\nwant\n%v", got, want)
	}
}

// TestParseVariablePrecedence sets var.env from each source in turn:
// default < AURORA_VAR_env < var files (later wins) < -var.
func TestParseVariablePrecedence(t *testing.T) {
	dir := t.TempDir()
	testFile := filepath.Join(dir, "test.vars.hcl")
	stagingFile := filepath.Join(dir, "staging.vars.hcl")
	writeFile(t, testFile, "env = \"test\"\n")
	writeFile(t, stagingFile, "# staging\nenv = \"staging1\"\n")

	tests := []struct {
		name     string
		env      string // AURORA_VAR_env; "" leaves it unset
		varFiles []string
		flag     string // -var env=...; "" gives none
		want     string
	}{
		{name: "default", want: "devel"},
		{name: "environment over default", env: "prod", want: "prod"},
		{name: "var file over environment", env: "prod", varFiles: []string{testFile}, want: "test"},
		{name: "later var file over earlier", varFiles: []string{testFile, stagingFile}, want: "staging1"},
		{name: "earlier var file under later", varFiles: []string{stagingFile, testFile}, want: "test"},
		{name: "flag over everything", env: "prod", varFiles: []string{testFile}, flag: "staging7", want: "staging7"},
		{name: "flag over default", flag: "prod", want: "prod"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// Not parallel: t.Setenv changes the process's environment.
			if tt.env != "" {
				t.Setenv("AURORA_VAR_env", tt.env)
			}
			opts := Options{Vars: map[string]string{"owner": "www-data"}, VarFiles: tt.varFiles}
			if tt.flag != "" {
				opts.Vars["env"] = tt.flag
			}
			jobs := parseJobs(t, varsHCL, opts)
			if got := jobs[0].Key.Environment; got != tt.want {
				t.Errorf("environment = %q, want %q", got, tt.want)
			}
		})
	}
}

// TestParseVariableTypes checks how -var and environment strings become
// values: literally for untyped and primitive variables, as HCL for
// collections.
func TestParseVariableTypes(t *testing.T) {
	t.Setenv("AURORA_VAR_owner", "from-env")
	t.Setenv("AURORA_VAR_undeclared", "ignored")
	jobs := parseJobs(t, varsHCL, Options{Vars: map[string]string{
		"count": "4",
		"zones": `["c"]`,
	}})
	j := jobs[0]
	got := []any{j.Key.Role, j.Instances, j.Constraints["zone"]}
	want := []any{"from-env", 4, "us-east-1c"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("role, instances, zone = %v, want %v", got, want)
	}
}

func TestParseVariableErrors(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	undeclared := filepath.Join(dir, "undeclared.hcl")
	writeFile(t, undeclared, "env = \"test\"\n\nregion = \"us\"\n")
	badSyntax := filepath.Join(dir, "bad.hcl")
	writeFile(t, badSyntax, "env = \n")
	withRef := filepath.Join(dir, "ref.hcl")
	writeFile(t, withRef, "env = var.count\n")
	wrongType := filepath.Join(dir, "type.hcl")
	writeFile(t, wrongType, "count = \"many\"\n")
	owner := map[string]string{"owner": "www-data"}

	tests := []struct {
		name string
		src  string
		opts Options
		want string // the whole error
	}{
		{
			name: "unset variable",
			src:  varsHCL,
			want: `t.hcl:13:1: Unset variable: Variable "owner" has no default and no value: set it with -var owner=..., a var file or AURORA_VAR_owner.`,
		},
		{
			name: "undeclared flag",
			src:  varsHCL,
			opts: Options{Vars: map[string]string{"owner": "x", "region": "us"}},
			want: `Undeclared variable: -var region was given, but the job file declares no variable "region".`,
		},
		{
			name: "flag of the wrong type",
			src:  varsHCL,
			opts: Options{Vars: map[string]string{"owner": "x", "count": "many"}},
			want: `Invalid value for variable: The -var count for variable "count" is not suitable: a number is required.`,
		},
		{
			name: "flag that is not HCL",
			src:  varsHCL,
			opts: Options{Vars: map[string]string{"owner": "x", "zones": `["a"`}},
			want: `<-var zones>:1:1: Unterminated tuple constructor expression: There is no corresponding closing bracket before the end of the file. This may be caused by incorrect bracket nesting elsewhere in this file.`,
		},
		{
			name: "undeclared in var file",
			src:  varsHCL,
			opts: Options{Vars: owner, VarFiles: []string{undeclared}},
			want: undeclared + `:3:1: Undeclared variable: The var file sets "region", but the job file declares no variable "region".`,
		},
		{
			name: "var file syntax",
			src:  varsHCL,
			opts: Options{Vars: owner, VarFiles: []string{badSyntax}},
			want: badSyntax + `:1:7: Invalid expression: Expected the start of an expression, but found an invalid expression token.`,
		},
		{
			name: "var file refers to a variable",
			src:  varsHCL,
			opts: Options{Vars: owner, VarFiles: []string{withRef}},
			want: withRef + `:1:7: Variables not allowed: Variables may not be used here.`,
		},
		{
			name: "var file value of the wrong type",
			src:  varsHCL,
			opts: Options{Vars: owner, VarFiles: []string{wrongType}},
			want: wrongType + `:1:9: Invalid value for variable: The value in ` + wrongType + ` for variable "count" is not suitable: a number is required.`,
		},
		{
			name: "default of the wrong type",
			src:  edit(t, varsHCL, "default = 2", `default = "two"`),
			opts: Options{Vars: owner},
			want: `t.hcl:7:13: Invalid value for variable: The default for variable "count" is not suitable: a number is required.`,
		},
		{
			name: "default refers to a variable",
			src:  edit(t, varsHCL, "default = 2", `default = var.env`),
			opts: Options{Vars: owner},
			want: `t.hcl:7:13: Variables not allowed: Variables may not be used here.`,
		},
		{
			name: "bad type",
			src:  edit(t, varsHCL, "type    = number", "type    = integer"),
			opts: Options{Vars: owner},
			want: `t.hcl:6:13: Invalid type specification: The keyword "integer" is not a valid type specification.`,
		},
		{
			name: "duplicate variable",
			src:  "variable \"owner\" {\n  default = \"me\"\n}\n" + varsHCL,
			opts: Options{Vars: owner},
			want: `t.hcl:16:1: Duplicate variable: Variable "owner" was already declared at t.hcl:1:1.`,
		},
		{
			name: "unknown variable argument",
			src:  edit(t, varsHCL, "variable \"owner\" {}", "variable \"owner\" {\n  required = true\n}"),
			opts: Options{Vars: owner},
			want: `t.hcl:14:3: Unsupported argument: An argument named "required" is not expected here.`,
		},
		{
			name: "duplicate local",
			src:  edit(t, varsHCL, "  cpus = max", "  name = 1\n  cpus = max"),
			opts: Options{Vars: owner},
			want: `t.hcl:21:3: Duplicate local value: Local "name" was already defined at t.hcl:16:3.`,
		},
		{
			name: "locals cycle",
			src:  edit(t, varsHCL, `lower("WEB")`, `lower(local.name)`),
			opts: Options{Vars: owner},
			want: `t.hcl:20:3: Cycle in locals: Local "base" cannot be evaluated: it is in, or waits on, a cycle of references among local.base, local.name.` + "\n" +
				`t.hcl:16:3: Cycle in locals: Local "name" cannot be evaluated: it is in, or waits on, a cycle of references among local.base, local.name.`,
		},
		{
			name: "local fails to evaluate",
			src:  edit(t, varsHCL, `lower("WEB")`, `lower(var.missing)`),
			opts: Options{Vars: owner},
			want: `t.hcl:20:19: Unsupported attribute: This object does not have an attribute named "missing".`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := parseError(t, tt.src, tt.opts)
			if got := err.Error(); got != tt.want {
				t.Errorf("error =\n%s\nwant\n%s", got, tt.want)
			}
		})
	}
}

func TestParseVarFileMissing(t *testing.T) {
	t.Parallel()
	_, err := Parse("t.hcl", []byte(helloHCL), Options{VarFiles: []string{filepath.Join(t.TempDir(), "nope.hcl")}})
	if !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Parse error = %v; want one wrapping fs.ErrNotExist", err)
	}
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}
