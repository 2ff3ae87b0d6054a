package sdk

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"regexp"
	"sync"

	plugin "github.com/hashicorp/go-plugin"
)

// handshakeLine matches go-plugin's handshake:
// CORE|APP|NETWORK|ADDR|PROTOCOL|SERVERCERT[|MUX], written in one write.
var handshakeLine = regexp.MustCompile(fmt.Sprintf(
	`%d\|%d\|(unix|tcp)\|[^|\n]*\|(grpc|netrpc)\|[^|\n]*(\|(true|false))?\n`,
	plugin.CoreProtocolVersion, APIVersion))

// stdoutGuard owns the redirection of stdout set up by guardStdout.
type stdoutGuard struct {
	w    *os.File // what os.Stdout points at
	done chan struct{}
	prev *os.File
}

// guardStdout keeps the host's stdout pipe for the handshake alone. It
// duplicates the real stdout, points file descriptor 1 at stderr (so raw
// writes and inherited descriptors land in stderr), and points os.Stdout at
// a pipe whose reader forwards go-plugin's handshake line to the real stdout
// and everything else to junk.
func guardStdout(junk io.Writer) (*stdoutGuard, error) {
	real, err := detachStdout()
	if err != nil {
		return nil, err
	}
	r, w, err := os.Pipe()
	if err != nil {
		_ = real.Close()
		return nil, fmt.Errorf("stdout pipe: %w", err)
	}
	g := &stdoutGuard{w: w, done: make(chan struct{}), prev: os.Stdout}
	os.Stdout = w
	go func() {
		defer close(g.done)
		defer r.Close()
		filterHandshake(r, real, junk)
	}()
	return g, nil
}

// close restores os.Stdout if it still points at the guard and waits for the
// forwarder to drain.
func (g *stdoutGuard) close() {
	if os.Stdout == g.w {
		os.Stdout = g.prev
	}
	_ = g.w.Close()
	<-g.done
}

// filterHandshake copies r to junk, except for the first handshake line,
// which goes to out; out is closed after the handshake (or at EOF) so that
// nothing else can reach the host on it.
func filterHandshake(r io.Reader, out io.WriteCloser, junk io.Writer) {
	var (
		once    sync.Once
		closeFn = func() { _ = out.Close() }
		pending []byte
		buf     = make([]byte, 64<<10)
		passed  bool
	)
	defer once.Do(closeFn)
	for {
		n, err := r.Read(buf)
		if n > 0 {
			if passed {
				_, _ = junk.Write(buf[:n])
			} else {
				pending = append(pending, buf[:n]...)
				if loc := handshakeLine.FindIndex(pending); loc != nil {
					_, _ = junk.Write(pending[:loc[0]])
					_, _ = out.Write(pending[loc[0]:loc[1]])
					once.Do(closeFn)
					_, _ = junk.Write(pending[loc[1]:])
					pending, passed = nil, true
				} else if i := bytes.LastIndexByte(pending, '\n'); i >= 0 {
					// Complete lines without a handshake are junk; keep the
					// partial last line, it may end with the handshake.
					_, _ = junk.Write(pending[:i+1])
					pending = append(pending[:0], pending[i+1:]...)
				}
			}
		}
		if err != nil {
			_, _ = junk.Write(pending)
			return
		}
	}
}
