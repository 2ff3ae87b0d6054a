package spec

import (
	"fmt"
	"strings"
	"time"
)

// Health check and lifecycle defaults (Aurora's HealthCheckConfig,
// HttpHealthChecker and HttpLifecycleConfig).
const (
	DefaultHealthPort              = "health"
	DefaultHealthInitialInterval   = Duration(15 * time.Second)
	DefaultHealthInterval          = Duration(10 * time.Second)
	DefaultHealthTimeout           = Duration(1 * time.Second)
	DefaultMaxConsecutiveFailures  = 0
	DefaultMinConsecutiveSuccesses = 1
	DefaultHealthEndpoint          = "/health"
	DefaultExpectedResponse        = "ok"
	DefaultExpectedResponseCode    = 0

	DefaultGracefulShutdownEndpoint = "/quitquitquit"
	DefaultShutdownEndpoint         = "/abortabortabort"
	DefaultGracefulShutdownWait     = Duration(5 * time.Second)
	DefaultShutdownWait             = Duration(5 * time.Second)
)

// HealthCheck is how the executor checks an instance's health (Aurora's
// HealthCheckConfig). Exactly one of HTTP and Shell is set; ApplyDefaults
// picks HTTP when neither is.
type HealthCheck struct {
	// InitialInterval is the grace period in which failures are ignored.
	InitialInterval         Duration `json:"initial_interval"`
	Interval                Duration `json:"interval"`
	Timeout                 Duration `json:"timeout"`
	MaxConsecutiveFailures  int      `json:"max_consecutive_failures"`
	MinConsecutiveSuccesses int      `json:"min_consecutive_successes"`

	HTTP  *HTTPHealthChecker  `json:"http,omitempty"`
	Shell *ShellHealthChecker `json:"shell,omitempty"`
}

// NewHealthCheck returns Aurora's default health check settings, with no
// checker chosen yet.
func NewHealthCheck() *HealthCheck {
	return &HealthCheck{
		InitialInterval:         DefaultHealthInitialInterval,
		Interval:                DefaultHealthInterval,
		Timeout:                 DefaultHealthTimeout,
		MaxConsecutiveFailures:  DefaultMaxConsecutiveFailures,
		MinConsecutiveSuccesses: DefaultMinConsecutiveSuccesses,
	}
}

// HTTPHealthChecker GETs an endpoint on one of the task's ports.
type HTTPHealthChecker struct {
	// Port names the requested port to check; Aurora always uses
	// "health".
	Port     string `json:"port"`
	Endpoint string `json:"endpoint"`
	// ExpectedResponse is compared case-insensitively with the trimmed
	// body; "" does not check the body.
	ExpectedResponse string `json:"expected_response"`
	// ExpectedResponseCode is the status wanted; 0 does not check it.
	ExpectedResponseCode int `json:"expected_response_code"`
}

// NewHTTPHealthChecker returns Aurora's default HTTP checker.
func NewHTTPHealthChecker() *HTTPHealthChecker {
	return &HTTPHealthChecker{
		Port:                 DefaultHealthPort,
		Endpoint:             DefaultHealthEndpoint,
		ExpectedResponse:     DefaultExpectedResponse,
		ExpectedResponseCode: DefaultExpectedResponseCode,
	}
}

// ShellHealthChecker runs a command; a non-zero exit is a failure.
type ShellHealthChecker struct {
	Command string `json:"command"`
}

func (h *HealthCheck) applyDefaults() {
	if h.HTTP == nil && h.Shell == nil {
		h.HTTP = NewHTTPHealthChecker()
	}
	if h.HTTP != nil {
		if h.HTTP.Port == "" {
			h.HTTP.Port = DefaultHealthPort
		}
		if h.HTTP.Endpoint == "" {
			h.HTTP.Endpoint = DefaultHealthEndpoint
		}
	}
}

// EffectiveHealthCheck is the health check the executor runs: the job's
// own, or, when it has none, Aurora's default HTTP check if the task
// requests a "health" port. It returns nil when there is none to run.
func (j *Job) EffectiveHealthCheck() *HealthCheck {
	if j.HealthCheck != nil {
		return j.HealthCheck
	}
	if !stringSet(j.requestedPorts())[DefaultHealthPort] {
		return nil
	}
	h := NewHealthCheck()
	h.HTTP = NewHTTPHealthChecker()
	return h
}

// Validate checks the settings; ports are the task's requested ports.
func (h *HealthCheck) Validate(ports map[string]bool) FieldErrors {
	var errs FieldErrors
	if h.InitialInterval < 0 {
		errs.Add("initial_interval", "must not be negative")
	}
	if h.Interval <= 0 {
		errs.Add("interval", "must be greater than 0")
	}
	if h.Timeout <= 0 {
		errs.Add("timeout", "must be greater than 0")
	}
	if h.MaxConsecutiveFailures < 0 {
		errs.Add("max_consecutive_failures", "must be at least 0")
	}
	if h.MinConsecutiveSuccesses < 0 {
		errs.Add("min_consecutive_successes", "must be at least 0")
	}
	switch {
	case h.HTTP != nil && h.Shell != nil:
		errs.Add("shell", "a health check is either http or shell, not both")
	case h.HTTP != nil:
		c := h.HTTP
		errs = append(errs, requirePort("http.port", c.Port, ports)...)
		if !strings.HasPrefix(c.Endpoint, "/") {
			errs.Add("http.endpoint", fmt.Sprintf("%q must be a path starting with '/'", c.Endpoint))
		}
		if c.ExpectedResponseCode != 0 && (c.ExpectedResponseCode < 100 || c.ExpectedResponseCode > 599) {
			errs.Add("http.expected_response_code", fmt.Sprintf("%d is not an HTTP status: use 100-599, or 0 not to check it", c.ExpectedResponseCode))
		}
	case h.Shell != nil:
		if strings.TrimSpace(h.Shell.Command) == "" {
			errs.Add("shell.command", "must not be empty")
		}
	}
	return errs
}

// Lifecycle is how an instance is asked to stop (Aurora's
// LifecycleConfig). HTTP nil disables it (Aurora's DisableLifecycle).
type Lifecycle struct {
	HTTP *HTTPLifecycle `json:"http,omitempty"`
}

// NewLifecycle returns Aurora's default lifecycle: graceful shutdown over
// HTTP on the "health" port.
func NewLifecycle() *Lifecycle { return &Lifecycle{HTTP: NewHTTPLifecycle()} }

// HTTPLifecycle POSTs to the graceful shutdown endpoint, waits, then to
// the shutdown endpoint, waits, then kills (Aurora's HttpLifecycleConfig).
type HTTPLifecycle struct {
	Port                     string   `json:"port"`
	GracefulShutdownEndpoint string   `json:"graceful_shutdown_endpoint"`
	ShutdownEndpoint         string   `json:"shutdown_endpoint"`
	GracefulShutdownWait     Duration `json:"graceful_shutdown_wait"`
	ShutdownWait             Duration `json:"shutdown_wait"`
}

// NewHTTPLifecycle returns Aurora's default HTTP lifecycle.
func NewHTTPLifecycle() *HTTPLifecycle {
	return &HTTPLifecycle{
		Port:                     DefaultHealthPort,
		GracefulShutdownEndpoint: DefaultGracefulShutdownEndpoint,
		ShutdownEndpoint:         DefaultShutdownEndpoint,
		GracefulShutdownWait:     DefaultGracefulShutdownWait,
		ShutdownWait:             DefaultShutdownWait,
	}
}

func (l *HTTPLifecycle) applyDefaults() {
	if l.Port == "" {
		l.Port = DefaultHealthPort
	}
	if l.GracefulShutdownEndpoint == "" {
		l.GracefulShutdownEndpoint = DefaultGracefulShutdownEndpoint
	}
	if l.ShutdownEndpoint == "" {
		l.ShutdownEndpoint = DefaultShutdownEndpoint
	}
}

// EffectiveLifecycle is the graceful shutdown the executor drives: the
// job's own (nil when it disabled it), or, when it has none, Aurora's
// default if the task requests a "health" port.
func (j *Job) EffectiveLifecycle() *HTTPLifecycle {
	if j.Lifecycle != nil {
		return j.Lifecycle.HTTP
	}
	if !stringSet(j.requestedPorts())[DefaultHealthPort] {
		return nil
	}
	return NewHTTPLifecycle()
}

// Validate checks the lifecycle; ports are the task's requested ports.
func (l *Lifecycle) Validate(ports map[string]bool) FieldErrors {
	var errs FieldErrors
	h := l.HTTP
	if h == nil {
		return nil
	}
	errs = append(errs, requirePort("http.port", h.Port, ports)...)
	for _, e := range []struct{ field, value string }{
		{"http.graceful_shutdown_endpoint", h.GracefulShutdownEndpoint},
		{"http.shutdown_endpoint", h.ShutdownEndpoint},
	} {
		if !strings.HasPrefix(e.value, "/") {
			errs.Add(e.field, fmt.Sprintf("%q must be a path starting with '/'", e.value))
		}
	}
	if h.GracefulShutdownWait < 0 {
		errs.Add("http.graceful_shutdown_wait", "must not be negative")
	}
	if h.ShutdownWait < 0 {
		errs.Add("http.shutdown_wait", "must not be negative")
	}
	return errs
}

// requirePort reports name unless it is one of the requested ports.
func requirePort(field, name string, ports map[string]bool) FieldErrors {
	var errs FieldErrors
	switch {
	case name == "":
		errs.Add(field, "must name a port")
	case !goodPortName.MatchString(name):
		errs.Add(field, fmt.Sprintf("port name %q may contain only letters, digits, '_' and '-'", name))
	case !ports[name]:
		errs.Add(field, fmt.Sprintf("port %q is not requested by the task: add it to resources.ports or refer to {{thermos.ports[%s]}} in a process", name, name))
	}
	return errs
}
