package zookeeper

import (
	"context"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/go-zookeeper/zk"

	"github.com/aurora-go/aurora/core/serverset"
	"github.com/aurora-go/aurora/internal/zktest"
)

func endpoints(task string, instance int32) []Endpoint {
	base := Endpoint{Owner: "exec-1", Role: "www-data", Environment: "prod", Job: "hello", Instance: instance, Host: "agent-1"}
	http, health, alias := base, base, base
	http.Key, http.Port, http.Metadata = EndpointKey{TaskID: task, PortName: "http"}, 31001, map[string]string{MetaPrimary: "true"}
	health.Key, health.Port = EndpointKey{TaskID: task, PortName: "health"}, 31002
	alias.Key, alias.Port = EndpointKey{TaskID: task, PortName: "aurora"}, 31001
	return []Endpoint{health, http, alias}
}

func connect(t *testing.T, s *zktest.Server) *zk.Conn {
	t.Helper()
	conn, _, err := zk.Connect(s.Servers(), 5*time.Second, zk.WithLogInfo(false))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(conn.Close)
	return conn
}

// members reads the serverset members under path.
func members(t *testing.T, conn *zk.Conn, path string) map[string]serverset.Member {
	t.Helper()
	children, _, err := conn.Children(path)
	if err != nil && err != zk.ErrNoNode {
		t.Fatal(err)
	}
	out := map[string]serverset.Member{}
	for _, c := range children {
		data, _, err := conn.Get(path + "/" + c)
		if err == zk.ErrNoNode {
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		var si serverset.Member
		if err := json.Unmarshal(data, &si); err != nil {
			t.Fatalf("member %s is not serverset JSON: %v: %s", c, err, data)
		}
		out[c] = si
	}
	return out
}

func waitUntil(t *testing.T, what string, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func TestAnnounceWithdrawServersetMember(t *testing.T) {
	s := zktest.Start(t)
	r, err := New(Config{Servers: s.Servers(), SessionTimeout: "2s"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	ctx := context.Background()
	res, err := r.Announce(ctx, endpoints("task-0", 3))
	if err != nil {
		t.Fatal(err)
	}
	for _, x := range res {
		if x.Err != "" {
			t.Fatalf("Announce result %+v", x)
		}
	}
	conn := connect(t, s)
	const path = "/aurora/www-data/prod/hello"
	got := members(t, conn, path)
	if len(got) != 1 {
		t.Fatalf("members under %s = %v, want 1", path, got)
	}
	shard := int32(3)
	want := serverset.Member{
		ServiceEndpoint: serverset.Endpoint{Host: "agent-1", Port: 31001},
		AdditionalEndpoints: map[string]serverset.Endpoint{
			"http": {Host: "agent-1", Port: 31001}, "health": {Host: "agent-1", Port: 31002}, "aurora": {Host: "agent-1", Port: 31001},
		},
		Status: "ALIVE", Shard: &shard,
	}
	for name, si := range got {
		if !strings.HasPrefix(name, "member_") || len(name) != len("member_0000000000") {
			t.Errorf("member znode %q, want member_<10 digits>", name)
		}
		if !reflect.DeepEqual(si, want) {
			t.Errorf("member data = %+v, want %+v", si, want)
		}
		_, stat, err := conn.Get(path + "/" + name)
		if err != nil || stat.EphemeralOwner == 0 {
			t.Errorf("member %s is not ephemeral (stat %+v, %v)", name, stat, err)
		}
	}

	// Announcing again is idempotent: still one member.
	if _, err := r.Announce(ctx, endpoints("task-0", 3)); err != nil {
		t.Fatal(err)
	}
	if n := len(members(t, conn, path)); n != 1 {
		t.Fatalf("%d members after announcing again, want 1", n)
	}
	list, _ := r.List(ctx, "exec-1")
	if len(list) != 3 || list[0].Key.PortName != "aurora" {
		t.Fatalf("List = %+v, want three endpoints sorted by key", list)
	}

	// A deleted member comes back, as Aurora's announcer rejoins.
	for name := range members(t, conn, path) {
		if err := conn.Delete(path+"/"+name, -1); err != nil {
			t.Fatal(err)
		}
	}
	waitUntil(t, "the deleted member to be announced again", func() bool { return len(members(t, conn, path)) == 1 })

	// Withdrawing every endpoint removes the member.
	var keys []EndpointKey
	for _, ep := range endpoints("task-0", 3) {
		keys = append(keys, ep.Key)
	}
	if _, err := r.Withdraw(ctx, keys); err != nil {
		t.Fatal(err)
	}
	if got := members(t, conn, path); len(got) != 0 {
		t.Fatalf("members after Withdraw = %v, want none", got)
	}
	if _, err := r.Withdraw(ctx, keys); err != nil {
		t.Fatalf("withdrawing unknown keys: %v", err)
	}
}

func TestCloseRemovesMembersAndCustomPaths(t *testing.T) {
	s := zktest.Start(t)
	conn := connect(t, s)
	strict, err := New(Config{Servers: s.Servers()}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer strict.Close()
	eps := endpoints("task-1", 0)
	for i := range eps {
		eps[i].Metadata = map[string]string{MetaZKPath: "/custom/path", MetaPrimary: eps[i].Metadata[MetaPrimary]}
	}
	res, err := strict.Announce(context.Background(), eps)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(res[0].Err, "custom serverset paths are not allowed") {
		t.Fatalf("custom path without permission: result %+v", res[0])
	}

	r, err := New(Config{Servers: s.Servers(), AllowCustomServersetPath: true}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.Announce(context.Background(), eps); err != nil {
		t.Fatal(err)
	}
	if n := len(members(t, conn, "/custom/path")); n != 1 {
		t.Fatalf("%d members under the custom path, want 1", n)
	}
	r.Close()
	if got := members(t, conn, "/custom/path"); len(got) != 0 {
		t.Fatalf("members after Close = %v, want none (the session ended)", got)
	}
}

func TestParseConfig(t *testing.T) {
	c, err := ParseConfig([]byte(`{"servers":["127.0.0.1:2181"]}`))
	if err != nil || c.ServersetPath != "/aurora" {
		t.Fatalf("ParseConfig = %+v, %v", c, err)
	}
	for _, bad := range []string{`{}`, `{"servers":["nohost"]}`, `{"servers":["h:1"],"session_timeout":"x"}`, `{"servers":["h:1"],"bogus":1}`} {
		if _, err := ParseConfig([]byte(bad)); err == nil {
			t.Errorf("ParseConfig(%s) succeeded", bad)
		}
	}
}
