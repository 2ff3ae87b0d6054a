package testexec

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"sort"
	"sync"
	"time"

	mesos "github.com/mesos/mesos-go/api/v1/lib"
	"github.com/mesos/mesos-go/api/v1/lib/encoding/codecs"
	"github.com/mesos/mesos-go/api/v1/lib/executor"
	"github.com/mesos/mesos-go/api/v1/lib/executor/calls"
	"github.com/mesos/mesos-go/api/v1/lib/executor/config"
	"github.com/mesos/mesos-go/api/v1/lib/httpcli"
	"github.com/mesos/mesos-go/api/v1/lib/httpcli/httpexec"
)

// Main runs the test executor and returns its exit status.
func Main() int {
	cfg, err := config.FromEnv()
	if err != nil {
		logf("bad environment: %v", err)
		return 2
	}
	codec := codecs.ByMediaType[codecs.MediaTypeProtobuf]
	if os.Getenv(EnvCodec) == "json" {
		codec = codecs.ByMediaType[codecs.MediaTypeJSON]
	}
	cli := httpcli.New(
		httpcli.Endpoint("http://"+cfg.AgentEndpoint+"/api/v1/executor"),
		httpcli.Codec(codec),
		httpcli.Do(httpcli.With(httpcli.Timeout(10*time.Second))),
	)
	opts := executor.CallOptions{calls.Framework(cfg.FrameworkID), calls.Executor(cfg.ExecutorID)}
	e := &testExecutor{
		cfg:        cfg,
		subscriber: calls.SenderWith(httpexec.NewSender(cli.Send, httpcli.Close(true)), opts...),
		sender:     calls.SenderWith(httpexec.NewSender(cli.Send), opts...),
		tasks:      map[string]mesos.TaskInfo{},
		unackTasks: map[string]mesos.TaskInfo{},
		unackUpds:  map[string]executor.Call_Update{},
	}
	logf("starting with codec %s, checkpoint %v", codec.Name, cfg.Checkpoint)
	return e.run()
}

func logf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, time.Now().Format("15:04:05.000")+" testexec: "+format+"\n", args...)
}

type testExecutor struct {
	cfg        config.Config
	subscriber calls.Sender
	sender     calls.Sender

	mu         sync.Mutex
	tasks      map[string]mesos.TaskInfo       // live tasks
	unackTasks map[string]mesos.TaskInfo       // launched, no update acknowledged yet
	unackUpds  map[string]executor.Call_Update // by uuid, until ACKNOWLEDGED
	exit       *int                            // set when the executor is done
}

// errExit ends a session because the executor is done.
var errExit = errors.New("executor done")

// run subscribes and serves events; with checkpointing it subscribes again
// after losing the agent, until the recovery timeout.
func (e *testExecutor) run() int {
	var lostAt time.Time
	backoff := 100 * time.Millisecond
	for {
		subscribed, err := e.session()
		if e.exit != nil {
			return *e.exit
		}
		if subscribed {
			lostAt = time.Time{}
			backoff = 100 * time.Millisecond
		}
		if !e.cfg.Checkpoint {
			logf("lost the agent without checkpointing: %v", err)
			return 0
		}
		if lostAt.IsZero() {
			lostAt = time.Now()
		}
		if time.Since(lostAt) > e.cfg.RecoveryTimeout {
			logf("the agent did not come back within %v: %v", e.cfg.RecoveryTimeout, err)
			return 6
		}
		logf("lost the agent (%v); subscribing again", err)
		time.Sleep(time.Duration(rand.Int64N(int64(backoff))) + 10*time.Millisecond)
		if backoff *= 2; e.cfg.SubscriptionBackoffMax > 0 && backoff > e.cfg.SubscriptionBackoffMax {
			backoff = e.cfg.SubscriptionBackoffMax
		}
	}
}

// session is one subscription. It reports whether SUBSCRIBED arrived.
func (e *testExecutor) session() (bool, error) {
	e.mu.Lock()
	var tasks []mesos.TaskInfo
	for _, id := range sortedKeys(e.unackTasks) {
		tasks = append(tasks, e.unackTasks[id])
	}
	var updates []executor.Call_Update
	for _, id := range sortedKeys(e.unackUpds) {
		updates = append(updates, e.unackUpds[id])
	}
	e.mu.Unlock()
	ctx := context.Background()
	resp, err := e.subscriber.Send(ctx, calls.NonStreaming(calls.Subscribe(tasks, updates)))
	if err != nil {
		return false, fmt.Errorf("subscribe: %w", err)
	}
	defer resp.Close()
	subscribed := false
	for {
		var ev executor.Event
		if err := resp.Decode(&ev); err != nil {
			if errors.Is(err, io.EOF) {
				err = errors.New("the agent closed the stream")
			}
			return subscribed, err
		}
		logf("event %s", ev.Type)
		if ev.Type == executor.Event_SUBSCRIBED {
			subscribed = true
		}
		if err := e.handle(ctx, &ev); err != nil {
			return subscribed, err
		}
	}
}

func (e *testExecutor) handle(ctx context.Context, ev *executor.Event) error {
	switch ev.Type {
	case executor.Event_LAUNCH:
		t := ev.Launch.Task
		e.mu.Lock()
		e.tasks[t.TaskID.Value] = t
		e.unackTasks[t.TaskID.Value] = t
		e.mu.Unlock()
		return e.start(ctx, t)
	case executor.Event_ACKNOWLEDGED:
		e.mu.Lock()
		delete(e.unackUpds, string(ev.Acknowledged.UUID))
		delete(e.unackTasks, ev.Acknowledged.TaskID.Value)
		e.mu.Unlock()
	case executor.Event_KILL:
		id := ev.Kill.TaskID
		e.update(ctx, id, mesos.TASK_KILLED, nil)
		return e.remove(id.Value)
	case executor.Event_MESSAGE:
		reply := append([]byte("echo:"), ev.Message.Data...)
		if err := calls.SendNoData(ctx, e.sender, calls.NonStreaming(calls.Message(reply))); err != nil {
			logf("message failed: %v", err)
		}
	case executor.Event_SHUTDOWN:
		if os.Getenv(EnvMode) == ModeIgnoreShutdown {
			return nil
		}
		e.mu.Lock()
		ids := sortedKeys(e.tasks)
		e.mu.Unlock()
		for _, id := range ids {
			e.update(ctx, mesos.TaskID{Value: id}, mesos.TASK_KILLED, nil)
		}
		return e.done(0)
	case executor.Event_ERROR:
		logf("ERROR: %s", ev.Error.Message)
		return e.done(5)
	}
	return nil
}

// start runs a task's behaviour.
func (e *testExecutor) start(ctx context.Context, t mesos.TaskInfo) error {
	id := t.TaskID
	e.update(ctx, id, mesos.TASK_STARTING, nil)
	switch Behaviour(t.Data) {
	case Fail:
		e.update(ctx, id, mesos.TASK_FAILED, nil)
		return e.remove(id.Value)
	case Finish:
		e.update(ctx, id, mesos.TASK_RUNNING, mesosEnvJSON())
		e.update(ctx, id, mesos.TASK_FINISHED, nil)
		return e.remove(id.Value)
	case Exit:
		e.update(ctx, id, mesos.TASK_RUNNING, mesosEnvJSON())
		return e.done(3)
	default:
		e.update(ctx, id, mesos.TASK_RUNNING, mesosEnvJSON())
	}
	return nil
}

// remove forgets a finished task; the executor is done with its last one.
func (e *testExecutor) remove(id string) error {
	e.mu.Lock()
	delete(e.tasks, id)
	n := len(e.tasks)
	e.mu.Unlock()
	if n == 0 {
		return e.done(0)
	}
	return nil
}

func (e *testExecutor) done(code int) error {
	e.exit = &code
	return errExit
}

// update sends a status update; it stays unacknowledged (and is sent again
// on the next subscription) until the agent acknowledges it.
func (e *testExecutor) update(ctx context.Context, id mesos.TaskID, state mesos.TaskState, data []byte) {
	execID := mesos.ExecutorID{Value: e.cfg.ExecutorID}
	status := mesos.TaskStatus{
		TaskID:     id,
		State:      state.Enum(),
		Source:     mesos.SOURCE_EXECUTOR.Enum(),
		ExecutorID: &execID,
		UUID:       NewUUID(),
		Data:       data,
	}
	e.mu.Lock()
	e.unackUpds[string(status.UUID)] = executor.Call_Update{Status: status}
	e.mu.Unlock()
	if err := calls.SendNoData(ctx, e.sender, calls.NonStreaming(calls.Update(status))); err != nil {
		logf("update %s %s failed: %v", id.Value, state, err)
	}
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
