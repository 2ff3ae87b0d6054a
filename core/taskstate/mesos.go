package taskstate

import mesos "github.com/mesos/mesos-go/api/v1/lib"

// FromMesos maps a Mesos task state to Aurora's status (Aurora's
// base/Conversions.java). ok is false for a state Aurora does not know.
func FromMesos(s mesos.TaskState) (status Status, ok bool) {
	switch s {
	case mesos.TASK_STAGING, mesos.TASK_STARTING:
		return Starting, true
	case mesos.TASK_RUNNING:
		return Running, true
	case mesos.TASK_FINISHED:
		return Finished, true
	case mesos.TASK_FAILED:
		return Failed, true
	case mesos.TASK_KILLING, mesos.TASK_KILLED:
		return Killed, true
	case mesos.TASK_LOST, mesos.TASK_ERROR, mesos.TASK_DROPPED, mesos.TASK_GONE, mesos.TASK_GONE_BY_OPERATOR:
		return Lost, true
	case mesos.TASK_UNREACHABLE, mesos.TASK_UNKNOWN:
		return Partitioned, true
	}
	return 0, false
}
