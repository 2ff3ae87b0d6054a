package spec

import (
	"fmt"
	"regexp"
)

// Resources a task asks for. RAM and disk are bytes.
type Resources struct {
	CPU  float64 `json:"cpu"`
	RAM  int64   `json:"ram"`
	Disk int64   `json:"disk"`
	GPU  int     `json:"gpu,omitempty"`
	// Ports are the named ports the task requests. ApplyDefaults adds
	// every port a {{thermos.ports[NAME]}} template refers to, as Aurora
	// requests referenced ports.
	Ports []string `json:"ports,omitempty"`
}

// MiB is Aurora's MB: ram = 128*MB means 128 MiB.
const MiB = 1 << 20

// RAMMB is the RAM in the unit Mesos offers (MB = MiB).
func (r Resources) RAMMB() float64 { return float64(r.RAM) / MiB }

// DiskMB is the disk in the unit Mesos offers (MB = MiB).
func (r Resources) DiskMB() float64 { return float64(r.Disk) / MiB }

var goodPortName = regexp.MustCompile(`^[\w\-]+$`)

// Validate checks resource amounts and port names.
func (r *Resources) Validate() FieldErrors {
	var errs FieldErrors
	if r.CPU <= 0 {
		errs.Add("cpu", "must be greater than 0")
	}
	if r.RAM <= 0 {
		errs.Add("ram", "must be greater than 0")
	}
	if r.Disk <= 0 {
		errs.Add("disk", "must be greater than 0")
	}
	if r.GPU < 0 {
		errs.Add("gpu", "must not be negative")
	}
	seen := map[string]bool{}
	for _, p := range r.Ports {
		if !goodPortName.MatchString(p) {
			errs.Add("ports", fmt.Sprintf("port name %q may contain only letters, digits, '_' and '-'", p))
		}
		if seen[p] {
			errs.Add("ports", fmt.Sprintf("port %q is named twice", p))
		}
		seen[p] = true
	}
	return errs
}
