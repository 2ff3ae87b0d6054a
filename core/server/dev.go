package server

import (
	"context"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/hashicorp/go-hclog"

	"github.com/aurora-go/aurora/core/mesoslite"
	"github.com/aurora-go/aurora/core/observer"
)

// DevConfig configures `aurora dev`.
type DevConfig struct {
	DataDir  string
	HTTPAddr string
	Agents   int
	// File holds optional settings (scheduler, backup) from -config.
	File *DevFile
	// ObserverAddr is where the observer of the embedded agents listens;
	// empty means 127.0.0.1:1338, or a free port when that is taken.
	ObserverAddr string
	Logger       hclog.Logger
	// Ready, if set, is called once the API is serving.
	Ready func(DevEndpoints)
}

// DevEndpoints are the addresses `aurora dev` serves, as URLs.
type DevEndpoints struct {
	API, Master, Observer string
}

// RunDev runs the embedded Mesos master and agents and a one-node
// scheduler replica on top of them until ctx ends, then shuts everything
// down: executors and their tasks are stopped, and the log is closed.
func RunDev(ctx context.Context, dc DevConfig) error {
	logger := dc.Logger
	if logger == nil {
		logger = hclog.NewNullLogger()
	}
	if dc.Agents < 1 {
		return fmt.Errorf("-agents must be at least 1, not %d", dc.Agents)
	}
	cluster, err := mesoslite.New(mesoslite.Config{
		Agents: DevAgents(dc.Agents), WorkDir: filepath.Join(dc.DataDir, "mesos"), Logger: logger.Named("mesoslite"),
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
	cfg := &Config{
		DataDir: dc.DataDir, HTTPAddr: dc.HTTPAddr,
		Raft:  RaftConfig{NodeID: "dev", Bind: "127.0.0.1:0"},
		Mesos: MesosConfig{Master: cluster.MasterURL()},
	}
	if dc.File != nil {
		cfg.Scheduler, cfg.Backup, cfg.Executor = dc.File.Scheduler, dc.File.Backup, dc.File.Executor
	}
	if err := cfg.finish(dc.DataDir); err != nil {
		return err
	}
	obsLn, err := listenObserver(dc.ObserverAddr)
	if err != nil {
		return err
	}
	obs := &observer.Observer{Root: filepath.Join(dc.DataDir, "mesos"), Name: "aurora dev", Logger: logger.Named("observer")}
	obsCtx, stopObs := context.WithCancel(ctx)
	obsDone := make(chan struct{})
	go func() {
		defer close(obsDone)
		if err := obs.ServeListener(obsCtx, obsLn, nil); err != nil {
			logger.Error("observer stopped", "error", err)
		}
	}()
	defer func() {
		stopObs()
		<-obsDone
	}()
	observerURL := "http://" + obsLn.Addr().String() + "/"
	srv := New(cfg, logger)
	srv.Ready = func(apiURL string) {
		logger.Info("aurora dev is up", "api", apiURL, "master", cluster.MasterURL(), "observer", observerURL, "data_dir", dc.DataDir, "agents", dc.Agents)
		if dc.Ready != nil {
			dc.Ready(DevEndpoints{API: apiURL, Master: cluster.MasterURL(), Observer: observerURL})
		}
	}
	return srv.Run(ctx)
}

// listenObserver listens on addr, or on 127.0.0.1:1338 (Aurora's observer
// port) and on a free port when that is taken.
func listenObserver(addr string) (net.Listener, error) {
	if addr != "" {
		ln, err := net.Listen("tcp", addr)
		if err != nil {
			return nil, fmt.Errorf("observer: %w", err)
		}
		return ln, nil
	}
	if ln, err := net.Listen("tcp", "127.0.0.1:1338"); err == nil {
		return ln, nil
	}
	return net.Listen("tcp", "127.0.0.1:0")
}

// DevAgents describes n agents on this machine. One agent offers the
// machine as it is; several get their own hostnames, host, rack and zone
// attributes and disjoint port ranges. Racks alternate (rack-1, rack-2,
// rack-1, ...); zones go in pairs (zone-a, zone-a, zone-b, zone-b, ...),
// so a zone spread such as examples/plugins/zonespread has two agents in
// each zone.
func DevAgents(n int) []mesoslite.AgentConfig {
	base := mesoslite.DefaultAgent()
	if n == 1 {
		return []mesoslite.AgentConfig{base}
	}
	agents := make([]mesoslite.AgentConfig, n)
	for i := range agents {
		a := base
		a.Hostname = fmt.Sprintf("agent-%d", i+1)
		a.Attributes = map[string]string{"host": a.Hostname, "rack": fmt.Sprintf("rack-%d", i%2+1), "zone": fmt.Sprintf("zone-%c", 'a'+i/2%26)}
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
