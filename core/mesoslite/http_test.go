package mesoslite

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	mesos "github.com/mesos/mesos-go/api/v1/lib"
	"github.com/mesos/mesos-go/api/v1/lib/encoding/framing"
	"github.com/mesos/mesos-go/api/v1/lib/recordio"
	"github.com/mesos/mesos-go/api/v1/lib/scheduler"
)

func TestSchedulerAPIStatusCodes(t *testing.T) {
	c := startCluster(t, testConfig(t))
	url := c.MasterURL() + "/api/v1/scheduler"

	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 405 || resp.Header.Get("Allow") != "POST" {
		t.Errorf("GET: %d (Allow %q), want 405 (POST)", resp.StatusCode, resp.Header.Get("Allow"))
	}
	req := func(contentType, body string) int {
		r, _ := http.NewRequest(http.MethodPost, url, strings.NewReader(body))
		if contentType != "" {
			r.Header.Set("Content-Type", contentType)
		}
		resp, err := http.DefaultClient.Do(r)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if got := req("text/plain", `{}`); got != 415 {
		t.Errorf("text/plain body: %d, want 415", got)
	}
	if got := req("", `{}`); got != 400 {
		t.Errorf("no Content-Type: %d, want 400", got)
	}
	if got := req("application/json", `{not json`); got != 400 {
		t.Errorf("malformed JSON: %d, want 400", got)
	}
	if got := req("application/x-protobuf", "\xff\xff\xff"); got != 400 {
		t.Errorf("malformed protobuf: %d, want 400", got)
	}
	if got := req("application/json", `{"type":"SUBSCRIBE","subscribe":{}}`); got != 400 {
		t.Errorf("SUBSCRIBE without framework_info: %d, want 400", got)
	}
	sub := `{"type":"SUBSCRIBE","subscribe":{"framework_info":{"user":"u","name":"raw","failover_timeout":3600}}}`
	if got := postJSON(t, url, map[string]string{"Accept": "text/html"}, sub).StatusCode; got != 406 {
		t.Errorf("SUBSCRIBE accepting only text/html: %d, want 406", got)
	}
	if got := postJSON(t, url, map[string]string{"Mesos-Stream-Id": "x"}, sub).StatusCode; got != 400 {
		t.Errorf("SUBSCRIBE with a stream id: %d, want 400", got)
	}

	fi := mesos.FrameworkInfo{User: "u", Name: "raw"}
	timeout := 3600.0
	fi.FailoverTimeout = &timeout
	s := subscribeRaw(t, c, fi)
	if ct := s.resp.Header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("stream Content-Type %q, want application/json", ct)
	}
	if s.resp.ContentLength != -1 || len(s.resp.TransferEncoding) == 0 || s.resp.TransferEncoding[0] != "chunked" {
		t.Errorf("stream is not chunked: length %d, encodings %v", s.resp.ContentLength, s.resp.TransferEncoding)
	}
	first := s.next()
	if first.Type != scheduler.Event_SUBSCRIBED {
		t.Fatalf("first event %s", first.Type)
	}
	if e := s.next(); e.Type != scheduler.Event_HEARTBEAT {
		t.Fatalf("second event %s, want HEARTBEAT", e.Type)
	}
	fid := first.Subscribed.FrameworkID.Value
	streamID := s.resp.Header.Get("Mesos-Stream-Id")
	if streamID == "" {
		t.Fatal("no Mesos-Stream-Id")
	}
	withStream := map[string]string{"Mesos-Stream-Id": streamID}
	call := func(header map[string]string, framework, body string) int {
		return postJSON(t, url, header, `{"framework_id":{"value":"`+framework+`"},`+body+`}`).StatusCode
	}
	decline := `"type":"DECLINE","decline":{"offer_ids":[{"value":"no-such-offer"}]}`
	uuid, _ := json.Marshal(newUUID())
	for _, tc := range []struct {
		name      string
		header    map[string]string
		framework string
		body      string
		want      int
	}{
		{"missing stream id", nil, fid, decline, 400},
		{"wrong stream id", map[string]string{"Mesos-Stream-Id": "nope"}, fid, decline, 400},
		{"unknown framework", withStream, "no-such-framework", decline, 400},
		{"decline of an unknown offer", withStream, fid, decline, 202},
		{"ack of an unknown task", withStream, fid,
			`"type":"ACKNOWLEDGE","acknowledge":{"agent_id":{"value":"a"},"task_id":{"value":"t"},"uuid":` + string(uuid) + `}`, 202},
		{"ack with a bad uuid", withStream, fid,
			`"type":"ACKNOWLEDGE","acknowledge":{"agent_id":{"value":"a"},"task_id":{"value":"t"},"uuid":"AAAA"}`, 400},
		{"kill without payload", withStream, fid, `"type":"KILL"`, 400},
		{"unknown call type", withStream, fid, `"type":"UNKNOWN"`, 501},
		{"request", withStream, fid, `"type":"REQUEST","request":{"requests":[]}`, 202},
		{"resource without its required type", withStream, fid, `"type":"ACCEPT","accept":{"offer_ids":[{"value":"o"}],` +
			`"operations":[{"type":"LAUNCH","launch":{"task_infos":[{"name":"t","task_id":{"value":"t"},"agent_id":{"value":"a"},` +
			`"resources":[{"name":"cpus","scalar":{"value":1}}]}]}}]}`, 400},
	} {
		if got := call(tc.header, tc.framework, tc.body); got != tc.want {
			t.Errorf("%s: %d, want %d", tc.name, got, tc.want)
		}
	}
	if got := req("application/json", `{"type":"DECLINE","decline":{"offer_ids":[]}}`); got != 400 {
		t.Errorf("call without framework_id: %d, want 400", got)
	}
	upd := postJSON(t, url, withStream, `{"framework_id":{"value":"`+fid+`"},"type":"UPDATE_FRAMEWORK",`+
		`"update_framework":{"framework_info":{"id":{"value":"`+fid+`"},"user":"u","name":"renamed","failover_timeout":3600}}}`)
	if upd.StatusCode != 200 || upd.Header.Get("Content-Type") != "application/json" {
		t.Errorf("UPDATE_FRAMEWORK: %d %q, want 200 application/json", upd.StatusCode, upd.Header.Get("Content-Type"))
	}

	// A protobuf subscriber gets a protobuf stream.
	pr := postJSON(t, url, map[string]string{"Accept": "application/x-protobuf"},
		`{"type":"SUBSCRIBE","subscribe":{"framework_info":{"user":"u","name":"proto"}}}`)
	if ct := pr.Header.Get("Content-Type"); pr.StatusCode != 200 || ct != "application/x-protobuf" {
		t.Errorf("protobuf SUBSCRIBE: %d %q", pr.StatusCode, ct)
	}
	pr.Body.Close()

	// Once the connection is gone the framework is disconnected: 403.
	s.close()
	waitFor(t, "403 for a disconnected framework", func() bool { return call(withStream, fid, decline) == 403 })

	// Any id that was never removed is accepted: the framework is recovered.
	recovered := mesos.FrameworkInfo{User: "u", Name: "recovered", ID: &mesos.FrameworkID{Value: "recovered-framework"}}
	if e := subscribeRaw(t, c, recovered).next(); e.Type != scheduler.Event_SUBSCRIBED ||
		e.Subscribed.FrameworkID.Value != "recovered-framework" {
		t.Errorf("subscription with an unknown id: %v", e)
	}

	// GET /redirect points at this (leading) master.
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	rr, err := noFollow.Get(c.MasterURL() + "/redirect")
	if err != nil {
		t.Fatal(err)
	}
	rr.Body.Close()
	if want := "//" + strings.TrimPrefix(c.MasterURL(), "http://"); rr.StatusCode != 307 || rr.Header.Get("Location") != want {
		t.Errorf("/redirect: %d %q, want 307 %q", rr.StatusCode, rr.Header.Get("Location"), want)
	}
	sr, err := http.Get(c.MasterURL() + "/state")
	if err != nil {
		t.Fatal(err)
	}
	var st State
	err = json.NewDecoder(sr.Body).Decode(&st)
	sr.Body.Close()
	if err != nil || st.MasterID == "" || len(st.Agents) != 1 {
		t.Errorf("/state: %v %+v", err, st)
	}
}

// rawStream is a SUBSCRIBE response read by hand, JSON codec.
type rawStream struct {
	t    *testing.T
	resp *http.Response
	r    framing.Reader
}

func subscribeRaw(t *testing.T, c *Cluster, fi mesos.FrameworkInfo) *rawStream {
	t.Helper()
	call := scheduler.Call{Type: scheduler.Call_SUBSCRIBE, FrameworkID: fi.ID, Subscribe: &scheduler.Call_Subscribe{FrameworkInfo: &fi}}
	body, err := json.Marshal(&call)
	if err != nil {
		t.Fatal(err)
	}
	resp := postJSON(t, c.MasterURL()+"/api/v1/scheduler", nil, string(body))
	if resp.StatusCode != 200 {
		t.Fatalf("SUBSCRIBE: %d", resp.StatusCode)
	}
	s := &rawStream{t: t, resp: resp, r: recordio.NewReader(resp.Body)}
	t.Cleanup(s.close)
	return s
}

func (s *rawStream) close() { s.resp.Body.Close() }

func (s *rawStream) next() *scheduler.Event {
	s.t.Helper()
	type result struct {
		frame []byte
		err   error
	}
	ch := make(chan result, 1)
	go func() {
		f, err := s.r.ReadFrame()
		ch <- result{append([]byte(nil), f...), err}
	}()
	select {
	case r := <-ch:
		if r.err != nil {
			s.t.Fatalf("reading event: %v", r.err)
		}
		var e scheduler.Event
		if err := json.Unmarshal(r.frame, &e); err != nil {
			s.t.Fatalf("decoding event %q: %v", r.frame, err)
		}
		return &e
	case <-time.After(waitTimeout):
		s.t.Fatalf("no event within %v", waitTimeout)
		return nil
	}
}

// postJSON posts a JSON call; the response body is closed at the end of the
// test (streams stay readable).
func postJSON(t *testing.T, url string, header map[string]string, body string) *http.Response {
	t.Helper()
	r, _ := http.NewRequestWithContext(context.Background(), http.MethodPost, url, strings.NewReader(body))
	r.Header.Set("Content-Type", "application/json")
	r.Header.Set("Accept", "application/json")
	for k, v := range header {
		r.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(r)
	if err != nil {
		t.Fatalf("POST %s: %v", url, err)
	}
	if resp.StatusCode != 200 {
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	} else {
		t.Cleanup(func() { resp.Body.Close() })
	}
	return resp
}

func postJSON2(url, body string) (*http.Response, error) {
	client := &http.Client{Timeout: 2 * time.Second}
	return client.Post(url, "application/json", strings.NewReader(body))
}

func agentEndpoint(t *testing.T, c *Cluster) string {
	t.Helper()
	st, err := c.State(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return st.Agents[0].Endpoint
}
