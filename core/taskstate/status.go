package taskstate

import (
	"encoding/json"
	"fmt"
)

// Status is an Aurora ScheduleStatus.
type Status int

// The statuses, numbered as in Aurora's Thrift API.
const (
	Pending     Status = 0
	Starting    Status = 1
	Running     Status = 2
	Finished    Status = 3
	Failed      Status = 4
	Killed      Status = 5
	Killing     Status = 6
	Lost        Status = 7
	Assigned    Status = 9
	Init        Status = 11
	Restarting  Status = 12
	Preempting  Status = 13
	Throttled   Status = 16
	Draining    Status = 17
	Partitioned Status = 18
)

var names = map[Status]string{
	Pending: "PENDING", Starting: "STARTING", Running: "RUNNING", Finished: "FINISHED",
	Failed: "FAILED", Killed: "KILLED", Killing: "KILLING", Lost: "LOST", Assigned: "ASSIGNED",
	Init: "INIT", Restarting: "RESTARTING", Preempting: "PREEMPTING", Throttled: "THROTTLED",
	Draining: "DRAINING", Partitioned: "PARTITIONED",
}

func (s Status) String() string {
	if n, ok := names[s]; ok {
		return n
	}
	return fmt.Sprintf("Status(%d)", int(s))
}

// ParseStatus reads a status name such as "RUNNING".
func ParseStatus(name string) (Status, error) {
	for s, n := range names {
		if n == name {
			return s, nil
		}
	}
	return 0, fmt.Errorf("unknown task status %q", name)
}

// MarshalJSON writes the status by name.
func (s Status) MarshalJSON() ([]byte, error) { return json.Marshal(s.String()) }

// UnmarshalJSON reads a status name.
func (s *Status) UnmarshalJSON(b []byte) error {
	var n string
	if err := json.Unmarshal(b, &n); err != nil {
		return fmt.Errorf("task status must be a string: %w", err)
	}
	v, err := ParseStatus(n)
	if err != nil {
		return err
	}
	*s = v
	return nil
}

// Terminal reports whether the task is over: FINISHED, FAILED, KILLED or LOST.
func (s Status) Terminal() bool {
	switch s {
	case Finished, Failed, Killed, Lost:
		return true
	}
	return false
}

// Active reports whether the task still counts against its job: every
// status but INIT and the terminal ones.
func (s Status) Active() bool { return s != Init && !s.Terminal() }

// OnAgent reports whether the task has been given to an agent (Aurora's
// SLAVE_ASSIGNED_STATES): active, and neither PENDING nor THROTTLED.
func (s Status) OnAgent() bool { return s.Active() && s != Pending && s != Throttled }
