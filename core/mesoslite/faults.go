package mesoslite

import "sync/atomic"

// faults are the message faults a test asked for. They live in the Cluster
// and survive master failover; the leading master consumes them.
type faults struct {
	dropUpdates      atomic.Int64
	duplicateUpdates atomic.Int64
	dropAcks         atomic.Int64
}

// take consumes one fault from n and reports whether there was one.
func take(n *atomic.Int64) bool {
	for {
		v := n.Load()
		if v <= 0 {
			return false
		}
		if n.CompareAndSwap(v, v-1) {
			return true
		}
	}
}

// DropStatusUpdates makes the master lose the next n status updates it
// forwards from agents to schedulers, as a network would. The agents retry
// them (StatusUpdateRetry) because they were never acknowledged.
// Master-generated updates (no uuid) are never dropped: Mesos does not
// retry those, so losing one would lose it for good.
func (c *Cluster) DropStatusUpdates(n int) { c.faults.dropUpdates.Add(int64(n)) }

// DuplicateStatusUpdates makes the master send each of the next n status
// updates it forwards from agents twice, with the same uuid.
func (c *Cluster) DuplicateStatusUpdates(n int) { c.faults.duplicateUpdates.Add(int64(n)) }

// DropAcknowledgements makes the master lose the next n ACKNOWLEDGE calls
// (they still answer 202), so the agents resend the updates.
func (c *Cluster) DropAcknowledgements(n int) { c.faults.dropAcks.Add(int64(n)) }
