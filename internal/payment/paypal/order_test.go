package paypal

import (
	"errors"
	"testing"

	"github.com/mallang/mallang/internal/payment"
)

func TestResultOf(t *testing.T) {
	t.Parallel()
	order := func(status, captures, refunds string) []byte {
		return []byte(`{"id":"5O190127TN364715T","status":"` + status + `","payment_source":{"paypal":{}},` +
			`"purchase_units":[{"custom_id":"ORDER-1","amount":{"currency_code":"USD","value":"100.00"},` +
			`"payments":{"captures":[` + captures + `],"refunds":[` + refunds + `]}}]}`)
	}
	capture := func(status, value, extra string) string {
		return `{"id":"3C679366HH908993F","status":"` + status + `","amount":{"currency_code":"USD","value":"` + value + `"},"create_time":"2026-05-01T03:04:05Z"` + extra + `}`
	}
	const refund30 = `{"id":"R1","status":"COMPLETED","amount":{"currency_code":"USD","value":"30.00"}},{"id":"R2","status":"PENDING","amount":{"currency_code":"USD","value":"5.00"}}`
	tests := []struct {
		name        string
		body        []byte
		status      payment.Status
		charged     int64
		cancelled   int64
		captureID   string
		failureCode string
		paid        bool
	}{
		{"created", order("CREATED", "", ""), payment.StatusPending, 10000, 0, "", "", false},
		{"payer action required", order("PAYER_ACTION_REQUIRED", "", ""), payment.StatusPending, 10000, 0, "", "", false},
		{"approved", order("APPROVED", "", ""), payment.StatusApproved, 10000, 0, "", "", false},
		{"saved", order("SAVED", "", ""), payment.StatusPending, 10000, 0, "", "", false},
		{"voided", order("VOIDED", "", ""), payment.StatusFailed, 10000, 0, "", "VOIDED", false},
		{"captured", order("COMPLETED", capture("COMPLETED", "100.00", ""), ""), payment.StatusPaid, 10000, 0, "3C679366HH908993F", "", true},
		{"capture pending", order("COMPLETED", capture("PENDING", "100.00", `,"status_details":{"reason":"PENDING_REVIEW"}`), ""), payment.StatusPending, 10000, 0, "3C679366HH908993F", "", false},
		{"capture declined", order("COMPLETED", capture("DECLINED", "100.00", ""), ""), payment.StatusFailed, 10000, 0, "3C679366HH908993F", "DECLINED", false},
		{"capture failed with reason", order("COMPLETED", capture("FAILED", "100.00", `,"status_details":{"reason":"BUYER_COMPLAINT"}`), ""), payment.StatusFailed, 10000, 0, "3C679366HH908993F", "BUYER_COMPLAINT", false},
		{"partly refunded", order("COMPLETED", capture("PARTIALLY_REFUNDED", "100.00", ""), refund30), payment.StatusPartiallyCancelled, 10000, 3000, "3C679366HH908993F", "", true},
		{"refunded", order("COMPLETED", capture("REFUNDED", "100.00", ""), refund30), payment.StatusCancelled, 10000, 3000, "3C679366HH908993F", "", true},
		{"captured less than ordered", order("COMPLETED", capture("COMPLETED", "0.01", ""), ""), payment.StatusPaid, 1, 0, "3C679366HH908993F", "", true},
		{"completed without capture", order("COMPLETED", "", ""), payment.StatusPending, 10000, 0, "", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := resultOf(tt.body)
			if err != nil {
				t.Fatalf("resultOf: %v", err)
			}
			if got.Status != tt.status || got.Charged != (payment.Amount{Total: tt.charged, Currency: "USD"}) ||
				got.Cancelled != tt.cancelled || got.CaptureID != tt.captureID || got.FailureCode != tt.failureCode ||
				got.PaidAt.IsZero() == tt.paid || got.ProviderPaymentID != "5O190127TN364715T" {
				t.Errorf("resultOf = %+v\nwant status %s, charged %d, cancelled %d, capture %q, failure %q, paid %v",
					got, tt.status, tt.charged, tt.cancelled, tt.captureID, tt.failureCode, tt.paid)
			}
		})
	}
	for _, bad := range []string{`not json`, `{}`, `{"id":"X","status":"CREATED","purchase_units":[]}`,
		`{"id":"X","status":"CREATED","purchase_units":[{"amount":{"currency_code":"USD","value":"1.005"}}]}`} {
		if _, err := resultOf([]byte(bad)); err == nil {
			t.Errorf("resultOf(%s) = nil error, want one", bad)
		}
	}
}

func TestAPIError(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		status   int
		body     string
		wantIs   error
		wantCode string
	}{
		{"detail issue", 422, `{"name":"UNPROCESSABLE_ENTITY","message":"m","debug_id":"d1","details":[{"issue":"ORDER_NOT_APPROVED","description":"Payer has not yet approved"}]}`, nil, "ORDER_NOT_APPROVED"},
		{"name only", 400, `{"name":"INVALID_REQUEST","message":"Request is not well-formed"}`, nil, "INVALID_REQUEST"},
		{"no body", 409, ``, nil, "HTTP_409"},
		{"not found", 404, `{"name":"RESOURCE_NOT_FOUND","details":[{"issue":"INVALID_RESOURCE_ID"}]}`, payment.ErrNotFound, ""},
		{"server error", 500, `{"name":"INTERNAL_SERVER_ERROR"}`, payment.ErrUnknownOutcome, ""},
		{"bad gateway html", 502, `<html>`, payment.ErrUnknownOutcome, ""},
		{"rate limited", 429, `{"name":"RATE_LIMIT_REACHED"}`, payment.ErrUnknownOutcome, ""},
		{"unauthorized", 401, `{"name":"AUTHENTICATION_FAILURE"}`, ErrCredentials, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := apiError(tt.status, []byte(tt.body))
			d, declined := payment.AsDeclined(err)
			if tt.wantCode != "" {
				if !declined || d.Code != tt.wantCode || d.Message == "" && tt.body != "" {
					t.Fatalf("apiError = %v, want Declined %s", err, tt.wantCode)
				}
				return
			}
			if declined || !errors.Is(err, tt.wantIs) {
				t.Fatalf("apiError = %v, want %v and not Declined", err, tt.wantIs)
			}
		})
	}
}
