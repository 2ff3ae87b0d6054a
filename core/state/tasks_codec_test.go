package state

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/aurora-go/aurora/core/taskstate"
)

func TestSaveTasksEncodesAsPlainTasksAndSharesConfigs(t *testing.T) {
	a := sampleCreate("a", taskstate.Running, taskstate.Running, taskstate.Pending)
	b := sampleCreate("b", taskstate.Running)
	tasks := append(append([]*Task(nil), a.Tasks...), b.Tasks...)
	tasks = append(tasks, &Task{ID: "no-config", JobKey: "r/e/n", Status: taskstate.Lost})
	cmd := SaveTasks{Tasks: tasks}

	// The same JSON as the default encoding of the task list.
	got, err := json.Marshal(cmd)
	if err != nil {
		t.Fatal(err)
	}
	plain, err := json.Marshal(struct {
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
	var gotV, plainV any
	_ = json.Unmarshal(got, &gotV)
	_ = json.Unmarshal(plain, &plainV)
	if !reflect.DeepEqual(gotV, plainV) {
		t.Fatalf("encoding differs from the plain one:\n got %s\nwant %s", got, plain)
	}

	var back SaveTasks
	if err := json.Unmarshal(plain, &back); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(back, cmd) {
		t.Fatalf("round trip:\n got %#v\nwant %#v", back, cmd)
	}
	if back.Tasks[0].Config != back.Tasks[2].Config || back.Tasks[0].Config == back.Tasks[3].Config {
		t.Errorf("tasks of one job should share one decoded config, and other jobs not")
	}
	if back.Tasks[4].Config != nil {
		t.Errorf("a task without config decoded with %v", back.Tasks[4].Config)
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
