package jobspec

import (
	"github.com/hashicorp/hcl/v2"

	"github.com/aurora-go/aurora/core/spec"
)

// healthCheck decodes a health_check block and its http or shell checker.
func (d *decoder) healthCheck(block *hcl.Block) *spec.HealthCheck {
	h := spec.NewHealthCheck()
	b, blocks := d.open(block, healthCheckSchema, "health_check")
	d.duration(b, "initial_interval", &h.InitialInterval)
	d.duration(b, "interval", &h.Interval)
	d.duration(b, "timeout", &h.Timeout)
	d.int(b, "max_consecutive_failures", &h.MaxConsecutiveFailures)
	d.int(b, "min_consecutive_successes", &h.MinConsecutiveSuccesses)
	if c := d.optional(blocks, blockHTTP, blockHealthCheck); c != nil {
		h.HTTP = spec.NewHTTPHealthChecker()
		cb, _ := d.open(c, httpHealthSchema, "health_check.http")
		d.string(cb, "port", &h.HTTP.Port)
		d.string(cb, "endpoint", &h.HTTP.Endpoint)
		d.string(cb, "expected_response", &h.HTTP.ExpectedResponse)
		d.int(cb, "expected_response_code", &h.HTTP.ExpectedResponseCode)
	}
	if c := d.optional(blocks, blockShell, blockHealthCheck); c != nil {
		h.Shell = &spec.ShellHealthChecker{}
		cb, _ := d.open(c, shellHealthSchema, "health_check.shell")
		d.require(cb, c.DefRange, blockShell, "command")
		d.string(cb, "command", &h.Shell.Command)
	}
	return h
}

// lifecycle decodes a lifecycle block; without an http block it disables
// graceful shutdown, as Aurora's DisableLifecycle does.
func (d *decoder) lifecycle(block *hcl.Block) *spec.Lifecycle {
	l := &spec.Lifecycle{}
	_, blocks := d.open(block, lifecycleSchema, "lifecycle")
	if c := d.optional(blocks, blockHTTP, blockLifecycle); c != nil {
		l.HTTP = spec.NewHTTPLifecycle()
		b, _ := d.open(c, httpLifecycleSchema, "lifecycle.http")
		d.string(b, "port", &l.HTTP.Port)
		d.string(b, "graceful_shutdown_endpoint", &l.HTTP.GracefulShutdownEndpoint)
		d.string(b, "shutdown_endpoint", &l.HTTP.ShutdownEndpoint)
		d.duration(b, "graceful_shutdown_wait", &l.HTTP.GracefulShutdownWait)
		d.duration(b, "shutdown_wait", &l.HTTP.ShutdownWait)
	}
	return l
}

// announce decodes an announce block.
func (d *decoder) announce(block *hcl.Block) *spec.Announce {
	a := spec.NewAnnounce()
	b, _ := d.open(block, announceSchema, "announce")
	d.string(b, "primary_port", &a.PrimaryPort)
	d.stringMap(b, "portmap", &a.Portmap)
	d.string(b, "zk_path", &a.ZKPath)
	return a
}
