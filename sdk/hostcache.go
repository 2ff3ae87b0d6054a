package sdk

import (
	"container/list"
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"slices"
	"sync"

	constraintv1 "github.com/aurora-go/aurora/sdk/proto/aurora/plugin/constraint/v1"
)

// The host cache keeps Filter requests small: within a cache session the
// client sends a host's attributes only when the plugin has not seen the
// host at its generation; otherwise the host travels as (ref, generation).
// See sdk/proto/aurora/plugin/constraint/v1/constraint.proto.
const (
	// maxSessionHosts bounds the hosts of one session; a client whose
	// session grows past it (hosts come and go) starts a new session.
	maxSessionHosts = 1 << 20
	// maxCachedSessions bounds the sessions a plugin keeps; the least
	// recently used one is dropped, and its client resends its hosts.
	maxCachedSessions = 16
)

// clientSession is the client side of a host cache session: what the
// plugin has been sent.
type clientSession struct {
	mu   sync.Mutex
	id   uint64
	refs map[string]uint32 // host id -> ref
	sent []uint64          // ref -> generation last sent in full (0: none)
}

func newClientSession() *clientSession {
	return &clientSession{id: newSessionID(), refs: make(map[string]uint32)}
}

func newSessionID() uint64 {
	for {
		if id := rand.Uint64(); id != 0 {
			return id
		}
	}
}

// hostGeneration is h.Generation, or, when the caller does not track
// generations (0), a hash of the host's content, so that the cache still
// notices changes.
func hostGeneration(h *Host) uint64 {
	if h.Generation != 0 {
		return h.Generation
	}
	return contentGeneration(h)
}

// contentGeneration hashes hostname and attributes, independently of map
// order; never 0.
func contentGeneration(h *Host) uint64 {
	f := fnv.New64a()
	_, _ = f.Write([]byte(h.Hostname))
	sum := f.Sum64()
	for name, values := range h.Attributes {
		f.Reset()
		_, _ = f.Write([]byte(name))
		for _, v := range values {
			_, _ = f.Write([]byte{0})
			_, _ = f.Write([]byte(v))
		}
		x := f.Sum64()
		// Mix before adding so that equal pairs do not cancel out.
		x ^= x >> 33
		x *= 0xff51afd7ed558ccd
		x ^= x >> 33
		sum += x
	}
	if sum == 0 {
		sum = 1
	}
	return sum
}

// encode builds the wire request for req: every candidate as (ref,
// generation), and in full the hosts the plugin has not been sent at that
// generation.
func (s *clientSession) encode(req *FilterRequest) *constraintv1.FilterRequest {
	out := filterGroupToProto(req)
	n := len(req.Hosts)
	out.HostRefs = make([]uint32, n)
	out.HostGenerations = make([]uint64, n)

	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.sent)+n > maxSessionHosts {
		s.id, s.refs, s.sent = newSessionID(), make(map[string]uint32), nil
	}
	out.Session = s.id
	for i := range req.Hosts {
		h := &req.Hosts[i]
		gen := hostGeneration(h)
		ref, ok := s.refs[h.ID]
		if !ok {
			ref = uint32(len(s.sent))
			s.refs[h.ID] = ref
			s.sent = append(s.sent, 0)
		}
		out.HostRefs[i] = ref
		out.HostGenerations[i] = gen
		if s.sent[ref] != gen {
			out.Hosts = append(out.Hosts, hostToProto(h, ref, gen))
			s.sent[ref] = gen
		}
	}
	return out
}

// forget marks refs as unknown to the plugin.
func (s *clientSession) forget(refs []uint32) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, r := range refs {
		if int(r) < len(s.sent) {
			s.sent[r] = 0
		}
	}
}

// serverCache is the plugin side: the hosts of each session by ref.
type serverCache struct {
	mu       sync.Mutex
	sessions map[uint64]*list.Element // of *serverSession
	lru      list.List                // front: most recently used
}

type serverSession struct {
	id    uint64
	mu    sync.Mutex
	hosts []cachedHost // by ref
}

type cachedHost struct {
	host Host
	ok   bool
}

func newServerCache() *serverCache {
	return &serverCache{sessions: make(map[uint64]*list.Element)}
}

// session returns the session id, creating it and evicting the least
// recently used session when over the bound.
func (c *serverCache) session(id uint64) *serverSession {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.sessions[id]; ok {
		c.lru.MoveToFront(e)
		return e.Value.(*serverSession)
	}
	s := &serverSession{id: id}
	c.sessions[id] = c.lru.PushFront(s)
	for c.lru.Len() > maxCachedSessions {
		old := c.lru.Back()
		c.lru.Remove(old)
		delete(c.sessions, old.Value.(*serverSession).id)
	}
	return s
}

// decode resolves a wire request into the plugin's request. It returns the
// refs it lacks (and no request) when some referenced host is unknown at
// the requested generation.
func (c *serverCache) decode(req *constraintv1.FilterRequest) (*FilterRequest, []uint32, error) {
	refs, gens := req.GetHostRefs(), req.GetHostGenerations()
	if len(refs) != len(gens) {
		return nil, nil, fmt.Errorf("%w: %d host refs but %d generations", ErrInvalidArgument, len(refs), len(gens))
	}
	out := filterGroupFromProto(req)
	out.Hosts = make([]Host, len(refs))

	var table *serverSession
	if id := req.GetSession(); id != 0 {
		table = c.session(id)
	} else {
		table = &serverSession{}
	}
	table.mu.Lock()
	defer table.mu.Unlock()
	for _, ph := range req.GetHosts() {
		ref := ph.GetRef()
		if ref >= maxSessionHosts {
			return nil, nil, fmt.Errorf("%w: host ref %d out of range", ErrInvalidArgument, ref)
		}
		if int(ref) >= len(table.hosts) {
			table.hosts = slices.Grow(table.hosts, int(ref)+1-len(table.hosts))[:ref+1]
		}
		table.hosts[ref] = cachedHost{host: hostFromProto(ph), ok: true}
	}
	var missing []uint32
	for i, ref := range refs {
		if int(ref) < len(table.hosts) {
			if ch := &table.hosts[ref]; ch.ok && ch.host.Generation == gens[i] {
				out.Hosts[i] = ch.host
				continue
			}
		}
		missing = append(missing, ref)
	}
	if len(missing) > 0 {
		return nil, missing, nil
	}
	return out, nil, nil
}
