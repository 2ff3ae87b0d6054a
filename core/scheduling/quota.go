package scheduling

import (
	"context"
	"regexp"

	"github.com/aurora-go/aurora/core/state"
)

var goodRole = regexp.MustCompile(`^[\w\-\.]+$`)

// SetQuota sets a role's quota (Aurora's setQuota), replacing the one it
// had. Negative amounts are refused.
func (s *Scheduler) SetQuota(ctx context.Context, q state.Quota) error {
	if !goodRole.MatchString(q.Role) {
		return invalid("role %q may contain only letters, digits, '_', '-' and '.'", q.Role)
	}
	if q.CPU < 0 || q.RAM < 0 || q.Disk < 0 {
		return invalid("quota amounts must not be negative (cpu %g, ram %d bytes, disk %d bytes)", q.CPU, q.RAM, q.Disk)
	}
	if err := s.log.Apply(ctx, state.SetQuota{Quota: &q}); err != nil {
		return err
	}
	s.logger.Info("quota set", "role", q.Role, "cpu", q.CPU, "ram", q.RAM, "disk", q.Disk)
	return nil
}
