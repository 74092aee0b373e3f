package address_test

import (
	"errors"
	"maps"
	"strings"
	"testing"

	"github.com/mallang/mallang/internal/account/address"
	"github.com/mallang/mallang/internal/fault"
)

func TestNormalizePhone(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in, want string
	}{
		{"010-1234-5678", "+821012345678"},
		{"01012345678", "+821012345678"},
		{"+82 10 1234 5678", "+821012345678"},
		{"+82-10-1234-5678", "+821012345678"},
		{"+82 010 1234 5678", "+821012345678"},
		{"(010) 1234.5678", "+821012345678"},
		{"  010 1234 5678 ", "+821012345678"},
		{"02-312-3456", "+8223123456"},
		{"031-123-4567", "+82311234567"},
		{"+1 650-253-0000", "+16502530000"},
		{"", ""},
		{"   ", ""},
		{"010-1234", ""},
		{"010-1234-56789", ""},
		{"12345", ""},
		{"010-CALL-NOW", ""},
		{"010-1234-5678 ext. 12", ""},
		{"０１０-1234-5678", ""},
		{"+82 10 1234 5678 " + strings.Repeat("0", 40), ""},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			got, err := address.NormalizePhone(tt.in)
			if tt.want == "" {
				if !errors.Is(err, address.ErrInvalidPhone) {
					t.Fatalf("NormalizePhone(%q) = %q, %v; want ErrInvalidPhone", tt.in, got, err)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("NormalizePhone(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
			}
		})
	}
}

func TestValidation(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		edit func(*address.Input)
		want map[string]string
	}{
		{"all required missing", func(in *address.Input) { *in = address.Input{} }, map[string]string{
			"recipient": "is required", "phone": "is required", "postcode": "is required", "line1": "is required",
		}},
		{"blank is missing", func(in *address.Input) { in.Recipient, in.Line1 = "  ", "\t" }, map[string]string{
			"recipient": "is required", "line1": "is required",
		}},
		{"bad phone", func(in *address.Input) { in.Phone = "010-1234" }, map[string]string{
			"phone": "is not a valid phone number",
		}},
		{"postcode too short", func(in *address.Input) { in.Postcode = "0623" }, map[string]string{
			"postcode": "must be a 5-digit postcode",
		}},
		{"old 6-digit postcode", func(in *address.Input) { in.Postcode = "135-080" }, map[string]string{
			"postcode": "must be a 5-digit postcode",
		}},
		{"postcode with letters", func(in *address.Input) { in.Postcode = "0623a" }, map[string]string{
			"postcode": "must be a 5-digit postcode",
		}},
		{"label too long", func(in *address.Input) { in.Label = strings.Repeat("집", 31) }, map[string]string{
			"label": "must be at most 30 characters",
		}},
		{"recipient too long", func(in *address.Input) { in.Recipient = strings.Repeat("김", 51) }, map[string]string{
			"recipient": "must be at most 50 characters",
		}},
		{"line1 too long", func(in *address.Input) { in.Line1 = strings.Repeat("로", 201) }, map[string]string{
			"line1": "must be at most 200 characters",
		}},
		{"line2 too long", func(in *address.Input) { in.Line2 = strings.Repeat("호", 201) }, map[string]string{
			"line2": "must be at most 200 characters",
		}},
		{"note too long", func(in *address.Input) { in.Note = strings.Repeat("문", 101) }, map[string]string{
			"note": "must be at most 100 characters",
		}},
		{"note with a line break", func(in *address.Input) { in.Note = "문 앞에\n놓아 주세요" }, map[string]string{
			"note": "must not contain line breaks or control characters",
		}},
		{"invalid UTF-8", func(in *address.Input) { in.Line2 = "101동 \xff호" }, map[string]string{
			"line2": "is not valid text",
		}},
		{"limits are in characters", func(in *address.Input) {
			in.Label, in.Recipient = strings.Repeat("집", 30), strings.Repeat("김", 50)
			in.Line1, in.Line2, in.Note = strings.Repeat("로", 200), strings.Repeat("호", 200), strings.Repeat("문", 100)
		}, nil},
		{"optional fields empty", func(in *address.Input) { in.Label, in.Line2, in.Note = "", "", "" }, nil},
		{"padded values", func(in *address.Input) { in.Postcode, in.Label = " 06236 ", "  회사 " }, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s, d, _, _ := setup(t)
			uid := newUser(t, d, "v@example.com")
			in := home()
			tt.edit(&in)
			a, err := s.Create(t.Context(), uid, in)
			if tt.want == nil {
				if err != nil {
					t.Fatalf("Create: %v", err)
				}
				if a.Postcode != strings.TrimSpace(in.Postcode) || a.Label != strings.TrimSpace(in.Label) {
					t.Fatalf("Create stored %+v, want trimmed input", a)
				}
				return
			}
			inv, ok := fault.AsInvalid(err)
			if !ok || !maps.Equal(inv.Fields, tt.want) {
				t.Fatalf("Create error = %v, want invalid %v", err, tt.want)
			}
			if list, _ := s.List(t.Context(), uid); len(list) != 0 {
				t.Fatalf("invalid input stored %d addresses", len(list))
			}
		})
	}
}
