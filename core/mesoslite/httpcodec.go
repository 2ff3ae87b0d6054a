package mesoslite

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"

	"github.com/gogo/protobuf/proto"
	"github.com/mesos/mesos-go/api/v1/lib/encoding"
	"github.com/mesos/mesos-go/api/v1/lib/encoding/codecs"
)

// maxRequestBytes bounds a call body. Mesos has no explicit cap; 64 MiB is far
// above any sane ACCEPT.
const maxRequestBytes = 64 << 20

var (
	jsonCodec     = codecs.ByMediaType[codecs.MediaTypeJSON]
	protobufCodec = codecs.ByMediaType[codecs.MediaTypeProtobuf]
)

// httpStatus is the answer of a call that has no event stream: a status code and
// a plain-text message (Mesos puts its error text in the body).
type httpStatus struct {
	code int
	msg  string
}

func statusf(code int, format string, args ...any) httpStatus {
	return httpStatus{code: code, msg: fmt.Sprintf(format, args...)}
}

var accepted = httpStatus{code: http.StatusAccepted}

// write sends a non-streaming answer. 202 carries no body and no Content-Type,
// as Mesos answers; mesos-go requires the Content-Type to be absent or equal
// to its codec.
func (s httpStatus) write(w http.ResponseWriter) {
	if s.code == http.StatusAccepted || s.msg == "" {
		w.WriteHeader(s.code)
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(s.code)
	_, _ = io.WriteString(w, s.msg)
}

func methodNotAllowed(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Allow", http.MethodPost)
	statusf(http.StatusMethodNotAllowed, "Expecting a 'POST' request, received '%s'", r.Method).write(w)
}

// requestCodec picks the codec of a call body from its Content-Type: missing is
// 400, anything but JSON or protobuf is 415.
func requestCodec(r *http.Request) (encoding.Codec, *httpStatus) {
	ct := r.Header.Get("Content-Type")
	if ct == "" {
		s := statusf(http.StatusBadRequest, "Expecting 'Content-Type' to be present")
		return encoding.Codec{}, &s
	}
	if last := lastContentType.Load(); last != nil && last.header == ct {
		return last.codec, nil
	}
	mt, _, err := mime.ParseMediaType(ct)
	if err == nil {
		if c, ok := codecs.ByMediaType[encoding.MediaType(mt)]; ok {
			lastContentType.Store(&contentTypeAnswer{header: ct, codec: c})
			return c, nil
		}
	}
	s := statusf(http.StatusUnsupportedMediaType,
		"Expecting 'Content-Type' of %s or %s", codecs.MediaTypeJSON, codecs.MediaTypeProtobuf)
	return encoding.Codec{}, &s
}

// contentTypeAnswer remembers the codec of the last Content-Type parsed: a
// client sends the same one with every call.
type contentTypeAnswer struct {
	header string
	codec  encoding.Codec
}

var lastContentType atomic.Pointer[contentTypeAnswer]

// decodeCall parses one call from the body with codec; size is the body's
// Content-Length (-1 when unknown), to read it into a buffer of the right
// size at once. JSON decoding does not enforce proto2 required fields, so a
// JSON call is round-tripped through the protobuf wire format, whose decoder
// does.
func decodeCall(codec encoding.Codec, body io.Reader, size int64, m encoding.Unmarshaler) error {
	b, err := readBody(body, size)
	if err != nil {
		return err
	}
	if len(b) == 0 {
		return errors.New("empty body")
	}
	if codec.Type == codecs.MediaTypeProtobuf {
		// What mesos-go's protobuf decoder does with the body it reads.
		return proto.Unmarshal(b, m.(proto.Message))
	}
	dec := codec.NewDecoder(encoding.SourceReader(bytes.NewReader(b)))
	if err := dec.Decode(m); err != nil {
		if errors.Is(err, io.EOF) {
			return errors.New("empty body")
		}
		return err
	}
	if codec.Type == codecs.MediaTypeJSON {
		if err := checkRequired(m.(proto.Message)); err != nil {
			return err
		}
	}
	return nil
}

// readBody reads at most maxRequestBytes of body, into one buffer when its
// size is known.
func readBody(body io.Reader, size int64) ([]byte, error) {
	r := io.LimitReader(body, maxRequestBytes)
	if size <= 0 || size >= maxRequestBytes {
		return io.ReadAll(r)
	}
	b := make([]byte, 0, size+1) // +1: the read that sees EOF needs no growth
	for {
		n, err := r.Read(b[len(b):cap(b)])
		b = b[:len(b)+n]
		if err != nil {
			if err == io.EOF {
				err = nil
			}
			return b, err
		}
		if len(b) == cap(b) { // longer than announced
			b = append(b, 0)[:len(b)]
		}
	}
}

// checkRequired reports a proto2 required field that is not set anywhere in m.
func checkRequired(m proto.Message) error {
	b, err := proto.Marshal(m)
	if err != nil {
		return err
	}
	fresh := reflect.New(reflect.TypeOf(m).Elem()).Interface().(proto.Message)
	return proto.Unmarshal(b, fresh)
}

// acceptCodec negotiates the codec of a streamed response the way Mesos does:
// JSON if the Accept header allows it, else protobuf, else nothing (406). No
// Accept header accepts anything, so JSON.
func acceptCodec(h http.Header) (encoding.Codec, bool) {
	values := h.Values("Accept")
	if len(values) == 0 {
		return jsonCodec, true
	}
	// A client sends the same Accept header(s) with every call: remember
	// the answer to the last ones.
	if last := lastAccept.Load(); last != nil && slices.Equal(last.values, values) {
		return last.codec, last.ok
	}
	c, ok := negotiateCodec(values)
	if len(values) <= 4 {
		lastAccept.Store(&acceptAnswer{values: slices.Clone(values), codec: c, ok: ok})
	}
	return c, ok
}

type acceptAnswer struct {
	values []string
	codec  encoding.Codec
	ok     bool
}

var lastAccept atomic.Pointer[acceptAnswer]

func negotiateCodec(values []string) (encoding.Codec, bool) {
	switch {
	case acceptsMediaType(values, string(codecs.MediaTypeJSON)):
		return jsonCodec, true
	case acceptsMediaType(values, string(codecs.MediaTypeProtobuf)):
		return protobufCodec, true
	default:
		return encoding.Codec{}, false
	}
}

func notAcceptable(w http.ResponseWriter) {
	statusf(http.StatusNotAcceptable, "Expecting 'Accept' to allow %s or %s",
		codecs.MediaTypeJSON, codecs.MediaTypeProtobuf).write(w)
}

// acceptsMediaType reports whether the most specific media range of the Accept
// values that matches mt has a q-value above zero.
func acceptsMediaType(values []string, mt string) bool {
	want := strings.SplitN(mt, "/", 2)
	bestSpec, bestQ := 0, 0.0
	for _, v := range values {
		for _, part := range strings.Split(v, ",") {
			part = strings.TrimSpace(part)
			if part == "" {
				continue
			}
			rng, params, err := mime.ParseMediaType(part)
			if err != nil {
				continue
			}
			q := 1.0
			if qs, ok := params["q"]; ok {
				if f, err := strconv.ParseFloat(qs, 64); err == nil {
					q = f
				}
			}
			spec := 0
			switch got := strings.SplitN(rng, "/", 2); {
			case len(got) != 2:
			case got[0] == want[0] && got[1] == want[1]:
				spec = 3
			case got[0] == want[0] && got[1] == "*":
				spec = 2
			case got[0] == "*" && got[1] == "*":
				spec = 1
			}
			if spec > bestSpec {
				bestSpec, bestQ = spec, q
			}
		}
	}
	return bestSpec > 0 && bestQ > 0
}
