package conformance

import (
	"os"
	"regexp"
	"strings"
	"testing"

	mesos "github.com/mesos/mesos-go/api/v1/lib"

	"github.com/aurora-go/aurora/core/mesoslite/testexec"
)

func TestMain(m *testing.M) {
	if testexec.IsExecutor() {
		os.Exit(testexec.Main())
	}
	os.Exit(m.Run())
}

// checkReliable checks an update that must be acknowledged: a version 4
// uuid, the source, a timestamp and the agent.
func checkReliable(t *testing.T, st mesos.TaskStatus, source mesos.TaskStatus_Source) {
	t.Helper()
	if len(st.UUID) != 16 || st.UUID[6]>>4 != 4 {
		t.Errorf("%s %s: uuid %x is not a version 4 uuid", st.TaskID.Value, st.GetState(), st.UUID)
	}
	if st.GetSource() != source {
		t.Errorf("%s %s: source %s, want %s", st.TaskID.Value, st.GetState(), st.GetSource(), source)
	}
	if st.Timestamp == nil || st.AgentID == nil {
		t.Errorf("%s %s: no timestamp or agent_id: %v", st.TaskID.Value, st.GetState(), st)
	}
}

// checkMasterGenerated checks an update the master made up: no uuid (never
// to be acknowledged), SOURCE_MASTER, the reason.
func checkMasterGenerated(t *testing.T, st mesos.TaskStatus, reason mesos.TaskStatus_Reason) {
	t.Helper()
	if len(st.UUID) != 0 || st.GetSource() != mesos.SOURCE_MASTER || st.GetReason() != reason {
		t.Errorf("%s %s: uuid %x source %s reason %s, want no uuid, SOURCE_MASTER, %s",
			st.TaskID.Value, st.GetState(), st.UUID, st.GetSource(), st.GetReason(), reason)
	}
}

func checkReconciliation(t *testing.T, st mesos.TaskStatus) {
	t.Helper()
	checkMasterGenerated(t, st, mesos.REASON_RECONCILIATION)
	if !strings.HasPrefix(st.GetMessage(), "Reconciliation: ") {
		t.Errorf("%s: reconciliation message %q", st.TaskID.Value, st.GetMessage())
	}
	if len(st.Data) != 0 || st.Labels != nil {
		t.Errorf("%s: reconciliation carries data or labels", st.TaskID.Value)
	}
}

var stoutDuration = regexp.MustCompile(`^[0-9]+(\.[0-9]+)?(ns|us|ms|secs|mins|hrs|days|weeks)$`)

func scalar(rs []mesos.Resource, name string) float64 {
	v := 0.0
	for _, r := range rs {
		if r.Name == name && r.GetType() == mesos.SCALAR {
			v += r.GetScalar().GetValue()
		}
	}
	return v
}

// lostOr is what a framework without PARTITION_AWARE gets instead of state.
func lostOr(pa bool, state mesos.TaskState) mesos.TaskState {
	if pa {
		return state
	}
	return mesos.TASK_LOST
}

func paName(pa bool) string {
	if pa {
		return "partition-aware"
	}
	return "not-partition-aware"
}
