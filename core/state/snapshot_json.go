package state

import (
	"encoding/json"
	"fmt"
	"io"

	memdb "github.com/hashicorp/go-memdb"

	"github.com/aurora-go/aurora/core/spec"
)

// Versions 1 to 4 of the snapshot format are JSON lines after the header.
// This binary writes version 5 (snapshot.go) and reads these.

// record is one row of a JSON snapshot: exactly one field is set.
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

// restoreJSON reads the records of a version 1-4 snapshot, whose header
// has been read, into txn. Decoding and inserting run side by side.
func restoreJSON(txn *memdb.Txn, r io.Reader) error {
	dec := json.NewDecoder(r)
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
