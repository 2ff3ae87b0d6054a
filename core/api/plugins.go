package api

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"time"

	"github.com/aurora-go/aurora/core/pluginhost"
)

// Plugin catalog API bodies.
type (
	// RegisterPluginRequest registers a plugin whose binary was uploaded
	// with UploadPluginBlob (POST /v1/plugins).
	RegisterPluginRequest struct {
		Kind          string                   `json:"kind"`
		Name          string                   `json:"name"`
		Version       string                   `json:"version"`
		SHA256        string                   `json:"sha256"`
		Args          []string                 `json:"args,omitempty"`
		Env           []string                 `json:"env,omitempty"`
		Config        json.RawMessage          `json:"config,omitempty"`
		FailurePolicy pluginhost.FailurePolicy `json:"failure_policy,omitempty"`
		Timeout       time.Duration            `json:"timeout,omitempty"`
	}

	// UploadResponse names the stored blob.
	UploadResponse struct {
		SHA256 string `json:"sha256"`
		Size   int64  `json:"size"`
	}

	// PluginInfo is every catalog entry of KIND/NAME and the one the
	// cluster runs (GET /v1/plugins/{kind}/{name}).
	PluginInfo struct {
		Kind     string             `json:"kind"`
		Name     string             `json:"name"`
		Resolved string             `json:"resolved,omitempty"` // the version in use, "" if none is enabled
		Versions []pluginhost.Entry `json:"versions"`
	}
)

// Plugins lists the catalog.
func (c *Client) Plugins(ctx context.Context) ([]pluginhost.Entry, error) {
	var out []pluginhost.Entry
	return out, c.do(ctx, http.MethodGet, "/v1/plugins", nil, &out)
}

// PluginInfo reads the catalog entries of KIND/NAME.
func (c *Client) PluginInfo(ctx context.Context, kind, name string) (*PluginInfo, error) {
	var out PluginInfo
	return &out, c.do(ctx, http.MethodGet, pluginPath(kind, name), nil, &out)
}

// UploadPluginBlob sends a plugin binary that must have the hex sha256
// sum; the leader hashes it while storing it and refuses it, naming both
// hashes, if they differ.
func (c *Client) UploadPluginBlob(ctx context.Context, sum string, binary []byte) (*UploadResponse, error) {
	var out UploadResponse
	return &out, c.retry(ctx, http.MethodPost, "/v1/plugins/blobs/"+url.PathEscape(sum), "application/octet-stream", binary, &out)
}

// RegisterPlugin registers an uploaded binary as a catalog entry
// (disabled until enabled).
func (c *Client) RegisterPlugin(ctx context.Context, req RegisterPluginRequest) (*pluginhost.Entry, error) {
	var out pluginhost.Entry
	return &out, c.do(ctx, http.MethodPost, "/v1/plugins", req, &out)
}

// SetPluginState enables (true) or disables a version of KIND/NAME; an
// empty version means the only one, or the pinned one.
func (c *Client) SetPluginState(ctx context.Context, kind, name, version string, enabled bool) (*pluginhost.Entry, error) {
	verb := "disable"
	if enabled {
		verb = "enable"
	}
	var out pluginhost.Entry
	return &out, c.do(ctx, http.MethodPost, pluginVersionPath(kind, name, version)+"/"+verb, nil, &out)
}

// PinPlugin makes version the one the cluster runs for KIND/NAME.
func (c *Client) PinPlugin(ctx context.Context, kind, name, version string) (*pluginhost.Entry, error) {
	var out pluginhost.Entry
	return &out, c.do(ctx, http.MethodPost, pluginVersionPath(kind, name, version)+"/pin", nil, &out)
}

// ReloadPlugin restarts the running process of KIND/NAME on the leader.
func (c *Client) ReloadPlugin(ctx context.Context, kind, name string) error {
	return c.do(ctx, http.MethodPost, pluginPath(kind, name)+"/reload", nil, nil)
}

// DeregisterPlugin removes a disabled, unpinned version of KIND/NAME.
func (c *Client) DeregisterPlugin(ctx context.Context, kind, name, version string) error {
	return c.do(ctx, http.MethodDelete, pluginVersionPath(kind, name, version), nil, nil)
}

func pluginPath(kind, name string) string {
	return "/v1/plugins/" + url.PathEscape(kind) + "/" + url.PathEscape(name)
}

func pluginVersionPath(kind, name, version string) string {
	if version == "" {
		version = "-"
	}
	return pluginPath(kind, name) + "/" + url.PathEscape(version)
}
