package taskstate

import (
	"errors"
	"reflect"
	"sort"
	"testing"
)

// allStatuses is every status Aurora persists.
var allStatuses = []Status{
	Init, Throttled, Pending, Assigned, Starting, Running, Finished, Preempting,
	Restarting, Draining, Failed, Killed, Killing, Lost, Partitioned,
}

// e is shorthand for an effect list in the tables below.
func e(effects ...Effect) []Effect { return effects }

// auroraTable is Aurora's TaskStateMachine (reference aurora.md 3.2), written
// out independently of the implementation: every legal transition and its
// side effects for a batch task that was never KILLING. Transitions missing
// here are illegal. Context-dependent effects are covered separately.
var auroraTable = map[Status]map[Status][]Effect{
	Init:      {Pending: nil, Throttled: nil},
	Pending:   {Assigned: nil, Killing: e(Delete)},
	Throttled: {Pending: nil, Killing: e(Delete)},
	Assigned: {
		Starting: nil, Running: nil,
		Finished:   nil, // batch: no reschedule
		Failed:     e(IncrementFailures, Reschedule),
		Restarting: e(Kill), Draining: e(Kill), Preempting: e(Kill), Killing: e(Kill),
		Killed: e(Reschedule),
		Lost:   e(Reschedule, Kill),
	},
	Starting: {
		Running:    nil,
		Finished:   nil,
		Failed:     e(IncrementFailures, Reschedule),
		Restarting: e(Kill), Draining: e(Kill), Preempting: e(Kill), Killing: e(Kill),
		Killed:      e(Reschedule),
		Lost:        e(Reschedule), // LOST only reschedules once past ASSIGNED
		Partitioned: nil,
	},
	Running: {
		Finished:   nil,
		Failed:     e(IncrementFailures, Reschedule),
		Restarting: e(Kill), Draining: e(Kill), Preempting: e(Kill), Killing: e(Kill),
		Killed:      e(Reschedule),
		Lost:        e(Reschedule),
		Partitioned: nil,
	},
	Partitioned: {
		Lost:     e(Kill, Reschedule),
		Failed:   e(IncrementFailures, Reschedule),
		Finished: nil,
		Running:  nil, Assigned: nil, Starting: nil,
		Restarting: e(TransitionToLost), Draining: e(TransitionToLost),
		Preempting: e(TransitionToLost), Killing: e(TransitionToLost),
	},
	Preempting: restartingLike(),
	Restarting: restartingLike(),
	Draining:   restartingLike(),
	Killing: {
		Finished: nil, Failed: nil, Killed: nil, Lost: nil,
		Partitioned: e(TransitionToLost),
	},
	// FINISHED, FAILED, KILLED and LOST only go to DELETED, by pruning,
	// which is not a Status.
}

// restartingLike is Aurora's manageRestartingTask: PREEMPTING, RESTARTING
// and DRAINING already sent KILL, so a later KILLING adds nothing.
func restartingLike() map[Status][]Effect {
	return map[Status][]Effect{
		Finished: e(Reschedule), Failed: e(Reschedule), Killed: e(Reschedule),
		Lost:        e(Kill, Reschedule),
		Killing:     nil,
		Partitioned: e(TransitionToLost),
	}
}

func sorted(effects []Effect) []Effect {
	out := append([]Effect(nil), effects...)
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	if len(out) == 0 {
		return nil
	}
	return out
}

func TestLegalMatchesAuroraForEveryPair(t *testing.T) {
	legalCount := 0
	for _, from := range allStatuses {
		for _, to := range allStatuses {
			_, want := auroraTable[from][to]
			if want {
				legalCount++
			}
			if got := Legal(from, to); got != want {
				t.Errorf("Legal(%s, %s) = %v, want %v", from, to, got, want)
			}
		}
	}
	// Guard against a table that silently lost rows.
	if legalCount != 68 {
		t.Fatalf("the Aurora table has %d legal transitions, want 68", legalCount)
	}
}

func TestTransitionEffectsOfEveryLegalTransition(t *testing.T) {
	for from, tos := range auroraTable {
		for to, want := range tos {
			got, err := Transition(from, to, Context{})
			if err != nil {
				t.Errorf("Transition(%s, %s): unexpected error %v", from, to, err)
				continue
			}
			if !reflect.DeepEqual(sorted(got), sorted(want)) {
				t.Errorf("Transition(%s, %s) effects = %v, want %v", from, to, got, want)
			}
		}
	}
}

func TestTransitionEffectsDependingOnContext(t *testing.T) {
	tests := []struct {
		name     string
		from, to Status
		ctx      Context
		want     []Effect
	}{
		{"service ASSIGNED finished restarts", Assigned, Finished, Context{Service: true}, e(Reschedule)},
		{"service STARTING finished restarts", Starting, Finished, Context{Service: true}, e(Reschedule)},
		{"service RUNNING finished restarts", Running, Finished, Context{Service: true}, e(Reschedule)},
		{"batch RUNNING finished stays done", Running, Finished, Context{}, nil},
		{"service RUNNING failed", Running, Failed, Context{Service: true}, e(IncrementFailures, Reschedule)},
		{"partitioned lost reschedules", Partitioned, Lost, Context{}, e(Kill, Reschedule)},
		{"partitioned lost after KILLING only kills", Partitioned, Lost, Context{EverKilling: true}, e(Kill)},
		{"partitioned lost of a killed service only kills", Partitioned, Lost, Context{Service: true, EverKilling: true}, e(Kill)},
		{"partitioned finished service is not rescheduled", Partitioned, Finished, Context{Service: true}, nil},
		{"restarting finished reschedules a batch task", Restarting, Finished, Context{}, e(Reschedule)},
		{"draining failed reschedules without counting", Draining, Failed, Context{Service: true}, e(Reschedule)},
		{"killing partitioned becomes lost", Killing, Partitioned, Context{EverKilling: true}, e(TransitionToLost)},
		{"killing finished service is not rescheduled", Killing, Finished, Context{Service: true, EverKilling: true}, nil},
		{"pending killing deletes a service task", Pending, Killing, Context{Service: true}, e(Delete)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Transition(tt.from, tt.to, tt.ctx)
			if err != nil {
				t.Fatalf("Transition(%s, %s, %+v): %v", tt.from, tt.to, tt.ctx, err)
			}
			if !reflect.DeepEqual(sorted(got), sorted(tt.want)) {
				t.Errorf("Transition(%s, %s, %+v) = %v, want %v", tt.from, tt.to, tt.ctx, got, tt.want)
			}
		})
	}
}

func TestIllegalTransitionsAreRefused(t *testing.T) {
	tests := []struct{ from, to Status }{
		{Pending, Running},      // must be assigned first
		{Pending, Finished},     // a pending task cannot finish
		{Init, Assigned},        // INIT only enters the queue
		{Running, Assigned},     // no going back
		{Running, Starting},     // no going back
		{Finished, Running},     // terminal
		{Failed, Pending},       // terminal: a replacement is a new task
		{Killed, Killing},       // terminal
		{Lost, Running},         // terminal
		{Killing, Running},      // a killed task does not revive
		{Assigned, Partitioned}, // only STARTING or later can be partitioned
		{Preempting, Running},
		{Running, Running},
	}
	for _, tt := range tests {
		effects, err := Transition(tt.from, tt.to, Context{Service: true})
		var ill *ErrIllegal
		if !errors.As(err, &ill) {
			t.Errorf("Transition(%s, %s) error = %v, want *ErrIllegal", tt.from, tt.to, err)
			continue
		}
		if ill.From != tt.from || ill.To != tt.to {
			t.Errorf("ErrIllegal = %s -> %s, want %s -> %s", ill.From, ill.To, tt.from, tt.to)
		}
		if effects != nil {
			t.Errorf("Transition(%s, %s) effects = %v, want none for an illegal transition", tt.from, tt.to, effects)
		}
	}
}

func TestErrIllegalNamesBothStates(t *testing.T) {
	err := error(&ErrIllegal{From: Finished, To: Running})
	if got, want := err.Error(), "illegal task state transition FINISHED -> RUNNING"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
}

func TestHas(t *testing.T) {
	tests := []struct {
		effects []Effect
		e       Effect
		want    bool
	}{
		{nil, Kill, false},
		{e(Kill), Kill, true},
		{e(Reschedule, Kill), Kill, true},
		{e(Reschedule, Kill), Delete, false},
	}
	for _, tt := range tests {
		if got := Has(tt.effects, tt.e); got != tt.want {
			t.Errorf("Has(%v, %s) = %v, want %v", tt.effects, tt.e, got, tt.want)
		}
	}
}

func TestEffectNames(t *testing.T) {
	want := map[Effect]string{
		Kill: "KILL", Reschedule: "RESCHEDULE", IncrementFailures: "INCREMENT_FAILURES",
		TransitionToLost: "TRANSITION_TO_LOST", Delete: "DELETE", Effect(42): "Effect(42)",
	}
	for eff, name := range want {
		if got := eff.String(); got != name {
			t.Errorf("Effect(%d).String() = %q, want %q", int(eff), got, name)
		}
	}
}
