// Command filediscovery is a discovery plugin for the end-to-end tests: it
// announces each endpoint as a JSON file, DIR/<task id>.<port name>.json,
// and withdraws it by removing the file. Configuration: {"dir": "/abs"}.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"

	"github.com/aurora-go/aurora/sdk"
)

const version = "0.1.0"

type plugin struct {
	mu  sync.Mutex
	dir string
}

func (p *plugin) Info(context.Context) (*sdk.Info, error) {
	return &sdk.Info{Name: "filediscovery", Kind: sdk.KindDiscovery, Version: version}, nil
}

func (p *plugin) ConfigSchema(context.Context) (*sdk.Schema, error) {
	return &sdk.Schema{JSON: json.RawMessage(`{
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "type": "object",
  "properties": {"dir": {"type": "string", "minLength": 1}},
  "required": ["dir"],
  "additionalProperties": false
}`)}, nil
}

func (p *plugin) Configure(_ context.Context, raw json.RawMessage) error {
	var cfg struct {
		Dir string `json:"dir"`
	}
	if err := sdk.DecodeConfig(raw, &cfg); err != nil {
		return err
	}
	if !filepath.IsAbs(cfg.Dir) {
		return fmt.Errorf("%w: dir %q must be absolute", sdk.ErrInvalidArgument, cfg.Dir)
	}
	p.mu.Lock()
	p.dir = cfg.Dir
	p.mu.Unlock()
	return nil
}

func (p *plugin) path(k sdk.EndpointKey) (string, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.dir == "" {
		return "", errors.New("not configured")
	}
	return filepath.Join(p.dir, k.TaskID+"."+k.PortName+".json"), nil
}

func (p *plugin) Announce(_ context.Context, eps []sdk.Endpoint) ([]sdk.EndpointResult, error) {
	out := make([]sdk.EndpointResult, len(eps))
	for i, ep := range eps {
		out[i].Key = ep.Key
		path, err := p.path(ep.Key)
		if err == nil {
			err = os.MkdirAll(filepath.Dir(path), 0o755)
		}
		if err == nil {
			b, _ := json.Marshal(ep)
			err = os.WriteFile(path, b, 0o644)
		}
		if err != nil {
			out[i].Err = err.Error()
		}
	}
	return out, nil
}

func (p *plugin) Withdraw(_ context.Context, keys []sdk.EndpointKey) ([]sdk.EndpointResult, error) {
	out := make([]sdk.EndpointResult, len(keys))
	for i, k := range keys {
		out[i].Key = k
		path, err := p.path(k)
		if err == nil {
			if err = os.Remove(path); errors.Is(err, os.ErrNotExist) {
				err = nil
			}
		}
		if err != nil {
			out[i].Err = err.Error()
		}
	}
	return out, nil
}

func (p *plugin) List(_ context.Context, owner string) ([]sdk.Endpoint, error) {
	p.mu.Lock()
	dir := p.dir
	p.mu.Unlock()
	files, _ := filepath.Glob(filepath.Join(dir, "*.json"))
	sort.Strings(files)
	var out []sdk.Endpoint
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			continue
		}
		var ep sdk.Endpoint
		if json.Unmarshal(b, &ep) == nil && (owner == "" || ep.Owner == owner) && strings.HasSuffix(f, ".json") {
			out = append(out, ep)
		}
	}
	return out, nil
}

func main() {
	if !sdk.StartedByHost() {
		fmt.Fprintln(os.Stderr, "filediscovery is an Aurora-Go test plugin, started by a plugin host")
		os.Exit(1)
	}
	sdk.Serve(sdk.ServeOpts{Discovery: &plugin{}})
}
