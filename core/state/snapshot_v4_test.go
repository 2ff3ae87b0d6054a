package state

import (
	"encoding/json"
	"fmt"
	"io"

	"github.com/aurora-go/aurora/core/spec"
)

// writeV4 writes the snapshot as version 4 (JSON lines) did, so tests and
// benchmarks can check that this binary still reads it and compare.
func (sn *Snapshot) writeV4(w io.Writer) (int64, error) {
	cw := &countingWriter{w: w}
	enc := json.NewEncoder(cw)
	if err := enc.Encode(snapshotHeader{Version: 4}); err != nil {
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
