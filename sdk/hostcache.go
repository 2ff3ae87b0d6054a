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
// A whole candidate list the plugin keeps travels as its id. Both sides
// announce and honour protocol features (constraintv1.Feature), so a
// plugin built with an older SDK keeps getting the forms it understands.
// See sdk/proto/aurora/plugin/constraint/v1/constraint.proto.
const (
	// maxSessionHosts bounds the hosts of one session; a client whose
	// session grows past it (hosts come and go) starts a new session.
	maxSessionHosts = 1 << 20
	// maxCachedSessions bounds the sessions a plugin keeps; the least
	// recently used one is dropped, and its client resends its hosts.
	maxCachedSessions = 16
)

// The protocol features this SDK's plugin side understands; it announces
// them in every response (constraintv1.Feature bits).
const serverFeatures = uint32(constraintv1.Feature_FEATURE_HOST_LISTS | constraintv1.Feature_FEATURE_ACTIVE_COUNTS)

// clientSession is the client side of a host cache session: what the
// plugin has been sent.
type clientSession struct {
	mu   sync.Mutex
	id   uint64
	refs map[string]uint32 // host id -> ref
	sent []uint64          // ref -> generation last sent in full (0: none)
	// features are the Feature bits of the plugin's last response.
	features uint32
	// list is the candidate list last sent as refs.
	list candidateList
}

// candidateList is a candidate list the client sent as refs under an id.
type candidateList struct {
	id   uint64
	ids  []string
	gens []uint64
	// kept: the plugin answered a request carrying the list and announced
	// FEATURE_HOST_LISTS, so it keeps the list (unless it restarts).
	kept bool
}

// matches reports whether hosts are the list's candidates, in order, at
// the same generations.
func (l *candidateList) matches(hosts []Host) bool {
	if l.id == 0 || len(hosts) != len(l.ids) {
		return false
	}
	for i := range hosts {
		if hosts[i].ID != l.ids[i] || hostGeneration(&hosts[i]) != l.gens[i] {
			return false
		}
	}
	return true
}

// encoded says which protocol features an encoded request relies on, and
// the candidate list it carries.
type encoded struct {
	features uint32
	list     uint64
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

// encode builds the wire request for req. When the plugin keeps the
// candidate list of req (the same hosts as the last request, at the same
// generations), the request names the list and carries no hosts at all.
// Otherwise every candidate travels as (ref, generation), and in full the
// hosts the plugin has not been sent at that generation.
func (s *clientSession) encode(req *FilterRequest) (*constraintv1.FilterRequest, encoded) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var used encoded
	compact := s.features&uint32(constraintv1.Feature_FEATURE_ACTIVE_COUNTS) != 0
	out := filterGroupToProto(req, compact)
	if compact && len(req.ActiveTasks) > 0 {
		used.features |= uint32(constraintv1.Feature_FEATURE_ACTIVE_COUNTS)
	}
	n := len(req.Hosts)
	if len(s.sent)+n > maxSessionHosts {
		s.id, s.refs, s.sent = newSessionID(), make(map[string]uint32), nil
		s.list = candidateList{}
	}
	out.Session = s.id
	if n == 0 {
		return out, used
	}
	same := s.list.matches(req.Hosts)
	if same && s.list.kept && s.features&uint32(constraintv1.Feature_FEATURE_HOST_LISTS) != 0 {
		out.HostList = s.list.id
		used.features |= uint32(constraintv1.Feature_FEATURE_HOST_LISTS)
		used.list = s.list.id
		return out, used
	}
	if !same {
		s.list = candidateList{id: s.list.id + 1, ids: make([]string, n), gens: make([]uint64, n)}
		for i := range req.Hosts {
			s.list.ids[i] = req.Hosts[i].ID
			s.list.gens[i] = hostGeneration(&req.Hosts[i])
		}
	}
	// A plugin of an older SDK ignores the list id; one of this SDK keeps
	// the list and says so in its answer.
	out.HostList, used.list = s.list.id, s.list.id
	out.HostRefs = make([]uint32, n)
	out.HostGenerations = make([]uint64, n)
	for i := range req.Hosts {
		h := &req.Hosts[i]
		gen := s.list.gens[i]
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
	return out, used
}

// cacheReply is what FilterResponse and ScoreResponse share.
type cacheReply interface {
	GetMissingRefs() []uint32
	GetFeatures() uint32
	GetMissingHostList() bool
}

// answered records the plugin's answer to a request encoded with used. It
// reports whether the request must be sent again: the plugin lacked some
// hosts or the candidate list, or does not understand a feature the
// request relied on (it was replaced by a plugin of an older SDK).
func (s *clientSession) answered(used encoded, resp cacheReply) (resend bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.features = resp.GetFeatures()
	if used.features&^s.features != 0 {
		s.list.kept = false
		return true
	}
	if resp.GetMissingHostList() {
		s.list.kept = false
		return true
	}
	if missing := resp.GetMissingRefs(); len(missing) > 0 {
		s.forgetLocked(missing)
		return true
	}
	if used.list != 0 && used.list == s.list.id && s.features&uint32(constraintv1.Feature_FEATURE_HOST_LISTS) != 0 {
		s.list.kept = true
	}
	return false
}

// forget marks refs as unknown to the plugin.
func (s *clientSession) forget(refs []uint32) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.forgetLocked(refs)
}

func (s *clientSession) forgetLocked(refs []uint32) {
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
	// list is the last candidate list the client named, resolved.
	list   []Host
	listID uint64
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

// decoded is a wire request resolved by the cache: the plugin's request,
// or what the cache lacks to resolve it.
type decoded struct {
	req *FilterRequest
	// missing are refs the cache lacks at the requested generation.
	missing []uint32
	// missingList: the request named a candidate list the cache does not
	// keep.
	missingList bool
}

// resolved reports whether d holds a request for the plugin.
func (d *decoded) resolved() bool { return d.req != nil }

// decode resolves a wire request into the plugin's request.
func (c *serverCache) decode(req *constraintv1.FilterRequest) (decoded, error) {
	refs, gens := req.GetHostRefs(), req.GetHostGenerations()
	if len(refs) != len(gens) {
		return decoded{}, fmt.Errorf("%w: %d host refs but %d generations", ErrInvalidArgument, len(refs), len(gens))
	}
	for _, ac := range req.GetActiveCounts() {
		if len(ac.GetValues()) != len(ac.GetCounts()) {
			return decoded{}, fmt.Errorf("%w: active counts of attribute %q have %d values but %d counts",
				ErrInvalidArgument, ac.GetAttribute(), len(ac.GetValues()), len(ac.GetCounts()))
		}
	}
	out := filterGroupFromProto(req)

	var table *serverSession
	if id := req.GetSession(); id != 0 {
		table = c.session(id)
	} else {
		table = &serverSession{}
	}
	table.mu.Lock()
	defer table.mu.Unlock()
	listID := req.GetHostList()
	if len(refs) == 0 && len(req.GetHosts()) == 0 && listID != 0 {
		if table.listID != listID {
			return decoded{missingList: true}, nil
		}
		out.Hosts = table.list
		return decoded{req: out}, nil
	}
	for _, ph := range req.GetHosts() {
		ref := ph.GetRef()
		if ref >= maxSessionHosts {
			return decoded{}, fmt.Errorf("%w: host ref %d out of range", ErrInvalidArgument, ref)
		}
		if int(ref) >= len(table.hosts) {
			table.hosts = slices.Grow(table.hosts, int(ref)+1-len(table.hosts))[:ref+1]
		}
		table.hosts[ref] = cachedHost{host: hostFromProto(ph), ok: true}
	}
	out.Hosts = make([]Host, len(refs))
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
		return decoded{missing: missing}, nil
	}
	if listID != 0 && req.GetSession() != 0 {
		table.list, table.listID = out.Hosts, listID
	}
	return decoded{req: out}, nil
}
