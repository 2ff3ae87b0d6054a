package state

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/hashicorp/go-msgpack/v2/codec"

	"github.com/aurora-go/aurora/core/spec"
)

// Version 3 of the log commands is binary for the commands that carry
// tasks, SaveTasks and CreateJob, and for Batch, which holds them under
// group commit. Decoding their JSON was most of what applying a log entry
// cost. An entry is
//
//	binaryEntry, type, uvarint version, payload
//
// where the payload of SaveTasks and CreateJob is a MessagePack binTasks:
// each distinct job config once, as JSON (spec.Job keeps its own
// encoding), and the tasks as the snapshot's wireTask rows referring to
// them; CreateJob's job is JSON as well. A Batch payload is a uvarint count
// and that many length-prefixed entries, each JSON or binary. Other
// commands stay JSON. JSON entries start with '{', so the first byte tells
// the two apart; a binary older than version 3 refuses binary entries
// rather than misreading them.
const (
	binaryEntry          = 0x01
	binaryCommandVersion = 3
)

// binTasks is the payload of SaveTasks and CreateJob in version 3.
type binTasks struct {
	_struct struct{} `codec:",toarray"`
	Job     []byte
	Configs [][]byte
	Tasks   []wireTask
}

// binaryForm reports whether c is encoded in binary.
func binaryForm(c Command) bool {
	switch c.(type) {
	case SaveTasks, CreateJob, Batch:
		return true
	}
	return false
}

// encodeBinary encodes c, one of the binaryForm commands.
func encodeBinary(c Command) ([]byte, error) {
	out := []byte{binaryEntry, byte(c.Type())}
	out = binary.AppendUvarint(out, binaryCommandVersion)
	switch v := c.(type) {
	case SaveTasks:
		return appendTasks(out, nil, v.Tasks)
	case CreateJob:
		job, err := json.Marshal(v.Job)
		if err != nil {
			return nil, fmt.Errorf("encode CreateJob: %w", err)
		}
		return appendTasks(out, job, v.Tasks)
	case Batch:
		out = binary.AppendUvarint(out, uint64(len(v.Commands)))
		for _, sub := range v.Commands {
			b, err := Encode(sub)
			if err != nil {
				return nil, err
			}
			out = binary.AppendUvarint(out, uint64(len(b)))
			out = append(out, b...)
		}
		return out, nil
	}
	return nil, fmt.Errorf("encode %T: no binary form", c)
}

// appendTasks appends the binTasks of tasks (and job) to out.
func appendTasks(out, job []byte, tasks []*Task) ([]byte, error) {
	payload := binTasks{Job: job, Tasks: make([]wireTask, len(tasks))}
	refs := map[*spec.Job]int{}
	for i, t := range tasks {
		ref := 0
		if t.Config != nil {
			var ok bool
			if ref, ok = refs[t.Config]; !ok {
				b, err := json.Marshal(t.Config)
				if err != nil {
					return nil, fmt.Errorf("encode the config of task %s: %w", t.ID, err)
				}
				payload.Configs = append(payload.Configs, b)
				ref = len(payload.Configs)
				refs[t.Config] = ref
			}
		}
		payload.Tasks[i], _ = toWireTask(t, ref, nil)
	}
	var body []byte // the encoder writes from the start of its slice
	if err := codec.NewEncoderBytes(&body, msgpackHandle).Encode(&payload); err != nil {
		return nil, fmt.Errorf("encode tasks: %w", err)
	}
	return append(out, body...), nil
}

// decodeBinary decodes an entry written by encodeBinary.
func decodeBinary(data []byte) (Command, error) {
	if len(data) < 3 || data[0] != binaryEntry {
		return nil, errors.New("decode command: not a binary entry")
	}
	typ := CommandType(data[1])
	version, n := binary.Uvarint(data[2:])
	if n <= 0 {
		return nil, errors.New("decode command: bad binary version")
	}
	if version != binaryCommandVersion {
		return nil, fmt.Errorf("binary command version %d is not supported by this binary (reads %d)", version, binaryCommandVersion)
	}
	payload := data[2+n:]
	switch typ {
	case CmdSaveTasks:
		_, tasks, err := decodeTasksPayload(payload, false)
		if err != nil {
			return nil, err
		}
		return SaveTasks{Tasks: tasks}, nil
	case CmdCreateJob:
		job, tasks, err := decodeTasksPayload(payload, true)
		if err != nil {
			return nil, err
		}
		return CreateJob{Job: job, Tasks: tasks}, nil
	case CmdBatch:
		count, n := binary.Uvarint(payload)
		if n <= 0 || count > uint64(len(payload)) {
			return nil, errors.New("decode batch: bad command count")
		}
		payload = payload[n:]
		b := Batch{Commands: make([]Command, 0, count)}
		for i := uint64(0); i < count; i++ {
			size, n := binary.Uvarint(payload)
			if n <= 0 || size > uint64(len(payload)-n) {
				return nil, fmt.Errorf("decode batch: command %d is cut off", i)
			}
			sub, err := Decode(payload[n : n+int(size)])
			if err != nil {
				return nil, err
			}
			b.Commands = append(b.Commands, sub)
			payload = payload[n+int(size):]
		}
		if len(payload) != 0 {
			return nil, fmt.Errorf("decode batch: %d bytes after its commands", len(payload))
		}
		return b, nil
	}
	return nil, fmt.Errorf("decode command: type %d has no binary form", typ)
}

// decodeTasksPayload decodes a binTasks: each config once, shared by its
// tasks, and with withJob the job.
func decodeTasksPayload(payload []byte, withJob bool) (*Job, []*Task, error) {
	var p binTasks
	if err := codec.NewDecoderBytes(payload, msgpackHandle).Decode(&p); err != nil {
		return nil, nil, fmt.Errorf("decode tasks: %w", err)
	}
	var job *Job
	if withJob {
		job = new(Job)
		if err := json.Unmarshal(p.Job, job); err != nil {
			return nil, nil, fmt.Errorf("decode job: %w", err)
		}
	}
	configs := make(map[int]*spec.Job, len(p.Configs))
	for i, b := range p.Configs {
		cfg, err := decodedConfigs.decode(b)
		if err != nil {
			return nil, nil, fmt.Errorf("decode config %d: %w", i+1, err)
		}
		configs[i+1] = cfg
	}
	var tasks []*Task
	if p.Tasks != nil {
		tasks = make([]*Task, len(p.Tasks))
	}
	for i := range p.Tasks {
		t, err := p.Tasks[i].task(configs)
		if err != nil {
			return nil, nil, err
		}
		tasks[i] = t
	}
	return job, tasks, nil
}
