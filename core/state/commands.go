package state

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
)

// CommandType names a kind of change to the state.
type CommandType uint8

// Command types. Never renumber: the log holds them.
const (
	CmdCreateJob   CommandType = 1
	CmdSaveTasks   CommandType = 2
	CmdDeleteTasks CommandType = 3
	CmdDeleteJob   CommandType = 4
	CmdSetMeta     CommandType = 5
	CmdBatch       CommandType = 6
	CmdSetQuota    CommandType = 7
	CmdSaveJob     CommandType = 8
	// Plugin catalog commands (plugins.go).
	CmdPutPlugin      CommandType = 9
	CmdSetPluginState CommandType = 10
	CmdPinPlugin      CommandType = 11
	CmdDeletePlugin   CommandType = 12
)

// commandVersion is written into every encoded command. Bump it when a
// payload changes shape, and keep Decode reading the old versions:
//   - 1: the first format;
//   - 2: SaveTasks and CreateJob list each distinct job configuration once
//     and tasks refer to it (tasks_codec.go). A version-1 binary would read
//     such tasks without their configuration, so it refuses version 2.
//   - 3: SaveTasks, CreateJob and Batch are binary (commands_binary.go,
//     binaryCommandVersion); the other commands are still JSON of version 2.
const commandVersion = 2

// Command is one change to the state; it is one raft log entry.
type Command interface {
	Type() CommandType
}

// CreateJob adds a job and its first tasks. It fails if the job exists.
type CreateJob struct {
	Job   *Job    `json:"job"`
	Tasks []*Task `json:"tasks"`
}

// SaveTasks inserts or replaces tasks by id.
type SaveTasks struct {
	Tasks []*Task `json:"tasks"`
}

// DeleteTasks removes tasks by id; unknown ids are ignored.
type DeleteTasks struct {
	IDs []string `json:"ids"`
}

// DeleteJob removes a job's configuration; its tasks are left alone.
type DeleteJob struct {
	Key string `json:"key"`
}

// SetMeta stores a small key/value pair, such as the framework id.
type SetMeta struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

// SetQuota sets a role's quota, replacing the one it had.
type SetQuota struct {
	Quota *Quota `json:"quota"`
}

// SaveJob inserts or replaces a job's configuration (its tasks are left
// alone), as when instances are added to it.
type SaveJob struct {
	Job *Job `json:"job"`
}

// Batch applies several commands atomically, in order.
type Batch struct {
	Commands []Command `json:"-"`
}

func (CreateJob) Type() CommandType   { return CmdCreateJob }
func (SaveTasks) Type() CommandType   { return CmdSaveTasks }
func (DeleteTasks) Type() CommandType { return CmdDeleteTasks }
func (DeleteJob) Type() CommandType   { return CmdDeleteJob }
func (SetMeta) Type() CommandType     { return CmdSetMeta }
func (Batch) Type() CommandType       { return CmdBatch }
func (SetQuota) Type() CommandType    { return CmdSetQuota }
func (SaveJob) Type() CommandType     { return CmdSaveJob }

// ErrJobExists is returned by CreateJob for a job that is already known.
var ErrJobExists = errors.New("job already exists")

// envelope is the encoded form of a command: its type, the version of its
// payload and the payload.
type envelope struct {
	Type    CommandType       `json:"t"`
	Version int               `json:"v"`
	Payload json.RawMessage   `json:"p,omitempty"`
	Batch   []json.RawMessage `json:"b,omitempty"`
}

// Encode serializes a command for the log: the commands that carry tasks
// in binary (commands_binary.go), the others as JSON.
func Encode(c Command) ([]byte, error) {
	if binaryForm(c) {
		return encodeBinary(c)
	}
	if _, batch := c.(Batch); !batch {
		// The envelope written by hand: json.Marshal would scan the
		// payload again to compact it. Same bytes.
		p, err := marshalPayload(c)
		if err != nil {
			return nil, fmt.Errorf("encode %T: %w", c, err)
		}
		out := make([]byte, 0, len(p)+32)
		out = append(out, `{"t":`...)
		out = strconv.AppendInt(out, int64(c.Type()), 10)
		out = append(out, `,"v":`...)
		out = strconv.AppendInt(out, commandVersion, 10)
		out = append(out, `,"p":`...)
		out = append(out, p...)
		return append(out, '}'), nil
	}
	env, err := toEnvelope(c)
	if err != nil {
		return nil, err
	}
	return json.Marshal(env)
}

func toEnvelope(c Command) (*envelope, error) {
	env := &envelope{Type: c.Type(), Version: commandVersion}
	if b, ok := c.(Batch); ok {
		for _, sub := range b.Commands {
			raw, err := Encode(sub)
			if err != nil {
				return nil, err
			}
			env.Batch = append(env.Batch, raw)
		}
		return env, nil
	}
	p, err := marshalPayload(c)
	if err != nil {
		return nil, fmt.Errorf("encode %T: %w", c, err)
	}
	env.Payload = p
	return env, nil
}

// marshalPayload encodes a command's payload. A command with its own
// MarshalJSON (which returns compact JSON) is called directly: through
// json.Marshal its output would be scanned and copied once more.
func marshalPayload(c Command) ([]byte, error) {
	if m, ok := c.(json.Marshaler); ok {
		return m.MarshalJSON()
	}
	return json.Marshal(c)
}

// Decode reads a command written by Encode of this or an older version.
func Decode(data []byte) (Command, error) {
	if len(data) > 0 && data[0] == binaryEntry {
		return decodeBinary(data)
	}
	var env envelope
	if !splitEnvelope(data, &env) {
		if err := json.Unmarshal(data, &env); err != nil {
			return nil, fmt.Errorf("decode command: %w", err)
		}
	}
	if env.Version < 1 || env.Version > commandVersion {
		return nil, fmt.Errorf("command version %d is not supported by this binary (max %d)", env.Version, commandVersion)
	}
	var c Command
	switch env.Type {
	case CmdCreateJob:
		c = &CreateJob{}
	case CmdSaveTasks:
		c = &SaveTasks{}
	case CmdDeleteTasks:
		c = &DeleteTasks{}
	case CmdDeleteJob:
		c = &DeleteJob{}
	case CmdSetMeta:
		c = &SetMeta{}
	case CmdSetQuota:
		c = &SetQuota{}
	case CmdSaveJob:
		c = &SaveJob{}
	case CmdPutPlugin:
		c = &PutPlugin{}
	case CmdSetPluginState:
		c = &SetPluginState{}
	case CmdPinPlugin:
		c = &PinPlugin{}
	case CmdDeletePlugin:
		c = &DeletePlugin{}
	case CmdBatch:
		var b Batch
		for _, raw := range env.Batch {
			sub, err := Decode(raw)
			if err != nil {
				return nil, err
			}
			b.Commands = append(b.Commands, sub)
		}
		return b, nil
	default:
		return nil, fmt.Errorf("unknown command type %d", env.Type)
	}
	var err error
	if u, ok := c.(json.Unmarshaler); ok {
		// Its UnmarshalJSON checks the payload; json.Unmarshal would
		// scan it once more first.
		err = u.UnmarshalJSON(env.Payload)
	} else {
		err = json.Unmarshal(env.Payload, c)
	}
	if err != nil {
		return nil, fmt.Errorf("decode command type %d: %w", env.Type, err)
	}
	return deref(c), nil
}

// splitEnvelope reads an envelope in the exact form Encode writes for a
// single command, {"t":T,"v":V,"p":PAYLOAD}, without scanning the payload
// (its decoding checks it). Anything else is left to json.Unmarshal.
func splitEnvelope(data []byte, env *envelope) bool {
	rest, ok := bytes.CutPrefix(data, []byte(`{"t":`))
	if !ok {
		return false
	}
	t, rest, ok := cutInt(rest, `,"v":`)
	if !ok || t < 0 || t > 255 {
		return false
	}
	v, rest, ok := cutInt(rest, `,"p":`)
	if !ok || len(rest) < 2 || rest[len(rest)-1] != '}' {
		return false
	}
	env.Type, env.Version, env.Payload = CommandType(t), v, rest[:len(rest)-1]
	return true
}

// cutInt reads a decimal integer followed by sep.
func cutInt(b []byte, sep string) (int, []byte, bool) {
	i := bytes.Index(b, []byte(sep))
	if i <= 0 || i > 9 {
		return 0, nil, false
	}
	n, err := strconv.Atoi(string(b[:i]))
	if err != nil {
		return 0, nil, false
	}
	return n, b[i+len(sep):], true
}

// deref turns the pointer Decode filled back into the value form callers
// construct, so type switches see one shape.
func deref(c Command) Command {
	switch v := c.(type) {
	case *CreateJob:
		return *v
	case *SaveTasks:
		return *v
	case *DeleteTasks:
		return *v
	case *DeleteJob:
		return *v
	case *SetMeta:
		return *v
	case *SetQuota:
		return *v
	case *SaveJob:
		return *v
	case *PutPlugin:
		return *v
	case *SetPluginState:
		return *v
	case *PinPlugin:
		return *v
	case *DeletePlugin:
		return *v
	}
	return c
}
