package state

import (
	"encoding/json"
	"fmt"
	"io"

	memdb "github.com/hashicorp/go-memdb"
)

// snapshotVersion is written at the head of every snapshot.
const snapshotVersion = 1

// snapshotHeader precedes the records of a snapshot.
type snapshotHeader struct {
	Version int `json:"version"`
}

// record is one row of a snapshot: exactly one field is set.
type record struct {
	Job  *Job  `json:"job,omitempty"`
	Task *Task `json:"task,omitempty"`
	Meta *meta `json:"meta,omitempty"`
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
	for _, table := range []string{tableMeta, tableJobs, tableTasks} {
		it, err := sn.txn.Get(table, "id")
		if err != nil {
			return cw.n, err
		}
		for raw := it.Next(); raw != nil; raw = it.Next() {
			var r record
			switch v := raw.(type) {
			case *Job:
				r.Job = v
			case *Task:
				r.Task = v
			case *meta:
				r.Meta = v
			}
			if err := enc.Encode(&r); err != nil {
				return cw.n, fmt.Errorf("write snapshot: %w", err)
			}
		}
	}
	return cw.n, nil
}

// Restore replaces the store's contents with a snapshot written by WriteTo.
func (s *Store) Restore(r io.Reader) error {
	db, err := memdb.NewMemDB(schema())
	if err != nil {
		return err
	}
	dec := json.NewDecoder(r)
	var h snapshotHeader
	if err := dec.Decode(&h); err != nil {
		return fmt.Errorf("read snapshot header: %w", err)
	}
	if h.Version < 1 || h.Version > snapshotVersion {
		return fmt.Errorf("snapshot version %d is not supported by this binary (max %d)", h.Version, snapshotVersion)
	}
	txn := db.Txn(true)
	defer txn.Abort()
	for dec.More() {
		var rec record
		if err := dec.Decode(&rec); err != nil {
			return fmt.Errorf("read snapshot record: %w", err)
		}
		switch {
		case rec.Job != nil:
			err = txn.Insert(tableJobs, rec.Job)
		case rec.Task != nil:
			err = txn.Insert(tableTasks, rec.Task)
		case rec.Meta != nil:
			err = txn.Insert(tableMeta, rec.Meta)
		}
		if err != nil {
			return fmt.Errorf("restore snapshot: %w", err)
		}
	}
	txn.Commit()
	s.db.Store(db)
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
