package account

import (
	"encoding/binary"
	"errors"
	"fmt"
	"time"

	"github.com/alexedwards/scs/v2"
)

// SessionCodec encodes session data (github.com/alexedwards/scs/v2) for the
// sessions table. Every request of a signed-in user decodes its session,
// and scs's gob codec builds a new decoder, type information included, each
// time: a few percent of a checkout's CPU. The sessions hold only strings
// and whole numbers, so they are written in a small binary form:
//
//	0x00 0x01, the deadline (Unix nanoseconds, varint), the number of
//	values (uvarint), then per value its key (uvarint length, bytes), a
//	type byte ('s' string, 'i' int64, 'b' bool) and the value (string:
//	uvarint length and bytes; int64: varint; bool: one byte).
//
// A gob stream never starts with 0x00 (it would be a message of length 0),
// so sessions saved before by the gob codec still decode, with it.
type SessionCodec struct{}

var _ scs.Codec = SessionCodec{}

// sessionFormat starts every session the codec writes.
var sessionFormat = [2]byte{0x00, 0x01}

// errSessionData means stored session data could not be read back.
var errSessionData = errors.New("session data is damaged")

// Encode writes deadline and values; a value of a type other than string,
// int64 or bool is an error, so nothing is stored that would not come back
// the same.
func (SessionCodec) Encode(deadline time.Time, values map[string]any) ([]byte, error) {
	b := make([]byte, 0, 64)
	b = append(b, sessionFormat[:]...)
	b = binary.AppendVarint(b, deadline.UnixNano())
	b = binary.AppendUvarint(b, uint64(len(values)))
	for k, v := range values {
		b = binary.AppendUvarint(b, uint64(len(k)))
		b = append(b, k...)
		switch v := v.(type) {
		case string:
			b = append(b, 's')
			b = binary.AppendUvarint(b, uint64(len(v)))
			b = append(b, v...)
		case int64:
			b = append(b, 'i')
			b = binary.AppendVarint(b, v)
		case bool:
			b = append(b, 'b')
			if v {
				b = append(b, 1)
			} else {
				b = append(b, 0)
			}
		default:
			return nil, fmt.Errorf("encode session value %q: type %T is not a string, int64 or bool", k, v)
		}
	}
	return b, nil
}

// Decode reads what Encode wrote, or a session the gob codec wrote.
func (SessionCodec) Decode(b []byte) (time.Time, map[string]any, error) {
	if len(b) < len(sessionFormat) || [2]byte(b[:2]) != sessionFormat {
		return scs.GobCodec{}.Decode(b)
	}
	r := sessionReader{b: b[len(sessionFormat):]}
	deadline := time.Unix(0, r.varint()).UTC()
	n := r.uvarint()
	if r.err != nil || n > uint64(len(r.b)) {
		return time.Time{}, nil, errSessionData
	}
	values := make(map[string]any, n)
	for range n {
		k := r.text()
		switch r.byte() {
		case 's':
			values[k] = r.text()
		case 'i':
			values[k] = r.varint()
		case 'b':
			values[k] = r.byte() == 1
		default:
			return time.Time{}, nil, errSessionData
		}
		if r.err != nil {
			return time.Time{}, nil, errSessionData
		}
	}
	if r.err != nil || len(r.b) != 0 {
		return time.Time{}, nil, errSessionData
	}
	return deadline, values, nil
}

// sessionReader reads SessionCodec's fields, remembering the first
// failure.
type sessionReader struct {
	b   []byte
	err error
}

func (r *sessionReader) fail() { r.err, r.b = errSessionData, nil }

func (r *sessionReader) varint() int64   { return readVarint(r, binary.Varint) }
func (r *sessionReader) uvarint() uint64 { return readVarint(r, binary.Uvarint) }

// readVarint reads one varint from r with decode (binary.Varint or
// binary.Uvarint).
func readVarint[T int64 | uint64](r *sessionReader, decode func([]byte) (T, int)) T {
	v, n := decode(r.b)
	if n <= 0 {
		r.fail()
		return 0
	}
	r.b = r.b[n:]
	return v
}

func (r *sessionReader) byte() byte {
	if len(r.b) == 0 {
		r.fail()
		return 0
	}
	c := r.b[0]
	r.b = r.b[1:]
	return c
}

func (r *sessionReader) text() string {
	n := r.uvarint()
	if n > uint64(len(r.b)) {
		r.fail()
		return ""
	}
	s := string(r.b[:n])
	r.b = r.b[n:]
	return s
}
