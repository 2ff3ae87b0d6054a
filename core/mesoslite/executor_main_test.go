package mesoslite

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"testing"
	"time"

	mesos "github.com/mesos/mesos-go/api/v1/lib"
	"github.com/mesos/mesos-go/api/v1/lib/encoding/codecs"
	"github.com/mesos/mesos-go/api/v1/lib/executor"
	"github.com/mesos/mesos-go/api/v1/lib/executor/calls"
	"github.com/mesos/mesos-go/api/v1/lib/executor/config"
	"github.com/mesos/mesos-go/api/v1/lib/httpcli"
	"github.com/mesos/mesos-go/api/v1/lib/httpcli/httpexec"
)

// Environment of the test executor, which is this test binary re-executed.
const (
	envTestExecutor = "MESOSLITE_TEST_EXECUTOR" // "1": run as an executor
	envTestCodec    = "MESOSLITE_TEST_CODEC"    // "json" or "protobuf"
	envTestMode     = "MESOSLITE_TEST_MODE"     // "ignore-shutdown": never exit on SHUTDOWN
)

func TestMain(m *testing.M) {
	if os.Getenv(envTestExecutor) == "1" {
		os.Exit(runTestExecutor())
	}
	os.Exit(m.Run())
}

// runTestExecutor is a tiny custom executor written against mesos-go's
// httpexec, as a real one would be: it subscribes, answers LAUNCH with
// TASK_STARTING then TASK_RUNNING (whose data is its MESOS_* environment as
// JSON), KILL with TASK_KILLED (exiting when it has no tasks left), echoes
// MESSAGE, and on SHUTDOWN kills its tasks and exits.
func runTestExecutor() int {
	logf := func(format string, args ...any) { fmt.Fprintf(os.Stderr, format+"\n", args...) }
	cfg, err := config.FromEnv()
	if err != nil {
		logf("bad environment: %v", err)
		return 2
	}
	codec := codecs.ByMediaType[codecs.MediaTypeProtobuf]
	if os.Getenv(envTestCodec) == "json" {
		codec = codecs.ByMediaType[codecs.MediaTypeJSON]
	}
	cli := httpcli.New(
		httpcli.Endpoint("http://"+cfg.AgentEndpoint+"/api/v1/executor"),
		httpcli.Codec(codec),
		httpcli.Do(httpcli.With(httpcli.Timeout(10*time.Second))),
	)
	opts := executor.CallOptions{calls.Framework(cfg.FrameworkID), calls.Executor(cfg.ExecutorID)}
	subscriber := calls.SenderWith(httpexec.NewSender(cli.Send, httpcli.Close(true)), opts...)
	sender := calls.SenderWith(httpexec.NewSender(cli.Send), opts...)
	ctx := context.Background()

	resp, err := subscriber.Send(ctx, calls.NonStreaming(calls.Subscribe(nil, nil)))
	if err != nil {
		logf("subscribe failed: %v", err)
		return 3
	}
	defer resp.Close()
	logf("subscribed with codec %s", codec.Name)

	execID := mesos.ExecutorID{Value: cfg.ExecutorID}
	update := func(id mesos.TaskID, state mesos.TaskState, data []byte) {
		status := mesos.TaskStatus{
			TaskID:     id,
			State:      state.Enum(),
			Source:     mesos.SOURCE_EXECUTOR.Enum(),
			ExecutorID: &execID,
			UUID:       newUUID(),
			Data:       data,
		}
		if err := calls.SendNoData(ctx, sender, calls.NonStreaming(calls.Update(status))); err != nil {
			logf("update %s %s failed: %v", id.Value, state, err)
		}
	}
	tasks := map[string]mesos.TaskID{}
	for {
		var e executor.Event
		if err := resp.Decode(&e); err != nil {
			if errors.Is(err, io.EOF) {
				logf("agent closed the stream")
				return 0
			}
			logf("decode failed: %v", err)
			return 4
		}
		logf("event %s", e.Type)
		switch e.Type {
		case executor.Event_LAUNCH:
			id := e.Launch.Task.TaskID
			tasks[id.Value] = id
			update(id, mesos.TASK_STARTING, nil)
			update(id, mesos.TASK_RUNNING, mesosEnvJSON())
		case executor.Event_KILL:
			id := e.Kill.TaskID
			update(id, mesos.TASK_KILLED, nil)
			delete(tasks, id.Value)
			if len(tasks) == 0 {
				return 0
			}
		case executor.Event_MESSAGE:
			reply := append([]byte("echo:"), e.Message.Data...)
			if err := calls.SendNoData(ctx, sender, calls.NonStreaming(calls.Message(reply))); err != nil {
				logf("message failed: %v", err)
			}
		case executor.Event_SHUTDOWN:
			if os.Getenv(envTestMode) == "ignore-shutdown" {
				continue
			}
			for _, id := range tasks {
				update(id, mesos.TASK_KILLED, nil)
			}
			return 0
		case executor.Event_ERROR:
			return 5
		}
	}
}

func mesosEnvJSON() []byte {
	env := map[string]string{}
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, "MESOS_") || strings.HasPrefix(kv, "MESOSLITE_") {
			k, v, _ := strings.Cut(kv, "=")
			env[k] = v
		}
	}
	b, _ := json.Marshal(env)
	return b
}
