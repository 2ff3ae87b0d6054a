package serverset

import (
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/go-zookeeper/zk"

	"github.com/aurora-go/aurora/internal/zktest"
)

func TestJoinAndFirstInAFinagleServerset(t *testing.T) {
	zks := zktest.Start(t)
	conn, _, err := zk.Connect(zks.Servers(), 5*time.Second, zk.WithLogInfo(false))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(conn.Close)

	const dir = "/aurora/scheduler"
	if _, _, err := First(conn, dir); !errors.Is(err, zk.ErrNoNode) {
		t.Fatalf("First of a missing serverset = %v, want ErrNoNode", err)
	}
	if err := EnsurePath(conn, dir); err != nil {
		t.Fatal(err)
	}
	if err := EnsurePath(conn, dir); err != nil {
		t.Fatalf("EnsurePath of an existing path: %v", err)
	}
	if _, _, err := First(conn, dir); !errors.Is(err, ErrNoMembers) {
		t.Fatalf("First of an empty serverset = %v, want ErrNoMembers", err)
	}

	ep := func(port int) Endpoint { return Endpoint{Host: "sched-1", Port: port} }
	first, err := Join(conn, dir, Member{ServiceEndpoint: ep(8081), AdditionalEndpoints: map[string]Endpoint{"http": ep(8081)}, Status: StatusAlive})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Join(conn, dir, Member{ServiceEndpoint: ep(9091), Status: StatusAlive}); err != nil {
		t.Fatal(err)
	}
	// The data is the JSON Finagle's readers expect.
	data, _, err := conn.Get(first)
	if err != nil {
		t.Fatal(err)
	}
	var raw map[string]any
	if err := json.Unmarshal(data, &raw); err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{"serviceEndpoint", "additionalEndpoints", "status"} {
		if _, ok := raw[key]; !ok {
			t.Errorf("member JSON %s lacks %q", data, key)
		}
	}
	m, name, err := First(conn, dir)
	if err != nil {
		t.Fatal(err)
	}
	if dir+"/"+name != first {
		t.Fatalf("First = %s, want the lowest sequence %s", name, first)
	}
	if u, err := m.URL(); err != nil || u != "http://sched-1:8081" {
		t.Fatalf("URL = %q, %v", u, err)
	}
}

func TestURLPrefersHTTPSThenHTTP(t *testing.T) {
	tests := []struct {
		m    Member
		want string
	}{
		{Member{ServiceEndpoint: Endpoint{"a", 1}, AdditionalEndpoints: map[string]Endpoint{"https": {"b", 2}, "http": {"c", 3}}}, "https://b:2"},
		{Member{ServiceEndpoint: Endpoint{"a", 1}, AdditionalEndpoints: map[string]Endpoint{"http": {"c", 3}}}, "http://c:3"},
		{Member{ServiceEndpoint: Endpoint{"a", 1}}, "http://a:1"},
	}
	for _, tt := range tests {
		if got, err := tt.m.URL(); err != nil || got != tt.want {
			t.Errorf("URL of %+v = %q, %v; want %q", tt.m, got, err, tt.want)
		}
	}
	if _, err := (&Member{}).URL(); err == nil {
		t.Error("a member without endpoints has a URL")
	}
}
