package state

import (
	"encoding/json"
	"reflect"
	"testing"

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
		sampleCreate("a", taskstate.Pending, taskstate.Running),
		SetMeta{Key: MetaFrameworkID, Value: "fw"},
		Batch{Commands: []Command{SetMeta{Key: "k", Value: "v"}, DeleteTasks{IDs: []string{"y"}}}},
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
