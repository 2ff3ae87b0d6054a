package conformance

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/mesos/mesos-go/api/v1/lib/recordio"
	"github.com/mesos/mesos-go/api/v1/lib/scheduler"

	"github.com/aurora-go/aurora/core/mesoslite/testexec"
)

// TestSchedulerAPIStatusCodes checks the transport of §1.1: the SUBSCRIBE
// stream's headers and the status codes a scheduler library depends on. A
// 4xx where Mesos answers 202 would make mesos-go drop the subscription.
func TestSchedulerAPIStatusCodes(t *testing.T) {
	tg := NewTarget(t, Options{})
	url := tg.MasterURL + "/api/v1/scheduler"
	post := func(contentType string, header map[string]string, body string) *http.Response {
		t.Helper()
		r, _ := http.NewRequest(http.MethodPost, url, strings.NewReader(body))
		if contentType != "" {
			r.Header.Set("Content-Type", contentType)
		}
		r.Header.Set("Accept", "application/json")
		for k, v := range header {
			r.Header.Set(k, v)
		}
		resp, err := http.DefaultClient.Do(r)
		if err != nil {
			t.Fatalf("POST: %v", err)
		}
		if resp.StatusCode != http.StatusOK {
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
		return resp
	}
	code := func(contentType string, header map[string]string, body string) int {
		t.Helper()
		return post(contentType, header, body).StatusCode
	}

	if resp, err := http.Get(url); err != nil || resp.StatusCode != 405 {
		t.Errorf("GET: %v %v, want 405", resp, err)
	} else {
		resp.Body.Close()
	}
	for _, tc := range []struct {
		name, contentType, body string
		header                  map[string]string
		want                    int
	}{
		{"unsupported Content-Type", "text/plain", `{}`, nil, 415},
		{"no Content-Type", "", `{}`, nil, 400},
		{"malformed JSON", "application/json", `{not json`, nil, 400},
		{"SUBSCRIBE without framework_info", "application/json", `{"type":"SUBSCRIBE","subscribe":{}}`, nil, 400},
		{"SUBSCRIBE with a stream id", "application/json", subscribeBody("x"), map[string]string{"Mesos-Stream-Id": "x"}, 400},
		{"SUBSCRIBE accepting only text/html", "application/json", subscribeBody("x"), map[string]string{"Accept": "text/html"}, 406},
		{"call without framework_id", "application/json", `{"type":"DECLINE","decline":{"offer_ids":[]}}`, nil, 400},
	} {
		if got := code(tc.contentType, tc.header, tc.body); got != tc.want {
			t.Errorf("%s: %d, want %d", tc.name, got, tc.want)
		}
	}

	resp := post("application/json", nil, subscribeBody("raw"))
	if resp.StatusCode != 200 {
		t.Fatalf("SUBSCRIBE: %d", resp.StatusCode)
	}
	if ct := resp.Header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("stream Content-Type %q, want the codec application/json", ct)
	}
	if resp.ContentLength != -1 || len(resp.TransferEncoding) == 0 || resp.TransferEncoding[0] != "chunked" {
		t.Errorf("stream is not chunked: length %d, encodings %v", resp.ContentLength, resp.TransferEncoding)
	}
	streamID := resp.Header.Get("Mesos-Stream-Id")
	if streamID == "" {
		t.Fatal("no Mesos-Stream-Id")
	}
	frames := recordio.NewReader(resp.Body)
	frame, err := frames.ReadFrame()
	var first scheduler.Event
	if err == nil {
		err = json.Unmarshal(frame, &first)
	}
	if err != nil || first.Type != scheduler.Event_SUBSCRIBED {
		t.Fatalf("first event: %v %v", first.Type, err)
	}
	fid := first.Subscribed.FrameworkID.Value
	withStream := map[string]string{"Mesos-Stream-Id": streamID}
	call := func(header map[string]string, framework, rest string) int {
		t.Helper()
		return code("application/json", header, `{"framework_id":{"value":"`+framework+`"},`+rest+`}`)
	}
	decline := `"type":"DECLINE","decline":{"offer_ids":[{"value":"no-such-offer"}]}`
	uuid, _ := json.Marshal(testexec.NewUUID())
	for _, tc := range []struct {
		name      string
		header    map[string]string
		framework string
		rest      string
		want      int
	}{
		{"missing stream id", nil, fid, decline, 400},
		{"wrong stream id", map[string]string{"Mesos-Stream-Id": "nope"}, fid, decline, 400},
		{"decline of an unknown offer", withStream, fid, decline, 202},
		{"acknowledgement of an unknown task", withStream, fid,
			`"type":"ACKNOWLEDGE","acknowledge":{"agent_id":{"value":"a"},"task_id":{"value":"t"},"uuid":` + string(uuid) + `}`, 202},
		{"acknowledgement with a bad uuid", withStream, fid,
			`"type":"ACKNOWLEDGE","acknowledge":{"agent_id":{"value":"a"},"task_id":{"value":"t"},"uuid":"AAAA"}`, 400},
		{"KILL without kill", withStream, fid, `"type":"KILL"`, 400},
		{"reconcile of nothing", withStream, fid, `"type":"RECONCILE","reconcile":{"tasks":[]}`, 202},
	} {
		if got := call(tc.header, tc.framework, tc.rest); got != tc.want {
			t.Errorf("%s: %d, want %d", tc.name, got, tc.want)
		}
	}
	if got := call(withStream, fid, `"type":"TEARDOWN"`); got != 202 {
		t.Errorf("TEARDOWN: %d, want 202", got)
	}
	resp.Body.Close()

	// A framework whose connection is gone gets 403 (here: a new one that
	// disconnected).
	fr := post("application/json", nil, subscribeBody("disconnecting"))
	sid := fr.Header.Get("Mesos-Stream-Id")
	frame, err = recordio.NewReader(fr.Body).ReadFrame()
	var sub scheduler.Event
	if err == nil {
		err = json.Unmarshal(frame, &sub)
	}
	if err != nil || sub.Subscribed == nil {
		t.Fatalf("SUBSCRIBE: %v %v", sub, err)
	}
	fr.Body.Close()
	deadline := time.Now().Add(WaitTimeout)
	for call(map[string]string{"Mesos-Stream-Id": sid}, sub.Subscribed.FrameworkID.Value, decline) != 403 {
		if time.Now().After(deadline) {
			t.Fatalf("no 403 for a framework whose connection closed")
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func subscribeBody(name string) string {
	return `{"type":"SUBSCRIBE","subscribe":{"framework_info":{"user":"` + User() + `","name":"conformance-` + name +
		`","failover_timeout":60}}}`
}
