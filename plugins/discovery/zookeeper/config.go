package zookeeper

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"strings"
	"time"
)

// Defaults.
const (
	DefaultServersetPath  = "/aurora"
	DefaultSessionTimeout = 10 * time.Second
)

// Config says where members go.
type Config struct {
	// Servers are host:port of the ensemble.
	Servers []string `json:"servers"`
	// SessionTimeout bounds how long members outlive a dead executor
	// ("10s").
	SessionTimeout string `json:"session_timeout,omitempty"`
	// ServersetPath is the root of the default paths
	// <root>/<role>/<environment>/<job>.
	ServersetPath string `json:"serverset_path,omitempty"`
	// AllowCustomServersetPath lets a job's zk_path choose the path.
	AllowCustomServersetPath bool `json:"allow_custom_serverset_path,omitempty"`
}

// ParseConfig decodes and checks a JSON configuration, with defaults.
func ParseConfig(raw []byte) (Config, error) {
	var c Config
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&c); err != nil {
		return c, fmt.Errorf("zookeeper discovery configuration: %w", err)
	}
	return c, c.check()
}

func (c *Config) check() error {
	var errs []error
	if len(c.Servers) == 0 {
		errs = append(errs, errors.New("servers must list at least one host:port"))
	}
	for _, s := range c.Servers {
		if _, _, err := net.SplitHostPort(s); err != nil {
			errs = append(errs, fmt.Errorf("server %q must be host:port", s))
		}
	}
	if c.ServersetPath == "" {
		c.ServersetPath = DefaultServersetPath
	}
	if !strings.HasPrefix(c.ServersetPath, "/") {
		errs = append(errs, fmt.Errorf("serverset_path %q must start with '/'", c.ServersetPath))
	}
	if _, err := c.sessionTimeout(); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

func (c *Config) sessionTimeout() (time.Duration, error) {
	if c.SessionTimeout == "" {
		return DefaultSessionTimeout, nil
	}
	d, err := time.ParseDuration(c.SessionTimeout)
	if err != nil || d <= 0 {
		return 0, fmt.Errorf("session_timeout %q must be a positive duration such as \"10s\"", c.SessionTimeout)
	}
	return d, nil
}

// memberPath is where an endpoint's task is announced.
func (c *Config) memberPath(ep Endpoint) (string, error) {
	if p := ep.Metadata[MetaZKPath]; p != "" {
		if !c.AllowCustomServersetPath {
			return "", fmt.Errorf("task %s asks for the serverset path %q, and custom serverset paths are not allowed (allow_custom_serverset_path)", ep.Key.TaskID, p)
		}
		if !strings.HasPrefix(p, "/") {
			return "", fmt.Errorf("serverset path %q must start with '/'", p)
		}
		return strings.TrimRight(p, "/"), nil
	}
	if ep.Role == "" || ep.Environment == "" || ep.Job == "" {
		return "", fmt.Errorf("task %s: role, environment and job are required for the default serverset path", ep.Key.TaskID)
	}
	return strings.TrimRight(c.ServersetPath, "/") + "/" + ep.Role + "/" + ep.Environment + "/" + ep.Job, nil
}
