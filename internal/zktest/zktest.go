package zktest

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"
)

// notInstalled is how a test fails when ZooKeeper is missing.
const notInstalled = "ZooKeeper not installed: run scripts/ci-deps.sh"

// jarDirs are where Debian installs ZooKeeper's jars; zookeeper.jar's
// manifest lists its dependencies.
var jarDirs = []string{"/usr/share/java"}

// startTimeout bounds the wait for a started server to answer ruok.
const startTimeout = 60 * time.Second

// Server is a running standalone ZooKeeper server.
type Server struct {
	t    testing.TB
	dir  string
	port int
	java string
	jar  string

	mu   sync.Mutex
	cmd  *exec.Cmd
	done chan struct{} // closed when cmd has been waited for
}

// Start runs a ZooKeeper server for the test and stops it when the test
// ends. The test fails if ZooKeeper is not installed.
func Start(t testing.TB) *Server {
	t.Helper()
	java, jar, err := locate()
	if err != nil {
		t.Fatalf("%s (%v)", notInstalled, err)
	}
	s := &Server{t: t, dir: t.TempDir(), java: java, jar: jar}
	s.port, err = freePort()
	if err != nil {
		t.Fatalf("zktest: finding a free port: %v", err)
	}
	if err := s.writeConfig(); err != nil {
		t.Fatalf("zktest: %v", err)
	}
	t.Cleanup(s.Stop)
	if err := s.start(); err != nil {
		t.Fatalf("zktest: %v", err)
	}
	return s
}

// locate finds java and zookeeper.jar.
func locate() (java, jar string, err error) {
	java, err = exec.LookPath("java")
	if err != nil {
		return "", "", fmt.Errorf("java is not on PATH: %w", err)
	}
	for _, dir := range jarDirs {
		p := filepath.Join(dir, "zookeeper.jar")
		if _, err := os.Stat(p); err == nil {
			return java, p, nil
		}
	}
	return "", "", errors.New("zookeeper.jar not found in " + fmt.Sprint(jarDirs))
}

func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

func (s *Server) writeConfig() error {
	cfg := fmt.Sprintf(`tickTime=500
initLimit=10
syncLimit=5
minSessionTimeout=1000
maxSessionTimeout=60000
dataDir=%s
clientPort=%d
clientPortAddress=127.0.0.1
maxClientCnxns=0
admin.enableServer=false
4lw.commands.whitelist=ruok,srvr,stat
`, filepath.Join(s.dir, "data"), s.port)
	return os.WriteFile(filepath.Join(s.dir, "zoo.cfg"), []byte(cfg), 0o644)
}

// Servers are the client addresses, as go-zookeeper's Connect takes them.
func (s *Server) Servers() []string { return []string{s.Addr()} }

// Addr is the server's host:port.
func (s *Server) Addr() string { return net.JoinHostPort("127.0.0.1", strconv.Itoa(s.port)) }

func (s *Server) start() error {
	logf, err := os.OpenFile(s.logPath(), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return err
	}
	defer logf.Close()
	cmd := exec.Command(s.java,
		"-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
		"-Dzookeeper.jmx.log4j.disable=true",
		"-cp", s.jar,
		"org.apache.zookeeper.server.ZooKeeperServerMain", filepath.Join(s.dir, "zoo.cfg"))
	cmd.Dir = s.dir
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("starting ZooKeeper: %w", err)
	}
	done := make(chan struct{})
	go func() {
		_ = cmd.Wait()
		close(done)
	}()
	s.mu.Lock()
	s.cmd, s.done = cmd, done
	s.mu.Unlock()

	deadline := time.Now().Add(startTimeout)
	for {
		if serving(s.Addr()) {
			return nil
		}
		select {
		case <-done:
			return fmt.Errorf("ZooKeeper exited while starting:\n%s", s.logTail())
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			s.Stop()
			return fmt.Errorf("ZooKeeper did not serve within %v:\n%s", startTimeout, s.logTail())
		}
	}
}

// fourLetter sends a four-letter word and returns the answer.
func fourLetter(addr, word string) []byte {
	c, err := net.DialTimeout("tcp", addr, time.Second)
	if err != nil {
		return nil
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(2 * time.Second))
	if _, err := c.Write([]byte(word)); err != nil {
		return nil
	}
	b, _ := io.ReadAll(c)
	return b
}

// serving reports whether the server answers ruok with imok and serves
// requests: ruok answers as soon as the port is open, srvr only reports the
// server's mode once its database is loaded.
func serving(addr string) bool {
	return bytes.Equal(fourLetter(addr, "ruok"), []byte("imok")) &&
		bytes.Contains(fourLetter(addr, "srvr"), []byte("Mode: "))
}

// Stop kills the server (SIGKILL to its process group) and waits for it. Its
// data stays, so Restart brings back the same znodes and sessions.
func (s *Server) Stop() {
	s.mu.Lock()
	cmd, done := s.cmd, s.done
	s.cmd = nil
	s.mu.Unlock()
	if cmd == nil {
		return
	}
	_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	<-done
}

// Restart stops the server and starts it again on the same port and data.
func (s *Server) Restart() {
	s.t.Helper()
	s.Stop()
	if err := s.start(); err != nil {
		s.t.Fatalf("zktest: restarting: %v", err)
	}
}

func (s *Server) logPath() string { return filepath.Join(s.dir, "zookeeper.log") }

func (s *Server) logTail() string {
	b, _ := os.ReadFile(s.logPath())
	if len(b) > 4000 {
		b = b[len(b)-4000:]
	}
	return string(b)
}
