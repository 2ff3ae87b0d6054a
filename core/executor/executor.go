package executor

import (
	"context"
	"errors"
	"fmt"
	"math/rand"
	"net/http"
	"os"
	"os/exec"
	"sync"
	"time"

	"github.com/hashicorp/go-hclog"
	mesos "github.com/mesos/mesos-go/api/v1/lib"
	"github.com/mesos/mesos-go/api/v1/lib/encoding/codecs"
	mexec "github.com/mesos/mesos-go/api/v1/lib/executor"
	"github.com/mesos/mesos-go/api/v1/lib/executor/calls"
	"github.com/mesos/mesos-go/api/v1/lib/executor/config"
	"github.com/mesos/mesos-go/api/v1/lib/httpcli"
	"github.com/mesos/mesos-go/api/v1/lib/httpcli/httpexec"

	"github.com/aurora-go/aurora/core/pluginhost"
)

// Config configures the executor.
type Config struct {
	// Plugin is the executor plugin that runs tasks (executor/thermos).
	Plugin pluginhost.Spec
	// Plugins starts and supervises plugin processes.
	Plugins *pluginhost.Host
	Logger  hclog.Logger
	// KillGrace is how long a killed task's processes get between SIGTERM
	// and SIGKILL when the kill names no grace period (default 5s).
	KillGrace time.Duration
	// Announcer publishes healthy tasks whose job has an announce block;
	// nil means the one the environment configures (AnnouncerFromEnv),
	// if any.
	Announcer Announcer
	// AnnounceHost is the host announced for tasks; empty means the
	// agent's hostname (or AURORA_ANNOUNCER_HOSTNAME).
	AnnounceHost string
	// PluginCache holds the catalog plugins this executor fetches; nil
	// means the agent's shared one (see pluginCacheFor).
	PluginCache *PluginCache
}

// Executor serves one agent connection and the tasks it launches.
type Executor struct {
	cfg    Config
	env    config.Config
	logger hclog.Logger

	sender     calls.Sender
	subscriber calls.Sender

	announcer    Announcer
	announceHost string
	http         *http.Client
	bash         string

	mu             sync.Mutex
	hostname       string
	unackedTasks   map[string]mesos.TaskInfo
	unackedUpdates map[string]mexec.Call_Update // by uuid
	tasks          map[string]*task
	launched       bool
	finished       chan struct{}
	finishOnce     sync.Once
}

// Run reads the MESOS_* environment and serves until every task this
// executor was given has ended and its last update was acknowledged.
func Run(ctx context.Context, cfg Config) error {
	env, err := config.FromEnv()
	if err != nil {
		return fmt.Errorf("aurora executor must be started by a Mesos agent: %w", err)
	}
	if cfg.Logger == nil {
		cfg.Logger = hclog.NewNullLogger()
	}
	if cfg.KillGrace == 0 {
		cfg.KillGrace = 5 * time.Second
	}
	cfg.PluginCache = pluginCacheFor(cfg.PluginCache, env.Sandbox, os.Getenv, cfg.Logger)
	cli := httpcli.New(
		httpcli.Endpoint("http://"+env.AgentEndpoint+"/api/v1/executor"),
		httpcli.Codec(codecs.ByMediaType[codecs.MediaTypeProtobuf]),
		httpcli.Do(httpcli.With(httpcli.Timeout(15*time.Second))),
	)
	opts := mexec.CallOptions{calls.Framework(env.FrameworkID), calls.Executor(env.ExecutorID)}
	host, _ := os.Hostname()
	announcer := cfg.Announcer
	if announcer == nil {
		// An enabled catalog discovery plugin replaces discovery/zookeeper.
		ca, err := catalogAnnouncer(os.Getenv, cfg.Plugins, cfg.PluginCache, cfg.Logger.Named("announcer"))
		if err != nil {
			return fmt.Errorf("start the announcer: %w", err)
		}
		if ca != nil {
			defer ca.Close()
			announcer = ca
		}
	}
	if announcer == nil {
		client, err := AnnouncerFromEnv(ctx, os.Getenv, cfg.Plugins)
		if err != nil {
			return fmt.Errorf("start the announcer: %w", err)
		}
		if client != nil {
			defer client.Close() // members go with the plugin's session
			announcer = client
		}
	}
	announceHost := cfg.AnnounceHost
	if announceHost == "" {
		announceHost = os.Getenv(EnvAnnouncerHostname)
	}
	bash, err := exec.LookPath("bash")
	if err != nil {
		bash = "/bin/sh"
	}
	e := &Executor{
		announcer: announcer, announceHost: announceHost, http: healthHTTPClient(), bash: bash,
		cfg: cfg, env: env, logger: cfg.Logger.Named("executor").With("executor_id", env.ExecutorID),
		sender:         calls.SenderWith(httpexec.NewSender(cli.Send), opts...),
		subscriber:     calls.SenderWith(httpexec.NewSender(cli.Send, httpcli.Close(true)), opts...),
		hostname:       host,
		unackedTasks:   map[string]mesos.TaskInfo{},
		unackedUpdates: map[string]mexec.Call_Update{},
		tasks:          map[string]*task{},
		finished:       make(chan struct{}),
	}
	return e.run(ctx)
}

func (e *Executor) run(ctx context.Context) error {
	var disconnectedAt time.Time
	backoff := 250 * time.Millisecond
	for {
		err := e.subscribeOnce(ctx)
		if e.isFinished() {
			e.logger.Info("all tasks ended and acknowledged; exiting")
			return nil
		}
		if ctx.Err() != nil {
			e.killAll(e.cfg.KillGrace)
			return ctx.Err()
		}
		if !e.env.Checkpoint {
			e.killAll(e.cfg.KillGrace)
			return fmt.Errorf("lost the agent and the framework does not checkpoint: %w", err)
		}
		if disconnectedAt.IsZero() {
			disconnectedAt = time.Now()
		}
		if time.Since(disconnectedAt) > e.env.RecoveryTimeout {
			e.killAll(e.cfg.KillGrace)
			return fmt.Errorf("agent did not come back within the recovery timeout %s: %w", e.env.RecoveryTimeout, err)
		}
		e.logger.Warn("disconnected from the agent; subscribing again", "error", err)
		wait := time.Duration(rand.Int63n(int64(backoff) + 1))
		select {
		case <-ctx.Done():
		case <-time.After(wait):
		}
		if backoff *= 2; e.env.SubscriptionBackoffMax > 0 && backoff > e.env.SubscriptionBackoffMax {
			backoff = e.env.SubscriptionBackoffMax
		}
	}
}

func (e *Executor) subscribeOnce(ctx context.Context) error {
	e.mu.Lock()
	tasks := make([]mesos.TaskInfo, 0, len(e.unackedTasks))
	for _, t := range e.unackedTasks {
		tasks = append(tasks, t)
	}
	updates := make([]mexec.Call_Update, 0, len(e.unackedUpdates))
	for _, u := range e.unackedUpdates {
		updates = append(updates, u)
	}
	e.mu.Unlock()
	resp, err := e.subscriber.Send(ctx, calls.NonStreaming(calls.Subscribe(tasks, updates)))
	if err != nil {
		return fmt.Errorf("subscribe to agent %s: %w", e.env.AgentEndpoint, err)
	}
	defer resp.Close()
	events := make(chan *mexec.Event)
	errc := make(chan error, 1)
	go func() {
		for {
			var ev mexec.Event
			if err := resp.Decode(&ev); err != nil {
				errc <- err
				return
			}
			events <- &ev
		}
	}()
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-e.finished:
			return nil
		case err := <-errc:
			return fmt.Errorf("event stream: %w", err)
		case ev := <-events:
			if err := e.handle(ctx, ev); err != nil {
				return err
			}
		}
	}
}

func (e *Executor) handle(ctx context.Context, ev *mexec.Event) error {
	switch ev.Type {
	case mexec.Event_SUBSCRIBED:
		if h := ev.GetSubscribed().AgentInfo.Hostname; h != "" {
			e.mu.Lock()
			e.hostname = h
			e.mu.Unlock()
		}
		e.logger.Info("subscribed to the agent", "agent", e.env.AgentEndpoint)
		e.resendUnacked(ctx)
	case mexec.Event_LAUNCH:
		e.launch(ev.GetLaunch().Task)
	case mexec.Event_LAUNCH_GROUP:
		for _, t := range ev.GetLaunchGroup().TaskGroup.Tasks {
			e.launch(t)
		}
	case mexec.Event_KILL:
		k := ev.GetKill()
		grace := e.cfg.KillGrace
		if k.KillPolicy != nil && k.KillPolicy.GracePeriod != nil {
			grace = time.Duration(k.KillPolicy.GracePeriod.Nanoseconds)
		}
		e.kill(k.TaskID.Value, grace)
	case mexec.Event_ACKNOWLEDGED:
		a := ev.GetAcknowledged()
		e.acknowledged(a.TaskID.Value, a.UUID)
	case mexec.Event_SHUTDOWN:
		e.logger.Info("agent asked for shutdown")
		e.killAll(e.env.ExecutorShutdownGracePeriod * 3 / 4)
	case mexec.Event_ERROR:
		return errors.New("agent sent ERROR: " + ev.GetError().Message)
	}
	return nil
}

// resendUnacked sends again every update the agent has not confirmed.
// Mesos drops the ones it already has (same uuid).
func (e *Executor) resendUnacked(ctx context.Context) {
	e.mu.Lock()
	var pending []mexec.Call_Update
	for _, u := range e.unackedUpdates {
		pending = append(pending, u)
	}
	e.mu.Unlock()
	for _, u := range pending {
		if err := calls.SendNoData(ctx, e.sender, calls.NonStreaming(calls.Update(u.Status))); err != nil {
			e.logger.Warn("resending update failed", "task_id", u.Status.TaskID.Value, "error", err)
		}
	}
}

func (e *Executor) acknowledged(taskID string, uuid []byte) {
	e.mu.Lock()
	defer e.mu.Unlock()
	u, ok := e.unackedUpdates[string(uuid)]
	if !ok {
		return
	}
	delete(e.unackedUpdates, string(uuid))
	delete(e.unackedTasks, taskID)
	if t := e.tasks[taskID]; t != nil {
		t.mu.Lock()
		if t.done && u.Status.GetState() == t.terminal {
			t.terminalAcked = true
		}
		t.mu.Unlock()
	}
	e.checkFinished()
}

// checkFinished closes finished once every task has ended and its
// terminal update is acknowledged. Callers hold mu.
func (e *Executor) checkFinished() {
	if !e.launched || len(e.unackedUpdates) > 0 {
		return
	}
	for _, t := range e.tasks {
		if !t.terminalAcked {
			return
		}
	}
	e.finishOnce.Do(func() { close(e.finished) })
}

func (e *Executor) isFinished() bool {
	select {
	case <-e.finished:
		return true
	default:
		return false
	}
}
