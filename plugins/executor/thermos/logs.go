package thermos

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
)

// outputs opens where one stream (stdout or stderr) of a process run goes,
// per its logger. The returned writer is an *os.File when output goes to a
// single plain file, so the process writes to it directly; otherwise it is
// a writer the runtime copies into. close releases what was opened.
func outputs(lc logConfig, dir, sandbox, stream string) (w io.Writer, close func(), err error) {
	var ws []io.Writer
	var files []*os.File
	closeAll := func() {
		for _, f := range files {
			f.Close()
		}
	}
	if lc.toFile {
		path := filepath.Join(dir, stream)
		if lc.rotate {
			r, err := newRotatingFile(path, lc.logSize, lc.backups)
			if err != nil {
				return nil, nil, err
			}
			files = append(files, r.f)
			ws = append(ws, r)
		} else {
			f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o644)
			if err != nil {
				return nil, nil, fmt.Errorf("open %s log: %w", stream, err)
			}
			files = append(files, f)
			ws = append(ws, f)
		}
	}
	if lc.toConsole {
		// The executor's console is the sandbox's own stdout and stderr.
		f, err := os.OpenFile(filepath.Join(sandbox, stream), os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o644)
		if err != nil {
			closeAll()
			return nil, nil, fmt.Errorf("open the console %s: %w", stream, err)
		}
		files = append(files, f)
		ws = append(ws, f)
	}
	switch {
	case len(ws) == 0:
		return io.Discard, closeAll, nil
	case len(ws) == 1:
		return ws[0], closeAll, nil
	}
	return io.MultiWriter(ws...), closeAll, nil
}

// rotatingFile is a log that, once it reaches size bytes, is renamed to
// NAME.1 (older backups shifting to NAME.2, ...; at most backups kept) and
// started afresh, as Thermos's rotating logger does.
type rotatingFile struct {
	path    string
	size    int64
	backups int

	mu      sync.Mutex
	f       *os.File
	written int64
}

func newRotatingFile(path string, size int64, backups int) (*rotatingFile, error) {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o644)
	if err != nil {
		return nil, fmt.Errorf("open log %s: %w", path, err)
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	return &rotatingFile{path: path, size: size, backups: backups, f: f, written: st.Size()}, nil
}

func (r *rotatingFile) Write(p []byte) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := 0
	for len(p) > 0 {
		if r.written >= r.size {
			if err := r.rotate(); err != nil {
				return n, err
			}
		}
		chunk := p
		if room := r.size - r.written; int64(len(chunk)) > room {
			chunk = chunk[:room]
		}
		m, err := r.f.Write(chunk)
		n += m
		r.written += int64(m)
		if err != nil {
			return n, err
		}
		p = p[m:]
	}
	return n, nil
}

// rotate shifts the backups and starts a new file. Callers hold mu.
func (r *rotatingFile) rotate() error {
	if err := r.f.Close(); err != nil {
		return err
	}
	if r.backups == 0 {
		if err := os.Remove(r.path); err != nil && !os.IsNotExist(err) {
			return err
		}
	} else {
		for i := r.backups - 1; i >= 1; i-- {
			from := fmt.Sprintf("%s.%d", r.path, i)
			if _, err := os.Stat(from); err == nil {
				if err := os.Rename(from, fmt.Sprintf("%s.%d", r.path, i+1)); err != nil {
					return err
				}
			}
		}
		if err := os.Rename(r.path, r.path+".1"); err != nil {
			return err
		}
	}
	f, err := os.OpenFile(r.path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return fmt.Errorf("reopen log %s: %w", r.path, err)
	}
	r.f, r.written = f, 0
	return nil
}
