package state

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"

	memdb "github.com/hashicorp/go-memdb"

	"github.com/aurora-go/aurora/core/spec"
)

// snapshotVersion is written at the head of every snapshot. Restore reads
// every version up to it:
//   - 1: one JSON record per row, each task with its whole job config;
//   - 2: as 1, but each distinct job config is written once, before the
//     first task that uses it, and tasks refer to it by number;
//   - 3: as 2, plus one record per role quota. (A binary that reads only
//     version 2 refuses it rather than dropping the quotas.)
//   - 4: as 3, plus one record per plugin catalog entry.
const snapshotVersion = 4

// snapshotHeader precedes the records of a snapshot.
type snapshotHeader struct {
	Version int `json:"version"`
}

// record is one row of a snapshot: exactly one field is set.
type record struct {
	Job    *Job       `json:"job,omitempty"`
	Task   *taskRec   `json:"task,omitempty"`
	Meta   *meta      `json:"meta,omitempty"`
	Config *configRec `json:"config,omitempty"`
	Quota  *Quota     `json:"quota,omitempty"`
	Plugin *Plugin    `json:"plugin,omitempty"`
}

// configRec is a job config shared by tasks (version 2).
type configRec struct {
	Ref int       `json:"ref"`
	Job *spec.Job `json:"job"`
}

// taskRec is a task whose config may be written as a reference. Its
// Config field shadows the task's, so the config is not written twice.
type taskRec struct {
	*Task
	Config    *spec.Job `json:"config,omitempty"`
	ConfigRef int       `json:"config_ref,omitempty"`
}

// Snapshot is a point-in-time view of the store that can be written out
// while writes continue.
type Snapshot struct {
	txn *memdb.Txn
}

// Snapshot captures the current state.
func (s *Store) Snapshot() *Snapshot {
	return &Snapshot{txn: s.db.Load().Snapshot().Txn(false)}
}

// WriteTo streams the snapshot as a header and one JSON record per row.
func (sn *Snapshot) WriteTo(w io.Writer) (int64, error) {
	cw := &countingWriter{w: w}
	enc := json.NewEncoder(cw)
	if err := enc.Encode(snapshotHeader{Version: snapshotVersion}); err != nil {
		return cw.n, err
	}
	refs := map[*spec.Job]int{}
	for _, table := range []string{tableMeta, tableQuotas, tablePlugins, tableJobs, tableTasks} {
		it, err := sn.txn.Get(table, "id")
		if err != nil {
			return cw.n, err
		}
		for raw := it.Next(); raw != nil; raw = it.Next() {
			var r record
			switch v := raw.(type) {
			case *Job:
				r.Job = v
			case *meta:
				r.Meta = v
			case *Quota:
				r.Quota = v
			case *Plugin:
				r.Plugin = v
			case *Task:
				rec := &taskRec{Task: v}
				if v.Config != nil {
					ref, ok := refs[v.Config]
					if !ok {
						ref = len(refs) + 1
						refs[v.Config] = ref
						if err := enc.Encode(&record{Config: &configRec{Ref: ref, Job: v.Config}}); err != nil {
							return cw.n, fmt.Errorf("write snapshot: %w", err)
						}
					}
					rec.ConfigRef = ref
				}
				r.Task = rec
			}
			if err := enc.Encode(&r); err != nil {
				return cw.n, fmt.Errorf("write snapshot: %w", err)
			}
		}
	}
	return cw.n, nil
}

// Restore replaces the store's contents with a snapshot written by WriteTo
// of this or an older version. Decoding and inserting run side by side.
func (s *Store) Restore(r io.Reader) error {
	db, err := memdb.NewMemDB(schema())
	if err != nil {
		return err
	}
	dec := json.NewDecoder(bufio.NewReaderSize(r, 1<<20))
	var h snapshotHeader
	if err := dec.Decode(&h); err != nil {
		return fmt.Errorf("read snapshot header: %w", err)
	}
	if h.Version < 1 || h.Version > snapshotVersion {
		return fmt.Errorf("snapshot version %d is not supported by this binary (max %d)", h.Version, snapshotVersion)
	}
	records := make(chan []record, 16)
	decodeErr := make(chan error, 1)
	stop := make(chan struct{})
	go func() {
		defer close(records)
		const batch = 256
		buf := make([]record, 0, batch)
		for dec.More() {
			buf = append(buf, record{})
			if err := dec.Decode(&buf[len(buf)-1]); err != nil {
				decodeErr <- fmt.Errorf("read snapshot record: %w", err)
				return
			}
			if len(buf) == batch {
				select {
				case records <- buf:
				case <-stop:
					return
				}
				buf = make([]record, 0, batch)
			}
		}
		if len(buf) > 0 {
			select {
			case records <- buf:
			case <-stop:
			}
		}
	}()
	defer close(stop)

	txn := db.Txn(true)
	defer txn.Abort()
	configs := map[int]*spec.Job{}
	for batch := range records {
		for _, rec := range batch {
			if err := restoreRecord(txn, rec, configs); err != nil {
				return fmt.Errorf("restore snapshot: %w", err)
			}
		}
	}
	select {
	case err := <-decodeErr:
		return err
	default:
	}
	txn.Commit()
	s.db.Store(db)
	s.pluginWatch.fire()
	return nil
}

func restoreRecord(txn *memdb.Txn, rec record, configs map[int]*spec.Job) error {
	switch {
	case rec.Config != nil:
		configs[rec.Config.Ref] = rec.Config.Job
		return nil
	case rec.Job != nil:
		return txn.Insert(tableJobs, rec.Job)
	case rec.Task != nil:
		t := rec.Task.Task
		switch {
		case rec.Task.Config != nil: // version 1
			t.Config = rec.Task.Config
		case rec.Task.ConfigRef != 0:
			cfg, ok := configs[rec.Task.ConfigRef]
			if !ok {
				return fmt.Errorf("task %s refers to config %d, which the snapshot does not hold", t.ID, rec.Task.ConfigRef)
			}
			t.Config = cfg
		}
		return txn.Insert(tableTasks, t)
	case rec.Meta != nil:
		return txn.Insert(tableMeta, rec.Meta)
	case rec.Quota != nil:
		return txn.Insert(tableQuotas, rec.Quota)
	case rec.Plugin != nil:
		return txn.Insert(tablePlugins, rec.Plugin)
	}
	return nil
}

type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

// Dump writes the state in a canonical form (every task with its config
// inline, rows in index order), so two stores can be compared whatever
// configs they share.
func (s *Store) Dump(w io.Writer) error {
	txn := s.db.Load().Txn(false)
	enc := json.NewEncoder(w)
	for _, table := range []string{tableMeta, tableQuotas, tablePlugins, tableJobs, tableTasks} {
		it, err := txn.Get(table, "id")
		if err != nil {
			return err
		}
		for raw := it.Next(); raw != nil; raw = it.Next() {
			if err := enc.Encode(raw); err != nil {
				return err
			}
		}
	}
	return nil
}
