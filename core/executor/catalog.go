package executor

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/hashicorp/go-hclog"

	"github.com/aurora-go/aurora/core/pluginhost"
	"github.com/aurora-go/aurora/core/spec"
	"github.com/aurora-go/aurora/plugins/builtin"
	"github.com/aurora-go/aurora/sdk"
)

// EnvPluginCacheDir overrides where executors keep the catalog plugin
// binaries they fetch (scheduler config executor.plugin_cache_dir; the
// agent passes it in CommandInfo.environment).
const EnvPluginCacheDir = "AURORA_PLUGIN_CACHE_DIR"

// maxPluginBlob bounds a downloaded plugin binary, as the scheduler bounds
// an uploaded one.
const maxPluginBlob = 512 << 20

// PluginCache is an agent's cache of catalog plugin binaries, content
// addressed: <dir>/sha256/<hex>, each file mode 0555 (and a lock file per
// blob in <dir>/locks). A binary is
// downloaded under a temporary name while it is hashed and renamed into
// place only if its sha256 is the one asked for, so a path in the cache
// always holds the bytes its name says. The executors of an agent share
// the cache: a file lock per blob makes one of them download it while the
// others wait, and within a process concurrent fetches of a blob share one
// download.
type PluginCache struct {
	dir    string
	client *http.Client
	logger hclog.Logger

	mu       sync.Mutex
	inflight map[string]*blobFetch
}

type blobFetch struct {
	done chan struct{}
	path string
	err  error
}

// NewPluginCache returns a cache in dir (created on first use). A nil
// client means one with a 5 minute timeout.
func NewPluginCache(dir string, client *http.Client, logger hclog.Logger) (*PluginCache, error) {
	if dir == "" {
		return nil, errors.New("plugin cache: no directory")
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("plugin cache: %w", err)
	}
	if client == nil {
		client = &http.Client{Timeout: 5 * time.Minute}
	}
	if logger == nil {
		logger = hclog.NewNullLogger()
	}
	return &PluginCache{dir: abs, client: client, logger: logger, inflight: map[string]*blobFetch{}}, nil
}

// DefaultPluginCacheDir is where an executor whose sandbox is sandbox
// keeps plugin binaries when none is configured: aurora-plugin-cache in
// the agent's work dir (the part of the sandbox path before
// /slaves/<agent id>/frameworks/...), so every executor of the agent
// shares it; next to the executor's runs otherwise.
func DefaultPluginCacheDir(sandbox string) string {
	clean := filepath.Clean(sandbox)
	sep := string(filepath.Separator)
	if i := strings.LastIndex(clean, sep+"slaves"+sep); i > 0 {
		return filepath.Join(clean[:i], "aurora-plugin-cache")
	}
	return filepath.Join(filepath.Dir(clean), "aurora-plugin-cache")
}

// Dir is the cache's root directory.
func (c *PluginCache) Dir() string { return c.dir }

// Path is where the blob with the given hex sha256 lives (or would).
func (c *PluginCache) Path(sum string) string { return filepath.Join(c.dir, "sha256", sum) }

// Fetch returns the path of the binary whose hex sha256 is sum: the cached
// copy if its bytes still hash to sum, else one downloaded from the first
// of urls that serves the right bytes. A download whose bytes hash to
// something else is discarded, and the error (wrapping
// pluginhost.ErrChecksumMismatch) names both hashes.
func (c *PluginCache) Fetch(ctx context.Context, sum string, urls []string) (string, error) {
	if !pluginhost.ValidSHA256(sum) {
		return "", fmt.Errorf("plugin cache: sha256 %q is not 64 lower-case hex digits", sum)
	}
	c.mu.Lock()
	if f, ok := c.inflight[sum]; ok {
		c.mu.Unlock()
		select {
		case <-f.done:
			return f.path, f.err
		case <-ctx.Done():
			return "", ctx.Err()
		}
	}
	f := &blobFetch{done: make(chan struct{})}
	c.inflight[sum] = f
	c.mu.Unlock()

	f.path, f.err = c.fetch(ctx, sum, urls)
	c.mu.Lock()
	delete(c.inflight, sum)
	c.mu.Unlock()
	close(f.done)
	return f.path, f.err
}

func (c *PluginCache) fetch(ctx context.Context, sum string, urls []string) (string, error) {
	for _, sub := range []string{"sha256", "locks"} {
		if err := os.MkdirAll(filepath.Join(c.dir, sub), 0o755); err != nil {
			return "", fmt.Errorf("plugin cache: %w (set the scheduler's executor.plugin_cache_dir to a directory the executor may write)", err)
		}
	}
	unlock, err := lockFile(filepath.Join(c.dir, "locks", sum))
	if err != nil {
		return "", fmt.Errorf("plugin cache: %w", err)
	}
	defer unlock()

	path := c.Path(sum)
	if ok, err := c.cached(path, sum); err != nil {
		return "", err
	} else if ok {
		return path, nil
	}
	if len(urls) == 0 {
		return "", fmt.Errorf("plugin cache: no address to fetch the binary with sha256 %s from", sum)
	}
	var errs []error
	for _, u := range urls {
		err := c.download(ctx, u, sum, path)
		if err == nil {
			c.logger.Info("plugin binary fetched", "sha256", sum, "from", u)
			return path, nil
		}
		c.logger.Warn("cannot fetch a plugin binary", "sha256", sum, "from", u, "error", err)
		errs = append(errs, err)
		if ctx.Err() != nil {
			break
		}
	}
	return "", errors.Join(errs...)
}

// cached reports whether path holds a regular file whose bytes hash to
// sum; a file that does not is removed so that it is fetched again.
func (c *PluginCache) cached(path, sum string) (bool, error) {
	fi, err := os.Lstat(path)
	if errors.Is(err, os.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("plugin cache: %w", err)
	}
	if fi.Mode().IsRegular() {
		if got, err := pluginhost.FileSHA256(path); err == nil && got == sum {
			return true, nil
		} else {
			c.logger.Warn("cached plugin binary does not hash to its name; fetching it again", "path", path, "sha256", got, "error", err)
		}
	}
	if err := os.Remove(path); err != nil {
		return false, fmt.Errorf("plugin cache: remove a bad cached binary: %w", err)
	}
	return false, nil
}

// download copies url into path while hashing it, keeping it only if it
// hashes to sum.
func (c *PluginCache) download(ctx context.Context, url, sum, path string) (err error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	resp, err := c.client.Do(req)
	if err != nil {
		return fmt.Errorf("fetch plugin binary: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		body, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
		return fmt.Errorf("fetch plugin binary: %s answered %s: %s", url, resp.Status, strings.TrimSpace(string(body)))
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".incoming-*")
	if err != nil {
		return fmt.Errorf("plugin cache: %w", err)
	}
	defer func() {
		if err != nil {
			_ = tmp.Close()
			_ = os.Remove(tmp.Name())
		}
	}()
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(tmp, h), io.LimitReader(resp.Body, maxPluginBlob+1))
	if err != nil {
		return fmt.Errorf("fetch plugin binary from %s: %w", url, err)
	}
	if n > maxPluginBlob {
		return fmt.Errorf("fetch plugin binary from %s: larger than %d bytes", url, maxPluginBlob)
	}
	if got := hex.EncodeToString(h.Sum(nil)); got != sum {
		return fmt.Errorf("%w: the catalog entry says sha256 %s, %s served a binary with sha256 %s",
			pluginhost.ErrChecksumMismatch, sum, url, got)
	}
	if err = tmp.Sync(); err != nil {
		return fmt.Errorf("plugin cache: %w", err)
	}
	if err = tmp.Chmod(0o555); err != nil {
		return fmt.Errorf("plugin cache: %w", err)
	}
	if err = tmp.Close(); err != nil {
		return fmt.Errorf("plugin cache: %w", err)
	}
	if err = os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("plugin cache: %w", err)
	}
	return nil
}

// lockFile takes an exclusive lock on path (created if need be), shared
// with the other executors of the agent; the returned func releases it.
func lockFile(path string) (func(), error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return nil, err
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		f.Close()
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	return func() {
		_ = syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		_ = f.Close()
	}, nil
}

// pluginCacheFor is the cache an executor uses: the configured one, else
// one in $AURORA_PLUGIN_CACHE_DIR, else in DefaultPluginCacheDir.
func pluginCacheFor(configured *PluginCache, sandbox string, getenv func(string) string, logger hclog.Logger) *PluginCache {
	if configured != nil {
		return configured
	}
	dir := getenv(EnvPluginCacheDir)
	if dir == "" {
		dir = DefaultPluginCacheDir(sandbox)
	}
	c, err := NewPluginCache(dir, nil, logger.Named("plugin-cache"))
	if err != nil {
		return nil
	}
	return c
}

// builtinExecutor reports whether the aurora binary serves the executor
// plugin name itself.
func builtinExecutor(name string) bool {
	return slices.Contains(builtin.Names(), sdk.KindExecutor+"/"+name)
}

// taskPluginSpec is how to start the executor plugin name for task a: the
// catalog plugin the scheduler resolved, fetched into the agent's cache
// (its sha256 verified while downloading, and by the host again at every
// start), or a plugin built into this binary.
func (e *Executor) taskPluginSpec(ctx context.Context, a *spec.AssignedTask, name string) (pluginhost.Spec, error) {
	p := a.ExecutorPlugin
	if p == nil {
		if name != e.cfg.Plugin.Name && !builtinExecutor(name) {
			return pluginhost.Spec{}, fmt.Errorf("not built into this executor, and the scheduler sent no catalog entry for it: " +
				"is it registered and enabled? (`aurora plugin list`)")
		}
		return e.pluginSpec(name)
	}
	if p.Kind != sdk.KindExecutor || p.Name != name {
		return pluginhost.Spec{}, fmt.Errorf("the scheduler sent catalog plugin %s for executor %s/%s", p.ID(), sdk.KindExecutor, name)
	}
	if e.cfg.PluginCache == nil {
		return pluginhost.Spec{}, errors.New("this executor has no plugin cache to fetch catalog plugins into")
	}
	path, err := e.cfg.PluginCache.Fetch(ctx, p.SHA256, p.BlobURLs)
	if err != nil {
		return pluginhost.Spec{}, fmt.Errorf("fetch %s: %w", p.ID(), err)
	}
	return catalogSpec(p, path), nil
}

// catalogSpec is how to start catalog plugin p from its binary at path.
func catalogSpec(p *spec.CatalogPlugin, path string) pluginhost.Spec {
	return pluginhost.Spec{
		Kind: p.Kind, Name: p.Name, Version: p.Version, SHA256: p.SHA256,
		Config: p.Config, Timeout: p.Timeout,
		Command: path, Args: slices.Clone(p.Args), Env: slices.Clone(p.Env),
	}
}
