package account

import (
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/alexedwards/scs/v2"
)

func TestSessionCodec(t *testing.T) {
	t.Parallel()
	deadline := time.Date(2026, 12, 14, 3, 4, 5, 678, time.UTC)
	tests := []struct {
		name   string
		values map[string]any
	}{
		{"empty", map[string]any{}},
		{"signed in", map[string]any{SessionUserID: int64(42), SessionVersion: int64(3), "lang": "ko"}},
		{"flash and cart", map[string]any{"flash": "주소를 저장했어요", "cart_token": "abc", "x": int64(-7), "ok": true, "no": false}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := SessionCodec{}.Encode(deadline, tt.values)
			if err != nil {
				t.Fatal(err)
			}
			gotDeadline, got, err := SessionCodec{}.Decode(b)
			if err != nil || !gotDeadline.Equal(deadline) || !reflect.DeepEqual(got, tt.values) {
				t.Fatalf("Decode = %v, %#v, %v; want %v, %#v", gotDeadline, got, err, deadline, tt.values)
			}
		})
	}
}

func TestSessionCodecReadsGobSessions(t *testing.T) {
	t.Parallel()
	deadline := time.Now().Add(time.Hour).Round(0)
	values := map[string]any{SessionUserID: int64(9), "flash": "저장했어요"}
	b, err := scs.GobCodec{}.Encode(deadline, values)
	if err != nil {
		t.Fatal(err)
	}
	gotDeadline, got, err := SessionCodec{}.Decode(b)
	if err != nil || !gotDeadline.Equal(deadline) || !reflect.DeepEqual(got, values) {
		t.Fatalf("Decode(gob) = %v, %#v, %v", gotDeadline, got, err)
	}
}

func TestSessionCodecRefuses(t *testing.T) {
	t.Parallel()
	if _, err := (SessionCodec{}).Encode(time.Now(), map[string]any{"when": time.Now()}); err == nil {
		t.Error("a time.Time value was encoded; it would not decode the same")
	}
	good, err := SessionCodec{}.Encode(time.Now(), map[string]any{"flash": "hello", "n": int64(5)})
	if err != nil {
		t.Fatal(err)
	}
	for i := len(sessionFormat); i < len(good); i++ {
		if _, _, err := (SessionCodec{}).Decode(good[:i]); !errors.Is(err, errSessionData) {
			t.Errorf("Decode of the first %d of %d bytes = %v, want errSessionData", i, len(good), err)
		}
	}
	if _, _, err := (SessionCodec{}).Decode(append(good, 0)); !errors.Is(err, errSessionData) {
		t.Errorf("Decode with a byte too many = %v", err)
	}
}

func FuzzSessionCodecDecode(f *testing.F) {
	good, err := SessionCodec{}.Encode(time.Now(), map[string]any{"flash": "hello", "n": int64(5), "b": true})
	if err != nil {
		f.Fatal(err)
	}
	f.Add(good)
	f.Add([]byte{0, 1, 2, 255, 255, 255, 255, 255, 255, 255, 255, 255, 1})
	f.Fuzz(func(t *testing.T, b []byte) {
		deadline, values, err := SessionCodec{}.Decode(b)
		if err != nil || len(b) < 2 || [2]byte(b[:2]) != sessionFormat {
			return // gob's sessions are gob's to round-trip
		}
		// What decodes encodes back to something that decodes the same.
		again, err := SessionCodec{}.Encode(deadline, values)
		if err != nil {
			t.Fatalf("Encode of decoded %#v: %v", values, err)
		}
		d2, v2, err := SessionCodec{}.Decode(again)
		if err != nil || !d2.Equal(deadline) || !reflect.DeepEqual(v2, values) {
			t.Fatalf("round trip of %#v: %v %#v %v", values, d2, v2, err)
		}
	})
}
