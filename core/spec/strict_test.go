package spec

import (
	"testing"
)

func TestCheckUnknownFields(t *testing.T) {
	t.Parallel()
	type request struct {
		Job  *Job   `json:"job"`
		Note string `json:"note,omitempty"`
	}
	tests := []struct {
		json string
		want string // "" for no error
	}{
		{`{"job":{"cluster":"x","instances":2,"task":{"processes":[{"name":"a","logger":{"rotate":{"backups":1}}}]}}}`, ""},
		{`{"job":{"Instances":2,"KEY":{"Role":"r"}}}`, ""},
		{`{"job":{"executor_config":{"anything":1},"placements":[{"name":"p","config":{"x":[1]}}]}}`, ""},
		{`{"job":{"metadata":{"free-form":"ok"},"constraints":{"host":"limit:1"}}}`, ""},
		{`{"job":{"instances":"many"}}`, ""}, // a type error is the decoder's
		{`{"job":{"instancez":2}}`, `json: unknown field "instancez"`},
		{`{"bogus":1}`, `json: unknown field "bogus"`},
		{`{"job":{"task":{"processes":[{"name":"a"},{"name":"b","colour":"red"}]}}}`, `json: unknown field "colour"`},
		{`{"job":{"health_check":{"http":{"path":"/x"}}}}`, `json: unknown field "path"`},
		{`{"job":{"update":{"strategy":{"type":"batch","size":2}}}}`, `json: unknown field "size"`},
		{`{"job":`, "unexpected EOF"},
	}
	for _, tt := range tests {
		err := CheckUnknownFields([]byte(tt.json), &request{})
		var got string
		if err != nil {
			got = err.Error()
		}
		if got != tt.want {
			t.Errorf("CheckUnknownFields(%s) = %q, want %q", tt.json, got, tt.want)
		}
	}
}
