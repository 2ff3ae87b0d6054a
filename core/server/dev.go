package server

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/go-hclog"

	"github.com/aurora-go/aurora/sdk"

	"github.com/aurora-go/aurora/core/api"
	"github.com/aurora-go/aurora/core/mesos"
	"github.com/aurora-go/aurora/core/mesoslite"
	"github.com/aurora-go/aurora/core/pluginhost"
	"github.com/aurora-go/aurora/core/raftlog"
	"github.com/aurora-go/aurora/core/scheduling"
	"github.com/aurora-go/aurora/core/state"
)

// DevConfig configures `aurora dev`.
type DevConfig struct {
	DataDir  string
	HTTPAddr string
	Agents   int
	Logger   hclog.Logger
	// Ready, if set, is called once the API is serving.
	Ready func(apiURL, masterURL string)
}

// RunDev runs a one-node scheduler, the embedded Mesos master and agents
// and the built-in plugins until ctx ends, then shuts everything down:
// executors and their tasks are stopped, and the log is closed.
func RunDev(ctx context.Context, cfg DevConfig) error {
	logger := cfg.Logger
	if logger == nil {
		logger = hclog.NewNullLogger()
	}
	if cfg.Agents < 1 {
		return fmt.Errorf("-agents must be at least 1, not %d", cfg.Agents)
	}
	if err := os.MkdirAll(cfg.DataDir, 0o755); err != nil {
		return fmt.Errorf("create data dir: %w", err)
	}
	exe, err := os.Executable()
	if err != nil {
		return fmt.Errorf("find the aurora binary: %w", err)
	}
	ln, err := net.Listen("tcp", cfg.HTTPAddr)
	if err != nil {
		return fmt.Errorf("listen on %s (is another `aurora dev` running? use -http-addr): %w", cfg.HTTPAddr, err)
	}
	defer ln.Close()

	store, err := state.NewStore()
	if err != nil {
		return err
	}
	node, err := raftlog.Open(raftlog.Config{
		DataDir: filepath.Join(cfg.DataDir, "raft"), NodeID: "dev", Bootstrap: true, Logger: logger,
	}, store)
	if err != nil {
		return err
	}
	defer node.Shutdown()
	wctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	err = node.WaitLeader(wctx)
	cancel()
	if err != nil {
		return err
	}

	cluster, err := mesoslite.New(mesoslite.Config{
		Agents: devAgents(cfg.Agents), WorkDir: filepath.Join(cfg.DataDir, "mesos"), Logger: logger.Named("mesoslite"),
	})
	if err != nil {
		return err
	}
	if err := cluster.Start(ctx); err != nil {
		return fmt.Errorf("start the embedded Mesos cluster: %w", err)
	}
	defer func() {
		sctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := cluster.Shutdown(sctx); err != nil {
			logger.Error("embedded Mesos shutdown", "error", err)
		}
	}()

	plugins := pluginhost.New(logger.Named("plugins"))
	defer plugins.Shutdown()
	limitSpec, err := pluginhost.BuiltinSpec(sdk.KindConstraint, "limit")
	if err != nil {
		return err
	}
	constraint, err := plugins.Constraint(ctx, limitSpec)
	if err != nil {
		return fmt.Errorf("start constraint plugin: %w", err)
	}

	hostname, _ := os.Hostname()
	apiURL := "http://" + ln.Addr().String()
	driver := mesos.New(mesos.Config{
		MasterURL: cluster.MasterURL(), User: currentUser(), Hostname: hostname, WebUIURL: apiURL,
		FailoverTimeout: 21 * 24 * time.Hour,
		FrameworkID:     func() string { id, _ := store.Meta(state.MetaFrameworkID); return id },
		Logger:          logger,
	})
	sched := scheduling.New(scheduling.Config{
		Executor: scheduling.ExecutorConfig{Command: shellQuote(exe) + " executor"},
		Hostname: hostname,
	}, node, store, driver, constraint, logger)

	srv := &http.Server{
		Handler:           api.NewServer(sched, store, node.IsLeader, scheduling.ErrNoSuchJob, logger),
		ReadHeaderTimeout: 10 * time.Second,
	}
	runCtx, stop := context.WithCancel(ctx)
	defer stop()
	var wg sync.WaitGroup
	errc := make(chan error, 3)
	run := func(name string, f func() error) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := f(); err != nil && !errors.Is(err, context.Canceled) && !errors.Is(err, http.ErrServerClosed) {
				errc <- fmt.Errorf("%s: %w", name, err)
			}
		}()
	}
	run("scheduler", func() error { return sched.Run(runCtx) })
	run("mesos driver", func() error { return driver.Run(runCtx, sched) })
	run("api", func() error { return srv.Serve(ln) })
	logger.Info("aurora dev is up", "api", apiURL, "master", cluster.MasterURL(), "data_dir", cfg.DataDir, "agents", cfg.Agents)
	if cfg.Ready != nil {
		cfg.Ready(apiURL, cluster.MasterURL())
	}

	var runErr error
	select {
	case <-ctx.Done():
		logger.Info("shutting down")
	case runErr = <-errc:
		logger.Error("a component failed; shutting down", "error", runErr)
	}
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	_ = srv.Shutdown(sctx)
	cancel()
	stop()
	wg.Wait()
	return runErr
}

// devAgents describes n agents on this machine. One agent offers the
// machine as it is; several get their own hostnames, host and rack
// attributes and disjoint port ranges.
func devAgents(n int) []mesoslite.AgentConfig {
	base := mesoslite.DefaultAgent()
	if n == 1 {
		return []mesoslite.AgentConfig{base}
	}
	agents := make([]mesoslite.AgentConfig, n)
	for i := range agents {
		a := base
		a.Hostname = fmt.Sprintf("agent-%d", i+1)
		a.Attributes = map[string]string{"host": a.Hostname, "rack": fmt.Sprintf("rack-%d", i%2+1)}
		lo := uint64(31000 + i*200)
		a.Ports = [][2]uint64{{lo, lo + 199}}
		agents[i] = a
	}
	return agents
}

func currentUser() string {
	if u := os.Getenv("USER"); u != "" {
		return u
	}
	return "root"
}

// shellQuote quotes s for /bin/sh.
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
