package taskstate

import "fmt"

// Effect is a side effect a transition asks the scheduler to carry out.
type Effect int

const (
	// Kill asks the scheduler to kill the task in Mesos.
	Kill Effect = iota + 1
	// Reschedule asks for a replacement task for the same instance.
	Reschedule
	// IncrementFailures counts a failure against the task.
	IncrementFailures
	// TransitionToLost moves the task on to LOST at once.
	TransitionToLost
	// Delete removes the task from the store.
	Delete
)

func (e Effect) String() string {
	switch e {
	case Kill:
		return "KILL"
	case Reschedule:
		return "RESCHEDULE"
	case IncrementFailures:
		return "INCREMENT_FAILURES"
	case TransitionToLost:
		return "TRANSITION_TO_LOST"
	case Delete:
		return "DELETE"
	}
	return fmt.Sprintf("Effect(%d)", int(e))
}

// Context is what a transition's side effects depend on besides the two
// states.
type Context struct {
	// Service is true for a service job: finished tasks restart.
	Service bool
	// EverKilling is true if the task was ever asked to stop (KILLING in
	// its events): a partitioned task that was being killed is not
	// rescheduled.
	EverKilling bool
}

// ErrIllegal is returned for a transition Aurora's state machine forbids.
type ErrIllegal struct{ From, To Status }

func (e *ErrIllegal) Error() string {
	return fmt.Sprintf("illegal task state transition %s -> %s", e.From, e.To)
}

// legal lists the statuses each status may move to.
var legal = map[Status][]Status{
	Init:        {Pending, Throttled},
	Pending:     {Assigned, Killing},
	Throttled:   {Pending, Killing},
	Assigned:    {Starting, Running, Finished, Failed, Restarting, Draining, Killed, Killing, Lost, Preempting},
	Starting:    {Running, Finished, Failed, Restarting, Draining, Killing, Killed, Lost, Preempting, Partitioned},
	Running:     {Finished, Restarting, Draining, Failed, Killing, Killed, Lost, Preempting, Partitioned},
	Partitioned: {Lost, Failed, Finished, Running, Assigned, Starting, Restarting, Draining, Preempting, Killing},
	Preempting:  {Finished, Failed, Killing, Killed, Lost, Partitioned},
	Restarting:  {Finished, Failed, Killing, Killed, Lost, Partitioned},
	Draining:    {Finished, Failed, Killing, Killed, Lost, Partitioned},
	Killing:     {Finished, Failed, Killed, Lost, Partitioned},
}

// Legal reports whether from may move to to.
func Legal(from, to Status) bool {
	for _, s := range legal[from] {
		if s == to {
			return true
		}
	}
	return false
}

// Transition validates from → to and returns the side effects Aurora
// attaches to it (reference aurora.md 3.2).
func Transition(from, to Status, c Context) ([]Effect, error) {
	if !Legal(from, to) {
		return nil, &ErrIllegal{From: from, To: to}
	}
	switch from {
	case Pending, Throttled:
		if to == Killing {
			return []Effect{Delete}, nil
		}
		return nil, nil
	case Assigned, Starting, Running:
		return fromLive(from, to, c), nil
	case Partitioned:
		switch to {
		case Lost:
			if c.EverKilling {
				return []Effect{Kill}, nil
			}
			return []Effect{Kill, Reschedule}, nil
		case Killing, Restarting, Draining, Preempting:
			return []Effect{TransitionToLost}, nil
		case Failed:
			return []Effect{IncrementFailures, Reschedule}, nil
		}
		return nil, nil
	case Preempting, Restarting, Draining:
		switch to {
		case Finished, Failed, Killed:
			return []Effect{Reschedule}, nil
		case Lost:
			return []Effect{Kill, Reschedule}, nil
		case Partitioned:
			return []Effect{TransitionToLost}, nil
		}
		// KILLING adds nothing: entering PREEMPTING, RESTARTING or
		// DRAINING already sent KILL (Aurora's manageRestartingTask).
		return nil, nil
	case Killing:
		if to == Partitioned {
			return []Effect{TransitionToLost}, nil
		}
		return nil, nil
	}
	return nil, nil
}

// fromLive covers ASSIGNED, STARTING and RUNNING, which share effects.
func fromLive(from, to Status, c Context) []Effect {
	switch to {
	case Finished:
		if c.Service {
			return []Effect{Reschedule}
		}
		return nil
	case Failed:
		return []Effect{IncrementFailures, Reschedule}
	case Preempting, Restarting, Draining, Killing:
		return []Effect{Kill}
	case Killed:
		return []Effect{Reschedule}
	case Lost:
		if from == Assigned {
			return []Effect{Reschedule, Kill}
		}
		return []Effect{Reschedule}
	}
	return nil
}

// Has reports whether effects contains e.
func Has(effects []Effect, e Effect) bool {
	for _, x := range effects {
		if x == e {
			return true
		}
	}
	return false
}
