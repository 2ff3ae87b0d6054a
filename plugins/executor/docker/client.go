package docker

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// apiVersion is the Docker Engine API version used: 1.41 (Docker 20.10)
// is served by every engine since, Debian's docker.io included.
const apiVersion = "v1.41"

// errNotFound is the engine's 404.
var errNotFound = errors.New("not found")

// engine talks to dockerd's Engine API over its unix socket.
type engine struct {
	socket string
	http   *http.Client
}

func newEngine(socket string) *engine {
	dialer := &net.Dialer{Timeout: 5 * time.Second}
	return &engine{socket: socket, http: &http.Client{Transport: &http.Transport{
		DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
			return dialer.DialContext(ctx, "unix", socket)
		},
		DisableCompression: true,
	}}}
}

// socketFromHost turns DOCKER_HOST (unix:///path) into a socket path.
func socketFromHost(host string) (string, error) {
	if host == "" {
		return "", nil
	}
	if p, ok := strings.CutPrefix(host, "unix://"); ok && p != "" {
		return p, nil
	}
	return "", fmt.Errorf("DOCKER_HOST %q: only unix:///path sockets are supported", host)
}

// do sends a request; body, if not nil, is sent as JSON. A status >= 400
// is an error carrying the engine's message (errNotFound for 404).
func (e *engine) do(ctx context.Context, method, path string, query url.Values, body any) (*http.Response, error) {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return nil, err
		}
		rd = bytes.NewReader(b)
	}
	u := "http://docker/" + apiVersion + path
	if len(query) > 0 {
		u += "?" + query.Encode()
	}
	req, err := http.NewRequestWithContext(ctx, method, u, rd)
	if err != nil {
		return nil, err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := e.http.Do(req)
	if err != nil {
		return nil, fmt.Errorf("docker engine at %s: %w", e.socket, err)
	}
	if resp.StatusCode >= 400 {
		defer resp.Body.Close()
		b, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
		var msg struct {
			Message string `json:"message"`
		}
		_ = json.Unmarshal(b, &msg)
		if msg.Message == "" {
			msg.Message = strings.TrimSpace(string(b))
		}
		err := fmt.Errorf("docker %s %s: %d %s", method, path, resp.StatusCode, msg.Message)
		if resp.StatusCode == http.StatusNotFound {
			err = fmt.Errorf("%w: %w", errNotFound, err)
		}
		return nil, err
	}
	return resp, nil
}

// call sends a request and decodes a JSON answer into out (if not nil).
func (e *engine) call(ctx context.Context, method, path string, query url.Values, body, out any) error {
	resp, err := e.do(ctx, method, path, query, body)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if out == nil {
		_, _ = io.Copy(io.Discard, resp.Body)
		return nil
	}
	return json.NewDecoder(resp.Body).Decode(out)
}

// ping checks that the engine answers.
func (e *engine) ping(ctx context.Context) error {
	return e.call(ctx, http.MethodGet, "/_ping", nil, nil, nil)
}

// ensureImage pulls image unless the engine has it.
func (e *engine) ensureImage(ctx context.Context, image string) error {
	err := e.call(ctx, http.MethodGet, "/images/"+image+"/json", nil, nil, nil)
	if err == nil || !errors.Is(err, errNotFound) {
		return err
	}
	name, tag := splitImage(image)
	resp, err := e.do(ctx, http.MethodPost, "/images/create", url.Values{"fromImage": {name}, "tag": {tag}}, nil)
	if err != nil {
		return fmt.Errorf("pull %s: %w", image, err)
	}
	defer resp.Body.Close()
	dec := json.NewDecoder(resp.Body)
	for {
		var msg struct {
			Error string `json:"error"`
		}
		if err := dec.Decode(&msg); err == io.EOF {
			return nil
		} else if err != nil {
			return fmt.Errorf("pull %s: %w", image, err)
		}
		if msg.Error != "" {
			return fmt.Errorf("pull %s: %s", image, msg.Error)
		}
	}
}

// splitImage splits name:tag (a registry port is not a tag).
func splitImage(image string) (name, tag string) {
	if i := strings.LastIndex(image, "@"); i >= 0 {
		return image, ""
	}
	i := strings.LastIndex(image, ":")
	if i < 0 || strings.Contains(image[i:], "/") {
		return image, "latest"
	}
	return image[:i], image[i+1:]
}

// containerState is the part of GET /containers/{id}/json used here.
type containerState struct {
	ID    string `json:"Id"`
	State struct {
		Status    string `json:"Status"`
		Running   bool   `json:"Running"`
		Pid       int    `json:"Pid"`
		ExitCode  int    `json:"ExitCode"`
		OOMKilled bool   `json:"OOMKilled"`
	} `json:"State"`
}

func (e *engine) inspect(ctx context.Context, id string) (*containerState, error) {
	var st containerState
	if err := e.call(ctx, http.MethodGet, "/containers/"+id+"/json", nil, nil, &st); err != nil {
		return nil, err
	}
	return &st, nil
}

// streamLogs copies the container's stdout and stderr (demultiplexed) to
// out and errOut until the container stops or ctx ends.
func (e *engine) streamLogs(ctx context.Context, id string, since time.Time, out, errOut io.Writer) error {
	q := url.Values{"follow": {"1"}, "stdout": {"1"}, "stderr": {"1"}}
	if !since.IsZero() {
		q.Set("since", strconv.FormatInt(since.Unix(), 10))
	}
	resp, err := e.do(ctx, http.MethodGet, "/containers/"+id+"/logs", q, nil)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	header := make([]byte, 8)
	for {
		if _, err := io.ReadFull(resp.Body, header); err != nil {
			if err == io.EOF || errors.Is(err, io.ErrUnexpectedEOF) {
				return nil
			}
			return err
		}
		n := int64(uint32(header[4])<<24 | uint32(header[5])<<16 | uint32(header[6])<<8 | uint32(header[7]))
		w := out
		if header[0] == 2 {
			w = errOut
		}
		if _, err := io.CopyN(w, resp.Body, n); err != nil {
			return err
		}
	}
}
