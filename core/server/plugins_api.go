package server

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"slices"
	"time"

	"github.com/aurora-go/aurora/core/api"
	"github.com/aurora-go/aurora/core/pluginhost"
	"github.com/aurora-go/aurora/core/raftlog"
	"github.com/aurora-go/aurora/core/state"
)

// maxPluginBinary bounds an uploaded plugin binary.
const maxPluginBinary = 512 << 20

// pluginRoutes serves the plugin catalog API. Reads are served by any
// replica; writes are forwarded to the leader.
//
// Registration is two requests: POST /v1/plugins/blobs/{sha256} with the
// binary's bytes, which the leader copies into its content-addressed store
// while hashing them (refusing, with both hashes, bytes whose sha256 is
// not the one named), then POST /v1/plugins with the entry, which the
// leader verifies against the stored blob (pluginhost.Host.Register) and
// appends to the log. Followers copy the blobs of the catalog's entries
// from the leader (GET /v1/plugins/blobs/{sha256}, hash verified) in the
// background (syncBlobs), so any replica can lead with every binary.
func (s *Server) pluginRoutes(mux *http.ServeMux) {
	p := http.NewServeMux()
	p.HandleFunc("GET /v1/plugins", s.listPlugins)
	p.HandleFunc("POST /v1/plugins", s.registerPlugin)
	p.HandleFunc("GET /v1/plugins/blobs/{sha256}", s.getBlob)
	p.HandleFunc("POST /v1/plugins/blobs/{sha256}", s.putBlob)
	p.HandleFunc("GET /v1/plugins/{kind}/{name}", s.pluginInfo)
	p.HandleFunc("POST /v1/plugins/{kind}/{name}/reload", s.reloadPlugin)
	p.HandleFunc("POST /v1/plugins/{kind}/{name}/{version}/{verb}", s.changePlugin)
	p.HandleFunc("DELETE /v1/plugins/{kind}/{name}/{version}", s.deregisterPlugin)
	h := s.forwardWrites(p)
	mux.Handle("/v1/plugins", h)
	mux.Handle("/v1/plugins/", h)
}

func pluginJSON(w http.ResponseWriter, code int, v interface{}) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(v)
}

func pluginError(w http.ResponseWriter, code int, format string, args ...interface{}) {
	pluginJSON(w, code, api.Error{Error: fmt.Sprintf(format, args...)})
}

// applyError answers an error of a catalog command.
func (s *Server) applyError(w http.ResponseWriter, err error) {
	switch {
	case errors.Is(err, state.ErrNoPlugin):
		pluginError(w, http.StatusNotFound, "%v; `aurora plugin list` shows the catalog", err)
	case errors.Is(err, raftlog.ErrNotLeader):
		pluginError(w, http.StatusServiceUnavailable, "this scheduler is not the leader; retry")
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		pluginError(w, http.StatusServiceUnavailable, "%v; retry", err)
	default:
		// The catalog's commands fail only for what the request asks.
		pluginError(w, http.StatusBadRequest, "%v", err)
	}
}

func (s *Server) listPlugins(w http.ResponseWriter, _ *http.Request) {
	entries, err := s.store.Plugins()
	if err != nil {
		pluginError(w, http.StatusInternalServerError, "read the catalog: %v", err)
		return
	}
	if entries == nil {
		entries = []pluginhost.Entry{}
	}
	cat := pluginhost.NewCatalog()
	for _, e := range entries {
		_ = cat.Put(e)
	}
	pluginJSON(w, http.StatusOK, cat.List())
}

func (s *Server) pluginInfo(w http.ResponseWriter, r *http.Request) {
	kind, name := r.PathValue("kind"), r.PathValue("name")
	cat, _ := s.store.Catalog()
	info := api.PluginInfo{Kind: kind, Name: name, Versions: []pluginhost.Entry{}}
	for _, e := range cat.List() {
		if e.Kind == kind && e.Name == name {
			info.Versions = append(info.Versions, e)
		}
	}
	if len(info.Versions) == 0 {
		pluginError(w, http.StatusNotFound, "plugin %s/%s: %v; `aurora plugin list` shows the catalog", kind, name, state.ErrNoPlugin)
		return
	}
	if e, err := cat.Resolve(kind, name); err == nil {
		info.Resolved = e.Version
	}
	pluginJSON(w, http.StatusOK, info)
}

func (s *Server) getBlob(w http.ResponseWriter, r *http.Request) {
	sum := r.PathValue("sha256")
	if !s.blobs.Has(sum) {
		pluginError(w, http.StatusNotFound, "this replica's plugin store has no blob with sha256 %q", sum)
		return
	}
	f, err := os.Open(s.blobs.Path(sum))
	if err != nil {
		pluginError(w, http.StatusInternalServerError, "open blob: %v", err)
		return
	}
	defer f.Close()
	w.Header().Set("Content-Type", "application/octet-stream")
	_, _ = io.Copy(w, f)
}

func (s *Server) putBlob(w http.ResponseWriter, r *http.Request) {
	want := r.PathValue("sha256")
	if !validHex(want) {
		pluginError(w, http.StatusBadRequest, "sha256 %q must be 64 lower-case hex digits", want)
		return
	}
	sum, _, err := s.blobs.Put(http.MaxBytesReader(w, r.Body, maxPluginBinary))
	if err != nil {
		pluginError(w, http.StatusBadRequest, "store the plugin binary: %v", err)
		return
	}
	if sum != want {
		if !slices.Contains(s.catalogSums(), sum) {
			_ = s.blobs.Remove(sum)
		}
		pluginError(w, http.StatusBadRequest, "%v: the request says sha256 %s, the uploaded binary has sha256 %s",
			pluginhost.ErrChecksumMismatch, want, sum)
		return
	}
	fi, _ := os.Stat(s.blobs.Path(sum))
	var size int64
	if fi != nil {
		size = fi.Size()
	}
	s.logger.Info("plugin binary stored", "sha256", sum, "bytes", size)
	pluginJSON(w, http.StatusOK, api.UploadResponse{SHA256: sum, Size: size})
}

// catalogSums lists the sha256 of every registered entry.
func (s *Server) catalogSums() []string {
	entries, _ := s.store.Plugins()
	var out []string
	for _, e := range entries {
		if e.SHA256 != "" {
			out = append(out, e.SHA256)
		}
	}
	return out
}

func validHex(sum string) bool {
	if len(sum) != 64 {
		return false
	}
	for _, c := range sum {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}

func (s *Server) registerPlugin(w http.ResponseWriter, r *http.Request) {
	var req api.RegisterPluginRequest
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<20))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil {
		pluginError(w, http.StatusBadRequest, "malformed request body: %v", err)
		return
	}
	e := pluginhost.Entry{Kind: req.Kind, Name: req.Name, Version: req.Version, SHA256: req.SHA256,
		Args: req.Args, Env: req.Env, Config: req.Config, FailurePolicy: req.FailurePolicy, Timeout: req.Timeout,
		State: pluginhost.StateDisabled}
	if err := e.Validate(); err != nil {
		pluginError(w, http.StatusBadRequest, "%v", err)
		return
	}
	if _, err := s.store.Plugin(state.PluginRef{Kind: e.Kind, Name: e.Name, Version: e.Version}); err == nil {
		pluginError(w, http.StatusConflict, "plugin %s is already registered; register another version, or disable and deregister it first", e.ID())
		return
	}
	if !s.blobs.Has(e.SHA256) {
		pluginError(w, http.StatusBadRequest, "the leader's plugin store has no binary with sha256 %s; upload it first (aurora plugin register does)", e.SHA256)
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Minute)
	defer cancel()
	registered, err := s.plugins.Register(ctx, e, s.blobs.Path(e.SHA256))
	if err != nil {
		pluginError(w, http.StatusBadRequest, "%v", err)
		return
	}
	if err := s.node.Apply(ctx, state.PutPlugin{Entry: registered}); err != nil {
		s.applyError(w, err)
		return
	}
	pluginJSON(w, http.StatusOK, registered)
}

// resolveVersion picks the version a request names: "-" means the only
// version of KIND/NAME, else the pinned one.
func (s *Server) resolveVersion(kind, name, version string) (string, error) {
	if version != "-" && version != "" {
		return version, nil
	}
	cat, _ := s.store.Catalog()
	var versions []pluginhost.Entry
	for _, e := range cat.List() {
		if e.Kind == kind && e.Name == name {
			versions = append(versions, e)
		}
	}
	switch {
	case len(versions) == 0:
		return "", fmt.Errorf("plugin %s/%s: %w", kind, name, state.ErrNoPlugin)
	case len(versions) == 1:
		return versions[0].Version, nil
	}
	for _, e := range versions {
		if e.Pinned {
			return e.Version, nil
		}
	}
	return "", fmt.Errorf("plugin %s/%s has %d versions and none is pinned: name one as %s/%s@VERSION", kind, name, len(versions), kind, name)
}

func (s *Server) changePlugin(w http.ResponseWriter, r *http.Request) {
	kind, name := r.PathValue("kind"), r.PathValue("name")
	version, err := s.resolveVersion(kind, name, r.PathValue("version"))
	if err != nil {
		s.applyError(w, err)
		return
	}
	ref := state.PluginRef{Kind: kind, Name: name, Version: version}
	var cmd state.Command
	switch r.PathValue("verb") {
	case "enable":
		cmd = state.SetPluginState{PluginRef: ref, State: pluginhost.StateEnabled}
	case "disable":
		cmd = state.SetPluginState{PluginRef: ref, State: pluginhost.StateDisabled}
	case "pin":
		cmd = state.PinPlugin{PluginRef: ref}
	default:
		pluginError(w, http.StatusNotFound, "unknown plugin verb %q (enable, disable, pin)", r.PathValue("verb"))
		return
	}
	if err := s.node.Apply(r.Context(), cmd); err != nil {
		s.applyError(w, err)
		return
	}
	e, err := s.store.Plugin(ref)
	if err != nil {
		s.applyError(w, err)
		return
	}
	s.logger.Info("plugin catalog changed", "plugin", e.ID(), "verb", r.PathValue("verb"))
	pluginJSON(w, http.StatusOK, e)
}

func (s *Server) reloadPlugin(w http.ResponseWriter, r *http.Request) {
	kind, name := r.PathValue("kind"), r.PathValue("name")
	if _, err := s.resolveVersion(kind, name, "-"); errors.Is(err, state.ErrNoPlugin) {
		s.applyError(w, err)
		return
	}
	s.mu.Lock()
	runner := s.runner
	s.mu.Unlock()
	if runner == nil {
		pluginError(w, http.StatusServiceUnavailable, "this scheduler is not leading yet; retry")
		return
	}
	runner.Reload(kind + "/" + name)
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) deregisterPlugin(w http.ResponseWriter, r *http.Request) {
	kind, name := r.PathValue("kind"), r.PathValue("name")
	version, err := s.resolveVersion(kind, name, r.PathValue("version"))
	if err != nil {
		s.applyError(w, err)
		return
	}
	ref := state.PluginRef{Kind: kind, Name: name, Version: version}
	e, err := s.store.Plugin(ref)
	if err != nil {
		s.applyError(w, err)
		return
	}
	if e.Builtin {
		pluginError(w, http.StatusBadRequest, "plugin %s is built in; disable it instead", e.ID())
		return
	}
	if err := s.node.Apply(r.Context(), state.DeletePlugin{PluginRef: ref}); err != nil {
		s.applyError(w, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
