package zktest

import (
	"errors"
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/go-zookeeper/zk"
)

func TestServerServesAndRestarts(t *testing.T) {
	srv := Start(t)
	conn, _, err := zk.Connect(srv.Servers(), 5*time.Second, zk.WithLogInfo(false))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.Create("/zktest", []byte("hello"), 0, zk.WorldACL(zk.PermAll)); err != nil {
		t.Fatalf("create: %v", err)
	}
	eph, err := conn.Create("/zktest/e_", nil, zk.FlagEphemeral|zk.FlagSequence, zk.WorldACL(zk.PermAll))
	if err != nil {
		t.Fatalf("create ephemeral: %v", err)
	}

	srv.Restart()
	deadline := time.Now().Add(20 * time.Second)
	for {
		data, _, err := conn.Get("/zktest")
		if err == nil {
			if string(data) != "hello" {
				t.Fatalf("data after restart = %q", data)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no answer after restart: %v", err)
		}
		time.Sleep(50 * time.Millisecond)
	}
	// The session outlived the restart, so its ephemeral node did too.
	if ok, _, err := conn.Exists(eph); err != nil || !ok {
		t.Errorf("ephemeral node after restart: exists %v, %v", ok, err)
	}

	srv.Stop()
	srv.Stop() // idempotent
	if serving(srv.Addr()) {
		t.Error("server answers after Stop")
	}
	if _, err := conn.Create("/after-stop", nil, 0, zk.WorldACL(zk.PermAll)); err == nil || errors.Is(err, zk.ErrNodeExists) {
		t.Errorf("create after Stop: %v", err)
	}
}

// fatalTB records Fatalf and stops the goroutine, as testing.T does.
type fatalTB struct {
	testing.TB
	msg string
}

func (f *fatalTB) Helper() {}
func (f *fatalTB) Fatalf(format string, args ...any) {
	f.msg = fmt.Sprintf(format, args...)
	runtime.Goexit()
}

func TestStartFailsWithoutZooKeeper(t *testing.T) {
	saved := jarDirs
	jarDirs = []string{t.TempDir()}
	defer func() { jarDirs = saved }()
	tb := &fatalTB{TB: t}
	done := make(chan struct{})
	go func() {
		defer close(done)
		Start(tb)
		t.Error("Start returned without ZooKeeper")
	}()
	<-done
	if !strings.HasPrefix(tb.msg, "ZooKeeper not installed: run scripts/ci-deps.sh") {
		t.Errorf("failure message = %q", tb.msg)
	}
}
