package state

import (
	"encoding/binary"
	"fmt"

	memdb "github.com/hashicorp/go-memdb"

	"github.com/aurora-go/aurora/core/taskstate"
)

const (
	tableJobs    = "jobs"
	tableTasks   = "tasks"
	tableMeta    = "meta"
	tableQuotas  = "quotas"
	tablePlugins = "plugins"
)

// Every index is a radix tree that each insert of a row writes to, so a
// table has only the indexes some query reads. Tasks are read by id, by
// job (TasksOfJob, QueryTasks) and by status (TasksInStatus); nothing
// looks tasks up by agent, so there is no agent index. The status index
// holds only the statuses that statusIndexed names. The task indexes read
// the fields directly instead of through reflection, since a restore runs
// them for every task.
func schema() *memdb.DBSchema {
	return &memdb.DBSchema{Tables: map[string]*memdb.TableSchema{
		tableJobs: {
			Name: tableJobs,
			Indexes: map[string]*memdb.IndexSchema{
				"id": {Name: "id", Unique: true, Indexer: &memdb.StringFieldIndex{Field: "Key"}},
			},
		},
		tableTasks: {
			Name: tableTasks,
			Indexes: map[string]*memdb.IndexSchema{
				"id":     {Name: "id", Unique: true, Indexer: taskStringIndex(func(t *Task) string { return t.ID })},
				"job":    {Name: "job", Indexer: taskStringIndex(func(t *Task) string { return t.JobKey })},
				"status": {Name: "status", AllowMissing: true, Indexer: taskStatusIndex{}},
			},
		},
		tableQuotas: {
			Name: tableQuotas,
			Indexes: map[string]*memdb.IndexSchema{
				"id": {Name: "id", Unique: true, Indexer: &memdb.StringFieldIndex{Field: "Role"}},
			},
		},
		tablePlugins: {
			Name: tablePlugins,
			Indexes: map[string]*memdb.IndexSchema{
				"id": {Name: "id", Unique: true, Indexer: &memdb.StringFieldIndex{Field: "ID"}},
			},
		},
		tableMeta: {
			Name: tableMeta,
			Indexes: map[string]*memdb.IndexSchema{
				"id": {Name: "id", Unique: true, Indexer: &memdb.StringFieldIndex{Field: "Key"}},
			},
		},
	}}
}

// taskStringIndex indexes tasks by a string field, with the keys of
// memdb.StringFieldIndex (the value and a NUL); an empty value is not
// indexed.
type taskStringIndex func(*Task) string

// keyRoom is the room a non-unique index key leaves for memdb to append
// the task id and its NUL without copying the key again.
func keyRoom(t *Task) int { return len(t.ID) + 1 }

func (f taskStringIndex) FromObject(obj interface{}) (bool, []byte, error) {
	t, ok := obj.(*Task)
	if !ok {
		return false, nil, fmt.Errorf("task index: got %T, want *Task", obj)
	}
	v := f(t)
	if v == "" {
		return false, nil, nil
	}
	key := make([]byte, len(v)+1, len(v)+1+keyRoom(t))
	copy(key, v)
	return true, key, nil
}

func (taskStringIndex) FromArgs(args ...interface{}) ([]byte, error) {
	if len(args) != 1 {
		return nil, fmt.Errorf("must provide only a single argument")
	}
	s, ok := args[0].(string)
	if !ok {
		return nil, fmt.Errorf("argument must be a string: %#v", args[0])
	}
	return append([]byte(s), 0), nil
}

// statusIndexed reports whether the status index holds the tasks in st.
// It holds the statuses a task passes through (PENDING, ASSIGNED, KILLING,
// THROTTLED, ...), which hold few tasks at a time and which the scheduler
// polls. RUNNING and the terminal statuses hold most tasks, for long, and
// the scheduler never asks for them by status: TasksInStatus scans for
// those, and leaving them out saves a radix insert (and delete) per task
// on every transition into or out of them and on every restore.
func statusIndexed(st taskstate.Status) bool { return st != taskstate.Running && !st.Terminal() }

// taskStatusIndex indexes tasks by status, with the keys of
// memdb.IntFieldIndex over an int, for the statuses statusIndexed names.
type taskStatusIndex struct{}

func (taskStatusIndex) FromObject(obj interface{}) (bool, []byte, error) {
	t, ok := obj.(*Task)
	if !ok {
		return false, nil, fmt.Errorf("status index: got %T, want *Task", obj)
	}
	if !statusIndexed(t.Status) {
		return false, nil, nil
	}
	return true, statusKey(int64(t.Status), keyRoom(t)), nil
}

func (taskStatusIndex) FromArgs(args ...interface{}) ([]byte, error) {
	if len(args) != 1 {
		return nil, fmt.Errorf("must provide only a single argument")
	}
	switch v := args[0].(type) {
	case int:
		return statusKey(int64(v), 0), nil
	case taskstate.Status:
		return statusKey(int64(v), 0), nil
	}
	return nil, fmt.Errorf("argument must be an int: %#v", args[0])
}

// statusKey is memdb's encoding of an int: big-endian with the sign bit
// flipped, so keys sort as the numbers do; room is spare capacity.
func statusKey(v int64, room int) []byte {
	key := make([]byte, 8, 8+room)
	binary.BigEndian.PutUint64(key, uint64(v^(-1<<63)))
	return key
}
