package thermos

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/aurora-go/aurora/sdk"
)

func TestParseTaskConfigDefaults(t *testing.T) {
	cfg, err := parseTaskConfig([]byte(`{"processes":[
		{"name":"a","cmdline":"true"},
		{"name":"b","cmdline":"true","max_failures":0,"min_duration":"0s","after":["a"]}],
		"resources":{"cpu":1}}`))
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	if cfg.name != "a" || cfg.maxFailures != 1 || cfg.finalizationWait != 30*time.Second || cfg.maxConcurrency != 0 {
		t.Fatalf("task defaults = %+v", cfg)
	}
	a, b := cfg.processes[0], cfg.processes[1]
	if a.maxFailures != 1 || a.minDuration != 5*time.Second {
		t.Fatalf("process defaults = %+v, want max_failures 1 and min_duration 5s", a)
	}
	if b.maxFailures != 0 || b.minDuration != 0 || !reflect.DeepEqual(b.after, []string{"a"}) {
		t.Fatalf("explicit zero values = %+v, want them kept", b)
	}
}

func TestParseTaskConfigSequential(t *testing.T) {
	cfg, err := parseTaskConfig([]byte(`{"sequential":true,"processes":[
		{"name":"a","cmdline":"x"},{"name":"f1","cmdline":"x","final":true},
		{"name":"b","cmdline":"x"},{"name":"f2","cmdline":"x","final":true}]}`))
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	got := map[string][]string{}
	for _, p := range cfg.processes {
		got[p.name] = p.after
	}
	want := map[string][]string{"a": nil, "f1": nil, "b": {"a"}, "f2": {"f1"}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("sequential dependencies = %v, want %v", got, want)
	}
}

func TestParseTaskConfigRejects(t *testing.T) {
	tests := []struct {
		name, config, want string
	}{
		{"not json", `{`, "thermos task config"},
		{"no processes", `{"processes":[]}`, "at least one process"},
		{"no cmdline", `{"processes":[{"name":"a"}]}`, "cmdline is required"},
		{"duplicate", `{"processes":[{"name":"a","cmdline":"x"},{"name":"a","cmdline":"y"}]}`, "defined twice"},
		{"slash", `{"processes":[{"name":"a/b","cmdline":"x"}]}`, "must not contain"},
		{"dot", `{"processes":[{"name":".a","cmdline":"x"}]}`, "must not start with"},
		{"unknown after", `{"processes":[{"name":"a","cmdline":"x","after":["nope"]}]}`, `unknown process "nope"`},
		{"cycle", `{"processes":[{"name":"a","cmdline":"x","after":["b"]},{"name":"b","cmdline":"x","after":["a"]}]}`, "cycle"},
		{"after daemon", `{"processes":[{"name":"d","cmdline":"x","daemon":true},{"name":"a","cmdline":"x","after":["d"]}]}`, "daemon"},
		{"after ephemeral", `{"processes":[{"name":"e","cmdline":"x","ephemeral":true},{"name":"a","cmdline":"x","after":["e"]}]}`, "ephemeral"},
		{"final after ordinary", `{"processes":[{"name":"a","cmdline":"x"},{"name":"f","cmdline":"x","final":true,"after":["a"]}]}`, "final and ordinary"},
		{"bad duration", `{"processes":[{"name":"a","cmdline":"x","min_duration":"soon"}]}`, "invalid duration"},
		{"negative", `{"max_failures":-1,"processes":[{"name":"a","cmdline":"x"}]}`, "must not be negative"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := parseTaskConfig([]byte(tt.config))
			if !errors.Is(err, sdk.ErrInvalidArgument) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want ErrInvalidArgument mentioning %q", err, tt.want)
			}
		})
	}
}

func TestParseSignal(t *testing.T) {
	for in, want := range map[string]int{"SIGHUP": 1, "hup": 1, "TERM": 15, "9": 9, "sigusr1": int(signalsByName["USR1"])} {
		got, err := parseSignal(in)
		if err != nil || int(got) != want {
			t.Errorf("parseSignal(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "SIGNOPE", "0", "99"} {
		if _, err := parseSignal(bad); !errors.Is(err, sdk.ErrInvalidArgument) {
			t.Errorf("parseSignal(%q): err = %v, want ErrInvalidArgument", bad, err)
		}
	}
}
