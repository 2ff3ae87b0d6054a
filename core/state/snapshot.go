package state

import (
	"bufio"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"runtime/debug"
	"sync"
	"time"

	memdb "github.com/hashicorp/go-memdb"
	"github.com/hashicorp/go-msgpack/v2/codec"

	"github.com/aurora-go/aurora/core/spec"
	"github.com/aurora-go/aurora/core/taskstate"
)

// snapshotVersion is written at the head of every snapshot. Restore reads
// every version up to it:
//   - 1: one JSON record per row, each task with its whole job config;
//   - 2: as 1, but each distinct job config is written once, before the
//     first task that uses it, and tasks refer to it by number;
//   - 3: as 2, plus one record per role quota. (A binary that reads only
//     version 2 refuses it rather than dropping the quotas.)
//   - 4: as 3, plus one record per plugin catalog entry.
//   - 5: the rows of 4 in MessagePack instead of JSON lines: after the
//     JSON header line come blocks of records (blockSize), each record a
//     kind (one of the rec* constants) followed by its body. Tasks are
//     wireTask arrays; the rarer rows (meta, quotas, plugins, jobs, and
//     each distinct job config, written once before the first task that
//     refers to it) are their JSON encoding as a byte string, so the job
//     spec keeps its own encoding.
//     The snapshot ends with recEnd and the number of rows before it, so a
//     cut-off snapshot is refused instead of restoring part of the state.
const snapshotVersion = 5

// snapshotHeader precedes the records of a snapshot: one JSON line.
type snapshotHeader struct {
	Version int `json:"version"`
}

// Version 5 records are written in blocks: a block is its length as a
// uvarint, then that many bytes of whole records. A reader decodes a block
// from memory, which is much faster than decoding a stream.
const (
	blockSize    = 64 << 10 // a block is flushed once it holds this much
	maxBlockSize = 64 << 20 // a longer length means a damaged snapshot
)

// Kinds of version 5 records. Never renumber.
const (
	recEnd    = 0 // followed by the number of records before it
	recMeta   = 1 // followed by a JSON meta row
	recQuota  = 2 // followed by a JSON Quota
	recPlugin = 3 // followed by a JSON Plugin
	recJob    = 4 // followed by a JSON Job
	recConfig = 5 // followed by a configRef and a JSON spec.Job
	recTask   = 6 // followed by a wireTask
)

// zeroSec is time.Time{}.Unix().
var zeroSec = time.Time{}.Unix()

func toWireTime(t time.Time) wireTime {
	if t.IsZero() {
		return wireTime{Sec: zeroSec}
	}
	_, off := t.Zone()
	return wireTime{Sec: t.Unix(), Nsec: int32(t.Nanosecond()), Offset: int32(off)}
}

// fromWire returns the time as decoding its RFC 3339 form would: UTC for
// a zero offset, Local when the offset is the local one, else a fixed zone.
func (w wireTime) fromWire() time.Time {
	if w.Sec == zeroSec && w.Nsec == 0 {
		return time.Time{}
	}
	t := time.Unix(w.Sec, int64(w.Nsec))
	if w.Offset == 0 {
		return t.UTC()
	}
	if _, off := t.Zone(); off == int(w.Offset) {
		return t
	}
	return t.In(time.FixedZone("", int(w.Offset)))
}

// msgpackHandle configures the version 5 codec. Set up once, then only read.
var msgpackHandle = func() *codec.MsgpackHandle {
	h := &codec.MsgpackHandle{}
	h.WriteExt = true // byte strings as bin, strings as str (the current spec)
	return h
}()

// Snapshot is a point-in-time view of the store that can be written out
// while writes continue.
type Snapshot struct {
	txn *memdb.Txn
}

// Snapshot captures the current state.
func (s *Store) Snapshot() *Snapshot {
	return &Snapshot{txn: s.db.Load().Snapshot().Txn(false)}
}

// WriteTo streams the snapshot in the current version: a JSON header line,
// then one MessagePack record per row, through a buffer.
func (sn *Snapshot) WriteTo(w io.Writer) (int64, error) {
	cw := &countingWriter{w: w}
	bw := bufio.NewWriterSize(cw, 1<<20)
	if err := json.NewEncoder(bw).Encode(snapshotHeader{Version: snapshotVersion}); err != nil {
		return cw.n, err
	}
	var (
		rows  int
		wt    wireTask
		evs   []wireEvent
		refs  = map[*spec.Job]int{}
		block = make([]byte, 0, 2*blockSize)
		head  [binary.MaxVarintLen64]byte
	)
	enc := codec.NewEncoderBytes(&block, msgpackHandle)
	// flush writes the records encoded so far as one block.
	flush := func() error {
		if _, err := bw.Write(head[:binary.PutUvarint(head[:], uint64(len(block)))]); err != nil {
			return err
		}
		if _, err := bw.Write(block); err != nil {
			return err
		}
		block = block[:0]
		enc.ResetBytes(&block)
		return nil
	}
	put := func(kind int, v interface{}) error {
		if len(block) >= blockSize {
			if err := flush(); err != nil {
				return err
			}
		}
		rows++
		if err := enc.Encode(kind); err != nil {
			return err
		}
		return enc.Encode(v)
	}
	putJSON := func(kind int, v interface{}) error {
		b, err := json.Marshal(v)
		if err != nil {
			return err
		}
		return put(kind, b)
	}
	for _, table := range []string{tableMeta, tableQuotas, tablePlugins, tableJobs, tableTasks} {
		it, err := sn.txn.Get(table, "id")
		if err != nil {
			return cw.n, err
		}
		for raw := it.Next(); raw != nil; raw = it.Next() {
			switch v := raw.(type) {
			case *meta:
				err = putJSON(recMeta, v)
			case *Quota:
				err = putJSON(recQuota, v)
			case *Plugin:
				err = putJSON(recPlugin, v)
			case *Job:
				err = putJSON(recJob, v)
			case *Task:
				ref := 0
				if v.Config != nil {
					var ok bool
					if ref, ok = refs[v.Config]; !ok {
						ref = len(refs) + 1
						refs[v.Config] = ref
						b, err := json.Marshal(v.Config)
						if err != nil {
							return cw.n, fmt.Errorf("write snapshot: %w", err)
						}
						if err := put(recConfig, ref); err != nil {
							return cw.n, fmt.Errorf("write snapshot: %w", err)
						}
						if err := enc.Encode(b); err != nil {
							return cw.n, fmt.Errorf("write snapshot: %w", err)
						}
					}
				}
				wt, evs = toWireTask(v, ref, evs[:0])
				err = put(recTask, &wt)
			default:
				err = fmt.Errorf("unexpected row %T in table %s", raw, table)
			}
			if err != nil {
				return cw.n, fmt.Errorf("write snapshot: %w", err)
			}
		}
	}
	if err := put(recEnd, rows); err != nil {
		return cw.n, fmt.Errorf("write snapshot: %w", err)
	}
	if err := flush(); err != nil {
		return cw.n, fmt.Errorf("write snapshot: %w", err)
	}
	if err := bw.Flush(); err != nil {
		return cw.n, fmt.Errorf("write snapshot: %w", err)
	}
	return cw.n, nil
}

// Restore replaces the store's contents with a snapshot written by WriteTo
// of this or an older version. The new contents are built in a fresh
// database, in one transaction, and swapped in whole: readers see the old
// state or the new, and a snapshot that cannot be read changes nothing.
func (s *Store) Restore(r io.Reader) error {
	db, err := memdb.NewMemDB(schema())
	if err != nil {
		return err
	}
	br := bufio.NewReaderSize(r, 1<<20)
	line, err := br.ReadBytes('\n')
	if err != nil && !(errors.Is(err, io.EOF) && len(line) > 0) {
		return fmt.Errorf("read snapshot header: %w", err)
	}
	var h snapshotHeader
	if err := json.Unmarshal(line, &h); err != nil {
		return fmt.Errorf("read snapshot header: %w", err)
	}
	if h.Version < 1 || h.Version > snapshotVersion {
		return fmt.Errorf("snapshot version %d is not supported by this binary (max %d)", h.Version, snapshotVersion)
	}
	txn := db.Txn(true)
	defer txn.Abort()
	if h.Version < 5 {
		err = restoreJSON(txn, br)
	} else {
		err = func() error {
			defer pauseGC()()
			return restoreV5(txn, br)
		}()
	}
	if err != nil {
		return err
	}
	txn.Commit()
	s.db.Store(db)
	s.pluginWatch.fire()
	return nil
}

// A restore allocates the whole new state, and nearly all of it lives on:
// a collection during it finds almost no garbage, yet marks the old state
// and the new, and while it marks, the inserts' pointer writes go through
// the write barrier. On 100k tasks, restores with the collector off took
// about two thirds of the time (BenchmarkSnapshotRestore with GOGC=off,
// interleaved with runs at the default). So the collector is paused while
// a version 5 restore runs (its decoding makes little garbage, unlike the
// JSON of older versions) and resumed after with the setting it had; a
// memory limit (GOMEMLIMIT, debug.SetMemoryLimit) still triggers
// collections. Restores running at once share one pause.
var gcPause struct {
	sync.Mutex
	n       int
	percent int
}

// pauseGC pauses garbage collection and returns the func that resumes it.
func pauseGC() (resume func()) {
	gcPause.Lock()
	if gcPause.n == 0 {
		gcPause.percent = debug.SetGCPercent(-1)
	}
	gcPause.n++
	gcPause.Unlock()
	return func() {
		gcPause.Lock()
		gcPause.n--
		if gcPause.n == 0 {
			debug.SetGCPercent(gcPause.percent)
		}
		gcPause.Unlock()
	}
}

// row is a decoded row and the table it goes to.
type row struct {
	table string
	obj   interface{}
}

// restoreV5 reads the records of a version 5 snapshot into txn: one
// goroutine decodes rows into batches while this one inserts them.
func restoreV5(txn *memdb.Txn, r io.Reader) error {
	const batchSize = 512
	batches := make(chan []row, 8)
	decodeErr := make(chan error, 1)
	stop := make(chan struct{})
	go func() {
		defer close(batches)
		err := decodeV5(r, batchSize, func(b []row) bool {
			select {
			case batches <- b:
				return true
			case <-stop:
				return false
			}
		})
		decodeErr <- err
	}()
	defer close(stop)
	for b := range batches {
		for _, rw := range b {
			if err := txn.Insert(rw.table, rw.obj); err != nil {
				return fmt.Errorf("restore snapshot: %w", err)
			}
		}
	}
	return <-decodeErr
}

// decodeV5 decodes rows and hands them to emit in batches; it stops when
// emit returns false.
func decodeV5(r io.Reader, batchSize int, emit func([]row) bool) error {
	br, ok := r.(io.ByteReader)
	if !ok {
		br = bufio.NewReader(r)
		r = br.(io.Reader)
	}
	dec := codec.NewDecoderBytes([]byte{}, msgpackHandle)
	configs := map[int]*spec.Job{}
	batch := make([]row, 0, batchSize)
	var (
		kind, rows int
		body       []byte
		wt         wireTask
		block      []byte
	)
	// next reads the next block when the decoder has used up this one.
	next := func() error {
		if dec.NumBytesRead() < len(block) {
			return nil
		}
		n, err := binary.ReadUvarint(br)
		if errors.Is(err, io.EOF) {
			return errors.New("read snapshot: the snapshot ends before its end record")
		}
		if err != nil {
			return fmt.Errorf("read snapshot block: %w", err)
		}
		if n == 0 || n > maxBlockSize {
			return fmt.Errorf("read snapshot block: bad block length %d", n)
		}
		if uint64(cap(block)) < n {
			block = make([]byte, n)
		}
		block = block[:n]
		if _, err := io.ReadFull(r, block); err != nil {
			return fmt.Errorf("read snapshot block: %w", err)
		}
		dec.ResetBytes(block)
		return nil
	}
	decodeJSON := func(v interface{}) error {
		body = body[:0]
		if err := dec.Decode(&body); err != nil {
			return err
		}
		return json.Unmarshal(body, v)
	}
	for {
		if err := next(); err != nil {
			return err
		}
		kind = -1
		if err := dec.Decode(&kind); err != nil {
			return fmt.Errorf("read snapshot record: %w", err)
		}
		var (
			rw  row
			err error
		)
		switch kind {
		case recEnd:
			var n int
			if err := dec.Decode(&n); err != nil {
				return fmt.Errorf("read snapshot end: %w", err)
			}
			if n != rows {
				return fmt.Errorf("read snapshot: the end record counts %d records, the snapshot holds %d", n, rows)
			}
			if len(batch) > 0 && !emit(batch) {
				return nil
			}
			return nil
		case recMeta:
			m := new(meta)
			rw, err = row{tableMeta, m}, decodeJSON(m)
		case recQuota:
			q := new(Quota)
			rw, err = row{tableQuotas, q}, decodeJSON(q)
		case recPlugin:
			p := new(Plugin)
			rw, err = row{tablePlugins, p}, decodeJSON(p)
		case recJob:
			j := new(Job)
			rw, err = row{tableJobs, j}, decodeJSON(j)
		case recConfig:
			var ref int
			if err = dec.Decode(&ref); err == nil {
				cfg := new(spec.Job)
				if err = decodeJSON(cfg); err == nil {
					configs[ref] = cfg
				}
			}
		case recTask:
			wt = wireTask{}
			if err = dec.Decode(&wt); err == nil {
				var t *Task
				if t, err = wt.task(configs); err == nil {
					rw = row{tableTasks, t}
				}
			}
		default:
			err = fmt.Errorf("unknown record kind %d", kind)
		}
		if err != nil {
			return fmt.Errorf("read snapshot record %d: %w", rows+1, err)
		}
		rows++
		if rw.obj == nil {
			continue
		}
		batch = append(batch, rw)
		if len(batch) == batchSize {
			if !emit(batch) {
				return nil
			}
			batch = make([]row, 0, batchSize)
		}
	}
}

// toWireTask converts t, whose config is number ref (0: none), appending
// its events to evs, which it returns for reuse.
func toWireTask(t *Task, ref int, evs []wireEvent) (wireTask, []wireEvent) {
	for _, e := range t.Events {
		evs = append(evs, wireEvent{Time: toWireTime(e.Time), Status: int(e.Status), Message: e.Message})
	}
	wt := wireTask{
		ID: t.ID, JobKey: t.JobKey, Instance: t.Instance, Status: int(t.Status), FailureCount: t.FailureCount,
		AncestorID: t.AncestorID, AgentID: t.AgentID, Host: t.Host, Ports: t.Ports, Sandbox: t.Sandbox,
		PenaltyUntil: toWireTime(t.PenaltyUntil), ConfigRef: ref,
	}
	if t.Events != nil {
		if evs == nil {
			evs = []wireEvent{} // empty, not absent
		}
		wt.Events = evs
	}
	return wt, evs
}

// task converts a decoded wireTask, resolving its config reference.
func (w *wireTask) task(configs map[int]*spec.Job) (*Task, error) {
	t := &Task{
		ID: w.ID, JobKey: w.JobKey, Instance: w.Instance, Status: taskstate.Status(w.Status), FailureCount: w.FailureCount,
		AncestorID: w.AncestorID, AgentID: w.AgentID, Host: w.Host, Sandbox: w.Sandbox,
		PenaltyUntil: w.PenaltyUntil.fromWire(),
	}
	if len(w.Ports) > 0 { // as JSON's omitempty left it
		t.Ports = w.Ports
	}
	if w.Events != nil {
		t.Events = make([]Event, len(w.Events))
		for i, e := range w.Events {
			t.Events[i] = Event{Time: e.Time.fromWire(), Status: taskstate.Status(e.Status), Message: e.Message}
		}
	}
	if w.ConfigRef != 0 {
		cfg, ok := configs[w.ConfigRef]
		if !ok {
			return nil, fmt.Errorf("task %s refers to config %d, which the snapshot does not hold", w.ID, w.ConfigRef)
		}
		t.Config = cfg
	}
	return t, nil
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
