package spec

import (
	"fmt"
	"strconv"
	"strings"
)

// DefaultPrimaryPort is Aurora's Announcer primary_port.
const DefaultPrimaryPort = "http"

// Announce registers every instance in a ZooKeeper serverset (Aurora's
// Announcer).
type Announce struct {
	// PrimaryPort is the port announced as the member's endpoint; it must
	// be requested by the task.
	PrimaryPort string `json:"primary_port"`
	// Portmap maps announced names to a requested port's name (an alias)
	// or to a port number (a static port, for dedicated jobs only). nil
	// is Aurora's default, {"aurora": PrimaryPort}.
	Portmap map[string]string `json:"portmap"`
	// ZKPath overrides the serverset path; the executor must allow it.
	ZKPath string `json:"zk_path,omitempty"`
}

// NewAnnounce returns Aurora's default announcer settings; ApplyDefaults
// fills the portmap from the primary port.
func NewAnnounce() *Announce { return &Announce{PrimaryPort: DefaultPrimaryPort} }

func (a *Announce) applyDefaults() {
	if a.PrimaryPort == "" {
		a.PrimaryPort = DefaultPrimaryPort
	}
	if a.Portmap == nil {
		a.Portmap = map[string]string{"aurora": a.PrimaryPort}
	}
}

// StaticPort returns the port number a portmap value names, if it is one.
func StaticPort(value string) (int, bool) {
	n, err := strconv.Atoi(value)
	return n, err == nil
}

// Validate checks the announcer; ports are the task's requested ports.
func (a *Announce) Validate(ports map[string]bool, dedicated bool) FieldErrors {
	var errs FieldErrors
	errs = append(errs, requirePort("primary_port", a.PrimaryPort, ports)...)
	for _, name := range sortedKeys(a.Portmap) {
		value := a.Portmap[name]
		path := "portmap." + name
		if !goodPortName.MatchString(name) {
			errs.Add(path, fmt.Sprintf("announced name %q may contain only letters, digits, '_' and '-'", name))
			continue
		}
		if n, ok := StaticPort(value); ok {
			switch {
			case n < 1 || n > 65535:
				errs.Add(path, fmt.Sprintf("static port %d is not between 1 and 65535", n))
			case !dedicated:
				errs.Add(path, fmt.Sprintf("static port %d: only a dedicated job may announce static ports (add a dedicated constraint)", n))
			}
			continue
		}
		if value == a.PrimaryPort {
			continue // checked as the primary port
		}
		errs = append(errs, requirePort(path, value, ports)...)
	}
	if a.ZKPath != "" && !strings.HasPrefix(a.ZKPath, "/") {
		errs.Add("zk_path", fmt.Sprintf("%q must be an absolute ZooKeeper path starting with '/'", a.ZKPath))
	}
	return errs
}
