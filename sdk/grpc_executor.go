package sdk

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	plugin "github.com/hashicorp/go-plugin"
	"google.golang.org/grpc"
	"google.golang.org/protobuf/types/known/durationpb"

	basev1 "github.com/aurora-go/aurora/sdk/proto/aurora/plugin/base/v1"
	executorv1 "github.com/aurora-go/aurora/sdk/proto/aurora/plugin/executor/v1"
)

// GRPCExecutorPlugin is the go-plugin plugin of the executor kind. On the
// plugin side Impl is served over gRPC; on the host side Dispense returns a
// client that implements ExecutorPlugin.
type GRPCExecutorPlugin struct {
	plugin.NetRPCUnsupportedPlugin
	Impl ExecutorPlugin
}

var _ plugin.GRPCPlugin = (*GRPCExecutorPlugin)(nil)

// GRPCServer registers the executor service for Impl.
func (p *GRPCExecutorPlugin) GRPCServer(_ *plugin.GRPCBroker, s *grpc.Server) error {
	if p.Impl == nil {
		return errors.New("sdk: GRPCExecutorPlugin has no Impl to serve")
	}
	executorv1.RegisterExecutorPluginServer(s, &executorServer{
		base: newBaseServer(p.Impl, KindExecutor),
		impl: p.Impl,
	})
	return nil
}

// GRPCClient returns an ExecutorPlugin that calls the plugin over c.
func (p *GRPCExecutorPlugin) GRPCClient(_ context.Context, _ *plugin.GRPCBroker, c *grpc.ClientConn) (interface{}, error) {
	return &executorClient{rpc: executorv1.NewExecutorPluginClient(c)}, nil
}

// executorServer adapts an ExecutorPlugin to the gRPC service.
type executorServer struct {
	executorv1.UnimplementedExecutorPluginServer
	base baseServer
	impl ExecutorPlugin
}

func (s *executorServer) Info(ctx context.Context, _ *basev1.InfoRequest) (*basev1.InfoResponse, error) {
	return s.base.info(ctx)
}

func (s *executorServer) ConfigSchema(ctx context.Context, _ *basev1.ConfigSchemaRequest) (*basev1.ConfigSchemaResponse, error) {
	return s.base.configSchema(ctx)
}

func (s *executorServer) Configure(ctx context.Context, req *basev1.ConfigureRequest) (*basev1.ConfigureResponse, error) {
	return s.base.configure(ctx, req)
}

func (s *executorServer) Start(ctx context.Context, req *executorv1.StartRequest) (_ *executorv1.StartResponse, err error) {
	defer recoverPanic("Start", &err)
	h, err := s.impl.Start(ctx, &StartRequest{
		TaskID:     req.GetTaskId(),
		SandboxDir: req.GetSandboxDir(),
		Env:        req.GetEnv(),
		Config:     json.RawMessage(req.GetConfig()),
	})
	if err != nil {
		return nil, toStatus(err)
	}
	if h == nil {
		return nil, toStatus(errors.New("executor returned no task handle"))
	}
	return &executorv1.StartResponse{Handle: taskHandleToProto(h)}, nil
}

func (s *executorServer) Wait(req *executorv1.WaitRequest, stream executorv1.ExecutorPlugin_WaitServer) (err error) {
	defer recoverPanic("Wait", &err)
	res, err := s.impl.Wait(stream.Context(), req.GetTaskId())
	if err != nil {
		return toStatus(err)
	}
	if res == nil {
		return toStatus(errors.New("executor returned no exit result"))
	}
	return stream.Send(&executorv1.WaitResponse{Result: &executorv1.ExitResult{
		ExitCode: int64(res.ExitCode),
		Signal:   int64(res.Signal),
		Failed:   res.Failed,
		Message:  res.Message,
	}})
}

func (s *executorServer) Stop(ctx context.Context, req *executorv1.StopRequest) (_ *executorv1.StopResponse, err error) {
	defer recoverPanic("Stop", &err)
	var grace time.Duration
	if g := req.GetGrace(); g != nil {
		if err := g.CheckValid(); err != nil {
			return nil, toStatus(fmt.Errorf("%w: grace: %w", ErrInvalidArgument, err))
		}
		grace = g.AsDuration()
	}
	if err := s.impl.Stop(ctx, req.GetTaskId(), grace); err != nil {
		return nil, toStatus(err)
	}
	return &executorv1.StopResponse{}, nil
}

func (s *executorServer) Signal(ctx context.Context, req *executorv1.SignalRequest) (_ *executorv1.SignalResponse, err error) {
	defer recoverPanic("Signal", &err)
	if err := s.impl.Signal(ctx, req.GetTaskId(), req.GetSignal()); err != nil {
		return nil, toStatus(err)
	}
	return &executorv1.SignalResponse{}, nil
}

func (s *executorServer) Inspect(ctx context.Context, req *executorv1.InspectRequest) (_ *executorv1.InspectResponse, err error) {
	defer recoverPanic("Inspect", &err)
	st, err := s.impl.Inspect(ctx, req.GetTaskId())
	if err != nil {
		return nil, toStatus(err)
	}
	if st == nil {
		return nil, toStatus(errors.New("executor returned no task status"))
	}
	return &executorv1.InspectResponse{Status: taskStatusToProto(st)}, nil
}

func (s *executorServer) Recover(ctx context.Context, req *executorv1.RecoverRequest) (_ *executorv1.RecoverResponse, err error) {
	defer recoverPanic("Recover", &err)
	if req.GetHandle() == nil {
		return nil, toStatus(fmt.Errorf("%w: recover needs a task handle", ErrInvalidArgument))
	}
	if err := s.impl.Recover(ctx, taskHandleFromProto(req.GetHandle())); err != nil {
		return nil, toStatus(err)
	}
	return &executorv1.RecoverResponse{}, nil
}

func (s *executorServer) Destroy(ctx context.Context, req *executorv1.DestroyRequest) (_ *executorv1.DestroyResponse, err error) {
	defer recoverPanic("Destroy", &err)
	if err := s.impl.Destroy(ctx, req.GetTaskId(), req.GetForce()); err != nil {
		return nil, toStatus(err)
	}
	return &executorv1.DestroyResponse{}, nil
}

// executorClient is the host side: an ExecutorPlugin over gRPC.
type executorClient struct {
	rpc executorv1.ExecutorPluginClient
}

var _ ExecutorPlugin = (*executorClient)(nil)

func (c *executorClient) Info(ctx context.Context) (*Info, error) {
	return callInfo(ctx, c.rpc)
}

func (c *executorClient) ConfigSchema(ctx context.Context) (*Schema, error) {
	return callConfigSchema(ctx, c.rpc)
}

func (c *executorClient) Configure(ctx context.Context, config json.RawMessage) error {
	return callConfigure(ctx, c.rpc, config)
}

func (c *executorClient) Start(ctx context.Context, req *StartRequest) (*TaskHandle, error) {
	resp, err := c.rpc.Start(ctx, &executorv1.StartRequest{
		TaskId:     req.TaskID,
		SandboxDir: req.SandboxDir,
		Env:        req.Env,
		Config:     req.Config,
	})
	if err != nil {
		return nil, fromRPC("Start", err)
	}
	if resp.GetHandle() == nil {
		return nil, errors.New("plugin Start: response has no task handle")
	}
	return taskHandleFromProto(resp.GetHandle()), nil
}

// Wait receives the single message of the server stream; the stream stays
// open, without traffic, for as long as the task runs.
func (c *executorClient) Wait(ctx context.Context, taskID string) (*ExitResult, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel() // releases the stream
	stream, err := c.rpc.Wait(ctx, &executorv1.WaitRequest{TaskId: taskID})
	if err != nil {
		return nil, fromRPC("Wait", err)
	}
	msg, err := stream.Recv()
	if err != nil {
		return nil, fromRPC("Wait", err)
	}
	r := msg.GetResult()
	if r == nil {
		return nil, errors.New("plugin Wait: response has no exit result")
	}
	return &ExitResult{
		ExitCode: int(r.GetExitCode()),
		Signal:   int(r.GetSignal()),
		Failed:   r.GetFailed(),
		Message:  r.GetMessage(),
	}, nil
}

func (c *executorClient) Stop(ctx context.Context, taskID string, grace time.Duration) error {
	_, err := c.rpc.Stop(ctx, &executorv1.StopRequest{TaskId: taskID, Grace: durationpb.New(grace)})
	return fromRPC("Stop", err)
}

func (c *executorClient) Signal(ctx context.Context, taskID string, signal string) error {
	_, err := c.rpc.Signal(ctx, &executorv1.SignalRequest{TaskId: taskID, Signal: signal})
	return fromRPC("Signal", err)
}

func (c *executorClient) Inspect(ctx context.Context, taskID string) (*TaskStatus, error) {
	resp, err := c.rpc.Inspect(ctx, &executorv1.InspectRequest{TaskId: taskID})
	if err != nil {
		return nil, fromRPC("Inspect", err)
	}
	if resp.GetStatus() == nil {
		return nil, errors.New("plugin Inspect: response has no task status")
	}
	return taskStatusFromProto(resp.GetStatus()), nil
}

func (c *executorClient) Recover(ctx context.Context, handle *TaskHandle) error {
	if handle == nil {
		return fmt.Errorf("plugin Recover: %w: nil task handle", ErrInvalidArgument)
	}
	_, err := c.rpc.Recover(ctx, &executorv1.RecoverRequest{Handle: taskHandleToProto(handle)})
	return fromRPC("Recover", err)
}

func (c *executorClient) Destroy(ctx context.Context, taskID string, force bool) error {
	_, err := c.rpc.Destroy(ctx, &executorv1.DestroyRequest{TaskId: taskID, Force: force})
	return fromRPC("Destroy", err)
}

func taskHandleToProto(h *TaskHandle) *executorv1.TaskHandle {
	return &executorv1.TaskHandle{TaskId: h.TaskID, Pid: int64(h.PID), State: h.State}
}

func taskHandleFromProto(h *executorv1.TaskHandle) *TaskHandle {
	return &TaskHandle{TaskID: h.GetTaskId(), PID: int(h.GetPid()), State: json.RawMessage(h.GetState())}
}

func taskStatusToProto(st *TaskStatus) *executorv1.TaskStatus {
	out := &executorv1.TaskStatus{TaskId: st.TaskID, State: st.State}
	for _, p := range st.Processes {
		out.Processes = append(out.Processes, &executorv1.ProcessStatus{
			Name:     p.Name,
			State:    p.State,
			Pid:      int64(p.PID),
			ExitCode: int64(p.ExitCode),
			Runs:     int64(p.Runs),
		})
	}
	return out
}

func taskStatusFromProto(st *executorv1.TaskStatus) *TaskStatus {
	out := &TaskStatus{TaskID: st.GetTaskId(), State: st.GetState()}
	for _, p := range st.GetProcesses() {
		out.Processes = append(out.Processes, ProcessStatus{
			Name:     p.GetName(),
			State:    p.GetState(),
			PID:      int(p.GetPid()),
			ExitCode: int(p.GetExitCode()),
			Runs:     int(p.GetRuns()),
		})
	}
	return out
}
