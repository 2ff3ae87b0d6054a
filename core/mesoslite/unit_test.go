package mesoslite

import (
	"net/http"
	"testing"
	"time"

	mesos "github.com/mesos/mesos-go/api/v1/lib"
)

func TestStoutDuration(t *testing.T) {
	for d, want := range map[time.Duration]string{
		5 * time.Second:         "5secs",
		15 * time.Second:        "15secs",
		1500 * time.Millisecond: "1.5secs",
		100 * time.Millisecond:  "100ms",
		time.Minute:             "1mins",
		10 * time.Minute:        "10mins",
		2 * time.Hour:           "2hrs",
		21 * 24 * time.Hour:     "3weeks",
		250 * time.Nanosecond:   "250ns",
	} {
		if got := stoutDuration(d); got != want {
			t.Errorf("stoutDuration(%v) = %q, want %q", d, got, want)
		}
	}
}

func TestValidateUUID(t *testing.T) {
	if err := validateUUID(newUUID()); err != nil {
		t.Errorf("fresh uuid: %v", err)
	}
	random := make([]byte, 16) // version nibble 0
	if validateUUID(random) == nil {
		t.Error("bytes with version 0 accepted")
	}
	if validateUUID(newUUID()[:15]) == nil {
		t.Error("15 bytes accepted")
	}
	if s := uuidString(newUUID()); len(s) != 36 || s[14] != '4' {
		t.Errorf("uuid string %q", s)
	}
}

func TestAcceptNegotiation(t *testing.T) {
	for _, tc := range []struct {
		accept []string
		want   string // "" = 406
	}{
		{nil, "application/json"},
		{[]string{"application/x-protobuf", "application/x-protobuf"}, "application/x-protobuf"},
		{[]string{"application/json"}, "application/json"},
		{[]string{"*/*"}, "application/json"},
		{[]string{"application/*;q=0.5"}, "application/json"},
		{[]string{"application/json;q=0, application/x-protobuf"}, "application/x-protobuf"},
		{[]string{"text/html"}, ""},
		{[]string{"application/recordio"}, ""},
	} {
		h := http.Header{}
		for _, a := range tc.accept {
			h.Add("Accept", a)
		}
		c, ok := acceptCodec(h)
		got := ""
		if ok {
			got = string(c.Type)
		}
		if got != tc.want {
			t.Errorf("Accept %q: %q, want %q", tc.accept, got, tc.want)
		}
	}
}

func TestRefusalFiltersUseSupersetSemantics(t *testing.T) {
	m := newMaster("m", Config{AllocationInterval: time.Second, Clock: RealClock()}.mustDefaults(t), nil, &faults{})
	fw := newFramework("f", mesos.FrameworkInfo{})
	fullRes := agentResources(AgentConfig{CPUs: 4, MemMB: 1024, DiskMB: 10, Ports: [][2]uint64{{31000, 31010}}})
	lessRes := fullRes.Minus(scalarResource("cpus", 1), rangesResource("ports", [][2]uint64{{31005, 31005}}))
	moreRes := fullRes.Plus(scalarResource("mem", 1))

	full, less, more := vecOf(fullRes), vecOf(lessRes), vecOf(moreRes)
	m.refuse(fw, "a", full, &mesos.Filters{RefuseSeconds: ptr(0.2)}) // raised to the 1s allocation interval
	now := time.Now()
	if !fw.filtered("a", full, now) || !fw.filtered("a", less, now) {
		t.Error("refused resources, or a subset of them, offered")
	}
	if fw.filtered("a", more, now) || fw.filtered("b", full, now) {
		t.Error("a superset, or another agent, is filtered")
	}
	if !fw.filtered("a", full, now.Add(900*time.Millisecond)) || fw.filtered("a", full, now.Add(1100*time.Millisecond)) {
		t.Error("the filter does not last max(allocation interval, refuse_seconds)")
	}
	m.refuse(fw, "a", full, &mesos.Filters{RefuseSeconds: ptr(0.0)})
	if len(fw.filters["a"]) != 0 {
		t.Error("refuse_seconds 0 installed a filter")
	}
	m.refuse(fw, "a", full, nil)
	if !fw.filtered("a", full, time.Now().Add(4*time.Second)) || fw.filtered("a", full, time.Now().Add(6*time.Second)) {
		t.Error("absent filters do not refuse for the default 5s")
	}
}

func (cfg Config) mustDefaults(t *testing.T) Config {
	t.Helper()
	cfg.WorkDir = t.TempDir()
	cfg.Agents = []AgentConfig{{Hostname: "h", CPUs: 1, MemMB: 1, DiskMB: 1}}
	out, err := cfg.withDefaults()
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func ptr[T any](v T) *T { return &v }
