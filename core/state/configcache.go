package state

import (
	"encoding/json"
	"sync"

	"github.com/aurora-go/aurora/core/spec"
)

// configCacheSize bounds the configurations configCache keeps; reaching it
// empties the cache.
const configCacheSize = 4096

// configCache shares decoded job configurations between log entries. A
// job's configuration travels as JSON in every binary command that saves
// its tasks, so the same bytes come again and again: decoding them once
// saves the decode (a tenth of applying a command) and lets the tasks of
// a job share one configuration in memory, as the tasks of one command
// already do. Stored configurations are never modified.
type configCache struct {
	mu sync.Mutex
	m  map[string]*spec.Job
}

// decodedConfigs is the cache of the binary commands' configurations.
var decodedConfigs = &configCache{m: map[string]*spec.Job{}}

// decode returns the configuration encoded as b.
func (c *configCache) decode(b []byte) (*spec.Job, error) {
	c.mu.Lock()
	cfg, ok := c.m[string(b)]
	c.mu.Unlock()
	if ok {
		return cfg, nil
	}
	cfg = new(spec.Job)
	if err := json.Unmarshal(b, cfg); err != nil {
		return nil, err
	}
	c.mu.Lock()
	if len(c.m) >= configCacheSize {
		clear(c.m)
	}
	c.m[string(b)] = cfg
	c.mu.Unlock()
	return cfg, nil
}
