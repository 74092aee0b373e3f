package kakaopay

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/mallang/mallang/internal/payment"
)

func TestMapStatus(t *testing.T) {
	t.Parallel()
	tests := []struct {
		kakao string
		want  payment.Status
	}{
		{"READY", payment.StatusPending},
		{"SEND_TMS", payment.StatusPending},
		{"OPEN_PAYMENT", payment.StatusPending},
		{"SELECT_METHOD", payment.StatusPending},
		{"ARS_WAITING", payment.StatusPending},
		{"AUTH_PASSWORD", payment.StatusPending},
		{"ISSUED_SID", payment.StatusPending},
		{"SUCCESS_PAYMENT", payment.StatusPaid},
		{"PART_CANCEL_PAYMENT", payment.StatusPartiallyCancelled},
		{"CANCEL_PAYMENT", payment.StatusCancelled},
		{"FAIL_AUTH_PASSWORD", payment.StatusFailed},
		{"QUIT_PAYMENT", payment.StatusFailed},
		{"FAIL_PAYMENT", payment.StatusFailed},
		{"SOMETHING_NEW", payment.StatusPending},
		{"", payment.StatusPending},
	}
	for _, tt := range tests {
		if got := mapStatus(tt.kakao); got != tt.want {
			t.Errorf("mapStatus(%q) = %s, want %s", tt.kakao, got, tt.want)
		}
	}
}

func TestParseTime(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want time.Time
	}{
		{"2025-03-14T19:30:00", time.Date(2025, 3, 14, 10, 30, 0, 0, time.UTC)},
		{"2025-01-01T08:59:59.123", time.Date(2024, 12, 31, 23, 59, 59, 123e6, time.UTC)},
		{"", time.Time{}},
		{"14.03.2025", time.Time{}},
	}
	for _, tt := range tests {
		if got := parseTime(tt.in); !got.Equal(tt.want) {
			t.Errorf("parseTime(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestTruncate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		n    int
		want string
	}{
		{"티셔츠", 100, "티셔츠"},
		{"티셔츠 외 2건", 3, "티셔츠"},
		{strings.Repeat("a", 100), 100, strings.Repeat("a", 100)},
		{strings.Repeat("가", 101), 100, strings.Repeat("가", 100)},
		{"", 100, ""},
	}
	for _, tt := range tests {
		if got := truncate(tt.in, tt.n); got != tt.want {
			t.Errorf("truncate(%q, %d) = %q, want %q", tt.in, tt.n, got, tt.want)
		}
	}
}

func TestRefusal(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		status    int
		body      string
		wantCode  string // Declined code; "" when not a Declined
		wantMsg   string
		wantIs    error
		wantPlain bool // neither Declined nor a payment sentinel
	}{
		{
			name: "error code only", status: 400,
			body:     `{"error_code":-2,"error_message":"필수 파라미터가 없습니다."}`,
			wantCode: "-2", wantMsg: "필수 파라미터가 없습니다.",
		},
		{
			name: "method result wins", status: 400,
			body:     `{"error_code":-780,"error_message":"approval failure!","extras":{"method_result_code":"USER_LOCKED","method_result_message":"진행중인 거래가 있습니다."}}`,
			wantCode: "USER_LOCKED", wantMsg: "진행중인 거래가 있습니다.",
		},
		{
			name: "method code without message", status: 400,
			body:     `{"error_code":-780,"error_message":"approval failure!","extras":{"method_result_code":"USER_LOCKED"}}`,
			wantCode: "USER_LOCKED", wantMsg: "approval failure!",
		},
		{
			name: "bad key", status: 401,
			body:     `{"error_code":-401,"error_message":"invalid secret key"}`,
			wantCode: "-401", wantMsg: "invalid secret key",
		},
		{
			name: "no such tid", status: 400,
			body:   `{"error_code":-721,"error_message":"존재하지 않는 결제입니다."}`,
			wantIs: payment.ErrNotFound,
		},
		{name: "not KakaoPay's body", status: 404, body: `<html>not found</html>`, wantPlain: true},
		{name: "JSON without error_code", status: 400, body: `{"msg":"?"}`, wantPlain: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := refusal(tt.status, []byte(tt.body))
			d, isDeclined := payment.AsDeclined(err)
			switch {
			case tt.wantCode != "":
				if !isDeclined || d.Code != tt.wantCode || d.Message != tt.wantMsg {
					t.Fatalf("refusal = %v, want Declined %s: %s", err, tt.wantCode, tt.wantMsg)
				}
			case tt.wantIs != nil:
				if isDeclined || !errors.Is(err, tt.wantIs) {
					t.Fatalf("refusal = %v, want %v", err, tt.wantIs)
				}
			case tt.wantPlain:
				if err == nil || isDeclined || errors.Is(err, payment.ErrUnknownOutcome) || errors.Is(err, payment.ErrNotFound) {
					t.Fatalf("refusal = %v, want a plain error", err)
				}
			}
		})
	}
}
