package conformance

import (
	"testing"

	mesos "github.com/mesos/mesos-go/api/v1/lib"
	"github.com/mesos/mesos-go/api/v1/lib/encoding"
	"github.com/mesos/mesos-go/api/v1/lib/encoding/codecs"
	"github.com/mesos/mesos-go/api/v1/lib/scheduler"
	"github.com/mesos/mesos-go/api/v1/lib/scheduler/calls"

	"github.com/aurora-go/aurora/core/mesoslite/testexec"
)

// Executor is the ExecutorInfo of the test executor (package testexec), the
// test binary itself, speaking codec. Its test binary must call
// testexec.Main from TestMain.
func Executor(t testing.TB, id string, codec encoding.Codec, mode string) *mesos.ExecutorInfo {
	t.Helper()
	name := "protobuf"
	if codec.Type == codecs.MediaTypeJSON {
		name = "json"
	}
	ex, err := testexec.ExecutorInfo(id, testexec.Options{Codec: name, Mode: mode, BinaryURL: executorURL(t)})
	if err != nil {
		t.Fatal(err)
	}
	return ex
}

// Task is a task of the offer's agent run by ex, using cpus 0.1 and mem 32
// and doing what behaviour says.
func Task(id string, o mesos.Offer, ex *mesos.ExecutorInfo, behaviour testexec.Behaviour) mesos.TaskInfo {
	return mesos.TaskInfo{
		Name:      id,
		TaskID:    mesos.TaskID{Value: id},
		AgentID:   o.AgentID,
		Resources: []mesos.Resource{testexec.Scalar("cpus", 0.1), testexec.Scalar("mem", 32)},
		Executor:  ex,
		Data:      []byte(behaviour),
	}
}

// Launch is ACCEPT of one offer with one LAUNCH of tasks and no filter on
// what is left.
func Launch(o mesos.Offer, tasks ...mesos.TaskInfo) *scheduler.Call {
	return calls.Accept(calls.OfferOperations{calls.OpLaunch(tasks...)}.WithOffers(o.ID)).
		With(calls.RefuseSeconds(0))
}
