// Package mesos is the framework side of the Mesos v1 scheduler HTTP API,
// on mesos-go v0.0.11: it subscribes (re-subscribing with the persisted
// framework id after any break), watches heartbeats, hands events to a
// Handler, and sends calls (ACCEPT, DECLINE, KILL, ACKNOWLEDGE, RECONCILE).
//
// It never acknowledges a status update by itself: the Handler does, after
// the state change is committed to the replicated log.
package mesos
