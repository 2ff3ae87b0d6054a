package sdk

import (
	"encoding/json"
	"testing"
)

func TestViolationsNameTheField(t *testing.T) {
	cs, err := CompileSchema(json.RawMessage(`{"type":"object","properties":{"max_skew":{"type":"integer","minimum":1}},"additionalProperties":false}`))
	if err != nil {
		t.Fatal(err)
	}
	vs, err := cs.Violations(json.RawMessage(`{"max_skew":0}`))
	if err != nil || len(vs) != 1 || vs[0].Pointer != "/max_skew" || vs[0].Message == "" {
		t.Fatalf("violations of max_skew 0: %+v %v", vs, err)
	}
	if vs, err := cs.Violations(json.RawMessage(`{"max_skew":2}`)); err != nil || len(vs) != 0 {
		t.Fatalf("a valid config has no violations: %+v %v", vs, err)
	}
	if vs, _ := cs.Violations(json.RawMessage(`{"zone":"a"}`)); len(vs) == 0 {
		t.Fatal("an unknown property is a violation")
	}
	if _, err := cs.Violations(json.RawMessage(`{`)); err == nil {
		t.Fatal("invalid JSON is an error")
	}
}

func TestPlacementsCrossTheWire(t *testing.T) {
	req := &FilterRequest{Group: TaskGroup{Job: "j", Placements: map[string]json.RawMessage{"zonespread": json.RawMessage(`{"max_skew":2}`)}}}
	got := filterGroupFromProto(filterGroupToProto(req, false))
	if string(got.Group.Placements["zonespread"]) != `{"max_skew":2}` {
		t.Fatalf("placements after a round trip: %+v", got.Group.Placements)
	}
}
