package sdk

import (
	"bytes"
	"io"
	"testing"
)

type closeRecorder struct {
	bytes.Buffer
	closed bool
}

func (c *closeRecorder) Close() error {
	c.closed = true
	return nil
}

func TestFilterHandshake(t *testing.T) {
	const hs = "1|1|unix|/tmp/plugin123/p.sock|grpc|\n"
	tests := []struct {
		name     string
		chunks   []string
		wantOut  string
		wantJunk string
	}{
		{"handshake only", []string{hs}, hs, ""},
		{"noise lines around", []string{"noise\n", hs, "after\n"}, hs, "noise\nafter\n"},
		{"noise without newline glued to the handshake", []string{"partial", hs}, hs, "partial"},
		{"noise and handshake in one read", []string{"a\nb" + hs + "c"}, hs, "a\nbc"},
		{"multiplex field", []string{"1|1|unix|/x|grpc||true\n"}, "1|1|unix|/x|grpc||true\n", ""},
		{"wrong core version is noise", []string{"2|1|unix|/x|grpc|\n"}, "", "2|1|unix|/x|grpc|\n"},
		{"no handshake", []string{"a\n", "b"}, "", "a\nb"},
		{"second handshake-like line is noise", []string{hs, hs}, hs, hs},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, w := io.Pipe()
			go func() {
				for _, c := range tt.chunks {
					_, _ = w.Write([]byte(c))
				}
				_ = w.Close()
			}()
			var out closeRecorder
			var junk bytes.Buffer
			filterHandshake(r, &out, &junk)
			if out.String() != tt.wantOut {
				t.Errorf("stdout got %q, want %q", out.String(), tt.wantOut)
			}
			if junk.String() != tt.wantJunk {
				t.Errorf("stderr got %q, want %q", junk.String(), tt.wantJunk)
			}
			if !out.closed {
				t.Errorf("stdout was not closed")
			}
		})
	}
}
