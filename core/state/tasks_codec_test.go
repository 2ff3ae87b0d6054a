package state

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"github.com/aurora-go/aurora/core/taskstate"
)

func TestSaveTasksListsEachConfigOnceAndReadsVersion1(t *testing.T) {
	a := sampleCreate("a", taskstate.Running, taskstate.Running, taskstate.Pending)
	b := sampleCreate("b", taskstate.Running)
	tasks := append(append([]*Task(nil), a.Tasks...), b.Tasks...)
	tasks = append(tasks, &Task{ID: "no-config", JobKey: "r/e/n", Status: taskstate.Lost})
	cmd := SaveTasks{Tasks: tasks}

	got, err := json.Marshal(cmd)
	if err != nil {
		t.Fatal(err)
	}
	var wire struct {
		Configs []json.RawMessage `json:"configs"`
		Tasks   []map[string]any  `json:"tasks"`
	}
	if err := json.Unmarshal(got, &wire); err != nil {
		t.Fatal(err)
	}
	if len(wire.Configs) != 2 {
		t.Fatalf("%d configs listed, want 2 (one per job): %s", len(wire.Configs), got)
	}
	var refs []any
	for _, task := range wire.Tasks {
		if _, ok := task["config"]; ok {
			t.Fatalf("task %v carries its config", task["id"])
		}
		refs = append(refs, task["config_ref"])
	}
	if want := []any{1.0, 1.0, 1.0, 2.0, nil}; !reflect.DeepEqual(refs, want) {
		t.Fatalf("config refs %v, want %v", refs, want)
	}

	// Version 1 wrote each task with its whole config, as the default
	// encoding of the task list does.
	v1, err := json.Marshal(struct {
		Tasks []*taskFields `json:"tasks"`
	}{Tasks: func() []*taskFields {
		out := make([]*taskFields, len(tasks))
		for i, t := range tasks {
			out[i] = (*taskFields)(t)
		}
		return out
	}()})
	if err != nil {
		t.Fatal(err)
	}
	for name, data := range map[string][]byte{"version 2": got, "version 1": v1} {
		var back SaveTasks
		if err := json.Unmarshal(data, &back); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if !reflect.DeepEqual(back, cmd) {
			t.Fatalf("%s round trip:\n got %#v\nwant %#v", name, back, cmd)
		}
		if back.Tasks[0].Config != back.Tasks[2].Config || back.Tasks[0].Config == back.Tasks[3].Config {
			t.Errorf("%s: tasks of one job should share one decoded config, and other jobs not", name)
		}
		if back.Tasks[4].Config != nil {
			t.Errorf("%s: a task without config decoded with %v", name, back.Tasks[4].Config)
		}
	}

	var bad SaveTasks
	if err := json.Unmarshal([]byte(`{"configs":[],"tasks":[{"id":"x","config_ref":1}]}`), &bad); err == nil {
		t.Error("a reference to a config that is not listed decoded")
	}
}

func TestEncodeWritesTheEnvelopeJSONWould(t *testing.T) {
	cmds := []Command{
		SetMeta{Key: MetaFrameworkID, Value: "fw"},
		DeleteTasks{IDs: []string{"y"}},
		SetQuota{Quota: &Quota{Role: "www-data", CPU: 1}},
	}
	for _, c := range cmds {
		got, err := Encode(c)
		if err != nil {
			t.Fatal(err)
		}
		env, err := toEnvelope(c)
		if err != nil {
			t.Fatal(err)
		}
		want, _ := json.Marshal(env)
		if string(got) != string(want) {
			t.Errorf("%T encoded as\n%s\nwant\n%s", c, got, want)
		}
	}
	// Envelopes in another key order still decode.
	c, err := Decode([]byte(`{"v":1,"p":{"key":"k","value":"v"},"t":5}`))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(c, SetMeta{Key: "k", Value: "v"}) {
		t.Errorf("decoded %#v", c)
	}
	if _, err := Decode([]byte(`{"t":2,"v":1,"p":{"tasks":[{]}}`)); err == nil {
		t.Errorf("a broken payload decoded")
	}
}

func TestTaskCommandsAreBinaryAndVersion2StillDecodes(t *testing.T) {
	ny := time.FixedZone("", -5*3600)
	create := sampleCreate("a", taskstate.Pending, taskstate.Running, taskstate.Pending)
	create.Job.CreatedAt = time.Date(2026, 11, 21, 12, 0, 0, 0, time.UTC)
	running := create.Tasks[1]
	running.AgentID, running.Host, running.Sandbox = "agent-1", "host-1", "/sandbox"
	running.Ports = map[string]uint64{"http": 31000}
	running.Events = []Event{{Time: time.Date(2026, 11, 21, 12, 0, 1, 500, ny), Status: taskstate.Running, Message: "up"}}
	create.Tasks[2].Events = []Event{} // empty, not absent
	create.Tasks[2].PenaltyUntil = time.Date(2026, 11, 21, 13, 0, 0, 0, time.UTC)
	save := SaveTasks{Tasks: append([]*Task{{ID: "no-config", JobKey: "r/e/n", Status: taskstate.Lost}}, create.Tasks...)}
	batch := Batch{Commands: []Command{save, SetMeta{Key: "k", Value: "v"}, DeleteTasks{IDs: []string{"x"}}}}

	for _, c := range []Command{create, save, batch} {
		raw, err := Encode(c)
		if err != nil {
			t.Fatalf("encode %T: %v", c, err)
		}
		if raw[0] != binaryEntry {
			t.Fatalf("%T encoded as %q..., want a binary entry", c, raw[:min(len(raw), 8)])
		}
		got, err := Decode(raw)
		if err != nil {
			t.Fatalf("decode %T: %v", c, err)
		}
		if !reflect.DeepEqual(got, c) {
			t.Errorf("round trip of %T:\n got %#v\nwant %#v", c, got, c)
		}
		// A cut-off entry is an error, never a shorter command.
		for _, cut := range []int{3, len(raw) / 2, len(raw) - 1} {
			if _, err := Decode(raw[:cut]); err == nil {
				t.Errorf("%T cut to %d of %d bytes decoded", c, cut, len(raw))
			}
		}
	}
	// The tasks of one config share it after decoding.
	raw, _ := Encode(save)
	got, _ := Decode(raw)
	tasks := got.(SaveTasks).Tasks
	if tasks[1].Config == nil || tasks[1].Config != tasks[2].Config || tasks[0].Config != nil {
		t.Error("tasks of one job should share one decoded config")
	}
	// So do the tasks of later entries with the same config; another
	// config is decoded on its own.
	again, _ := Decode(raw)
	if again.(SaveTasks).Tasks[1].Config != tasks[1].Config {
		t.Error("a later entry with the same config should share the decoded config")
	}
	other := sampleCreate("b", taskstate.Pending)
	otherRaw, _ := Encode(SaveTasks{Tasks: other.Tasks})
	decoded, _ := Decode(otherRaw)
	if cfg := decoded.(SaveTasks).Tasks[0].Config; cfg == tasks[1].Config || !reflect.DeepEqual(cfg, other.Tasks[0].Config) {
		t.Errorf("another job's config decoded as %+v", cfg)
	}
	// Version-2 entries (JSON) of the same commands still decode.
	for _, c := range []Command{create, save} {
		env, err := toEnvelope(c)
		if err != nil {
			t.Fatal(err)
		}
		v2, _ := json.Marshal(env)
		got, err := Decode(v2)
		if err != nil {
			t.Fatalf("decode a version-2 %T: %v", c, err)
		}
		if !reflect.DeepEqual(got, c) {
			t.Errorf("version-2 %T decoded as %#v", c, got)
		}
	}
}
