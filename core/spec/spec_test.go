package spec

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestParseClusterKey(t *testing.T) {
	cases := []struct {
		in      string
		want    ClusterKey
		wantErr string
	}{
		{in: "local/www-data/prod/hello", want: ClusterKey{Cluster: "local", JobKey: JobKey{Role: "www-data", Environment: "prod", Name: "hello"}}},
		{in: "local/www-data/staging12/a.b_c", want: ClusterKey{Cluster: "local", JobKey: JobKey{Role: "www-data", Environment: "staging12", Name: "a.b_c"}}},
		{in: "local/www-data/prod", wantErr: "CLUSTER/ROLE/ENV/NAME"},
		{in: "local//prod/hello", wantErr: "empty part"},
		{in: "local/www-data/prd/hello", wantErr: "not an Aurora environment"},
		{in: "local/www data/prod/hello", wantErr: "may contain only"},
	}
	for _, c := range cases {
		got, err := ParseClusterKey(c.in)
		if c.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), c.wantErr) {
				t.Errorf("ParseClusterKey(%q) error = %v, want it to contain %q", c.in, err, c.wantErr)
			}
			continue
		}
		if err != nil || got != c.want {
			t.Errorf("ParseClusterKey(%q) = %+v, %v; want %+v", c.in, got, err, c.want)
		}
	}
}

func TestParseConstraint(t *testing.T) {
	cases := []struct {
		name, value string
		want        Constraint
		wantErr     bool
	}{
		{"host", "limit:1", Constraint{Name: "host", Limit: 1}, false},
		{"zone", "us-east-1a,us-east-1b", Constraint{Name: "zone", Values: []string{"us-east-1a", "us-east-1b"}}, false},
		{"os", "!windows", Constraint{Name: "os", Values: []string{"windows"}, Negated: true}, false},
		{"dedicated", "db_team/redis", Constraint{Name: "dedicated", Values: []string{"db_team/redis"}}, false},
		{"host", "limit:0", Constraint{}, true},
		{"host", "limit:x", Constraint{}, true},
		{"zone", "a,,b", Constraint{}, true},
		{"zone", " ", Constraint{}, true},
	}
	for _, c := range cases {
		got, err := ParseConstraint(c.name, c.value)
		if (err != nil) != c.wantErr {
			t.Errorf("ParseConstraint(%q, %q) error = %v, want error %t", c.name, c.value, err, c.wantErr)
			continue
		}
		if !c.wantErr && !reflect.DeepEqual(got, c.want) {
			t.Errorf("ParseConstraint(%q, %q) = %+v, want %+v", c.name, c.value, got, c.want)
		}
	}
}

func TestDurationJSON(t *testing.T) {
	var d Duration
	if err := json.Unmarshal([]byte(`"1m30s"`), &d); err != nil || d.D() != 90*time.Second {
		t.Fatalf("unmarshal \"1m30s\" = %v, %v", d, err)
	}
	b, _ := json.Marshal(Duration(5 * time.Second))
	if string(b) != `"5s"` {
		t.Fatalf("marshal 5s = %s", b)
	}
	if err := json.Unmarshal([]byte(`"5 parsecs"`), &d); err == nil {
		t.Fatal("a bad duration must not parse")
	}
}
