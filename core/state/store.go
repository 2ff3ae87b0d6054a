package state

import (
	"fmt"
	"path"
	"sync/atomic"

	memdb "github.com/hashicorp/go-memdb"

	"github.com/aurora-go/aurora/core/taskstate"
)

// Store is the in-memory state. Writes come only through Apply, in log
// order; reads may come from anywhere and see consistent snapshots.
type Store struct {
	// db is swapped whole by Restore; readers load it once per call.
	db atomic.Pointer[memdb.MemDB]

	pluginWatch pluginWatch
}

// NewStore returns an empty store.
func NewStore() (*Store, error) {
	db, err := memdb.NewMemDB(schema())
	if err != nil {
		return nil, fmt.Errorf("create state store: %w", err)
	}
	s := &Store{}
	s.db.Store(db)
	return s, nil
}

// Apply applies one command. A command that fails changes nothing.
func (s *Store) Apply(c Command) error {
	txn := s.db.Load().Txn(true)
	defer txn.Abort()
	if err := apply(txn, c); err != nil {
		return err
	}
	txn.Commit()
	if touchesPlugins(c) {
		s.pluginWatch.fire()
	}
	return nil
}

func apply(txn *memdb.Txn, c Command) error {
	switch c := c.(type) {
	case CreateJob:
		existing, err := txn.First(tableJobs, "id", c.Job.Key)
		if err != nil {
			return err
		}
		if existing != nil {
			return fmt.Errorf("%w: %s", ErrJobExists, c.Job.Key)
		}
		if err := txn.Insert(tableJobs, c.Job); err != nil {
			return err
		}
		return insertTasks(txn, c.Tasks)
	case SaveTasks:
		return insertTasks(txn, c.Tasks)
	case DeleteTasks:
		for _, id := range c.IDs {
			if _, err := txn.DeleteAll(tableTasks, "id", id); err != nil {
				return err
			}
		}
		return nil
	case DeleteJob:
		_, err := txn.DeleteAll(tableJobs, "id", c.Key)
		return err
	case SetMeta:
		return txn.Insert(tableMeta, &meta{Key: c.Key, Value: c.Value})
	case SetQuota:
		if c.Quota == nil || c.Quota.Role == "" {
			return fmt.Errorf("set quota: a quota needs a role")
		}
		return txn.Insert(tableQuotas, c.Quota)
	case SaveJob:
		if c.Job == nil || c.Job.Key == "" {
			return fmt.Errorf("save job: a job needs a key")
		}
		return txn.Insert(tableJobs, c.Job)
	case PutPlugin, SetPluginState, PinPlugin, DeletePlugin:
		return applyPlugin(txn, c)
	case Batch:
		for _, sub := range c.Commands {
			if err := apply(txn, sub); err != nil {
				return err
			}
		}
		return nil
	}
	return fmt.Errorf("unknown command %T", c)
}

func insertTasks(txn *memdb.Txn, tasks []*Task) error {
	for _, t := range tasks {
		if err := txn.Insert(tableTasks, t); err != nil {
			return fmt.Errorf("save task %s: %w", t.ID, err)
		}
	}
	return nil
}

// Job returns the job with key role/env/name, or nil.
func (s *Store) Job(key string) (*Job, error) {
	raw, err := s.db.Load().Txn(false).First(tableJobs, "id", key)
	if err != nil || raw == nil {
		return nil, err
	}
	return raw.(*Job), nil
}

// Jobs returns every job whose key matches the glob pattern (path.Match
// syntax over role/env/name); an empty pattern matches all.
func (s *Store) Jobs(pattern string) ([]*Job, error) {
	it, err := s.db.Load().Txn(false).Get(tableJobs, "id")
	if err != nil {
		return nil, err
	}
	var out []*Job
	for raw := it.Next(); raw != nil; raw = it.Next() {
		j := raw.(*Job)
		if pattern != "" {
			ok, err := path.Match(pattern, j.Key)
			if err != nil {
				return nil, fmt.Errorf("bad job pattern %q: %w", pattern, err)
			}
			if !ok {
				continue
			}
		}
		out = append(out, j)
	}
	return out, nil
}

// Task returns the task with the id, or nil.
func (s *Store) Task(id string) (*Task, error) {
	raw, err := s.db.Load().Txn(false).First(tableTasks, "id", id)
	if err != nil || raw == nil {
		return nil, err
	}
	return raw.(*Task), nil
}

// TasksOfJob returns every task of a job, sorted by the index (task id).
func (s *Store) TasksOfJob(key string) ([]*Task, error) {
	return s.tasks("job", key)
}

// TasksInStatus returns every task whose status is st, in task id order.
// The statuses the status index leaves out (statusIndexed) are found by
// reading every task.
func (s *Store) TasksInStatus(st taskstate.Status) ([]*Task, error) {
	if statusIndexed(st) {
		return s.tasks("status", int(st))
	}
	it, err := s.db.Load().Txn(false).Get(tableTasks, "id")
	if err != nil {
		return nil, err
	}
	var out []*Task
	for raw := it.Next(); raw != nil; raw = it.Next() {
		if t := raw.(*Task); t.Status == st {
			out = append(out, t)
		}
	}
	return out, nil
}

// AllTasks returns every task.
func (s *Store) AllTasks() ([]*Task, error) {
	return s.tasks("id")
}

func (s *Store) tasks(index string, args ...interface{}) ([]*Task, error) {
	it, err := s.db.Load().Txn(false).Get(tableTasks, index, args...)
	if err != nil {
		return nil, err
	}
	var out []*Task
	for raw := it.Next(); raw != nil; raw = it.Next() {
		out = append(out, raw.(*Task))
	}
	return out, nil
}

// Meta returns a metadata value, or "".
func (s *Store) Meta(key string) (string, error) {
	raw, err := s.db.Load().Txn(false).First(tableMeta, "id", key)
	if err != nil || raw == nil {
		return "", err
	}
	return raw.(*meta).Value, nil
}

// Quota returns a role's quota, or nil if none was ever set.
func (s *Store) Quota(role string) (*Quota, error) {
	raw, err := s.db.Load().Txn(false).First(tableQuotas, "id", role)
	if err != nil || raw == nil {
		return nil, err
	}
	return raw.(*Quota), nil
}

// Quotas returns every role's quota, by role.
func (s *Store) Quotas() ([]*Quota, error) {
	it, err := s.db.Load().Txn(false).Get(tableQuotas, "id")
	if err != nil {
		return nil, err
	}
	var out []*Quota
	for raw := it.Next(); raw != nil; raw = it.Next() {
		out = append(out, raw.(*Quota))
	}
	return out, nil
}

// QueryTasks returns the tasks q matches, in task id order. A query that
// names a whole job key reads only that job's tasks.
func (s *Store) QueryTasks(q TaskQuery) ([]*Task, error) {
	var (
		tasks []*Task
		err   error
	)
	if q.Role != "" && q.Environment != "" && q.Name != "" {
		tasks, err = s.TasksOfJob(q.Role + "/" + q.Environment + "/" + q.Name)
	} else {
		tasks, err = s.AllTasks()
	}
	if err != nil {
		return nil, err
	}
	out := tasks[:0:0]
	for _, t := range tasks {
		if q.Match(t) {
			out = append(out, t)
		}
	}
	return out, nil
}
