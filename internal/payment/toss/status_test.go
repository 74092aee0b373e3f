package toss

import (
	"errors"
	"fmt"
	"testing"

	"github.com/mallang/mallang/internal/payment"
)

func TestResultStatus(t *testing.T) {
	t.Parallel()
	tests := []struct {
		toss    string
		want    payment.Status
		wantErr error
	}{
		{"READY", payment.StatusPending, nil},
		{"IN_PROGRESS", payment.StatusPending, nil},
		{"WAITING_FOR_DEPOSIT", payment.StatusAwaitingDeposit, nil},
		{"DONE", payment.StatusPaid, nil},
		{"PARTIAL_CANCELED", payment.StatusPartiallyCancelled, nil},
		{"CANCELED", payment.StatusCancelled, nil},
		{"ABORTED", payment.StatusFailed, nil},
		{"EXPIRED", payment.StatusFailed, nil},
		{"SOMETHING_NEW", "", payment.ErrUnknownOutcome},
	}
	for _, tt := range tests {
		t.Run(tt.toss, func(t *testing.T) {
			t.Parallel()
			raw := fmt.Appendf(nil, `{"paymentKey":"pk","orderId":"ORD-000001","status":%q,"currency":"KRW",`+
				`"totalAmount":10000,"balanceAmount":4000,"approvedAt":"2024-02-01T10:00:00+09:00"}`, tt.toss)
			res, _, err := result(raw)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("result error = %v, want %v", err, tt.wantErr)
			}
			if res.Status != tt.want {
				t.Errorf("Status = %q, want %q", res.Status, tt.want)
			}
			if err == nil && res.Cancelled != 6000 {
				t.Errorf("Cancelled = %d, want total - balance = 6000", res.Cancelled)
			}
			paid := tt.want == payment.StatusPaid || tt.want == payment.StatusPartiallyCancelled || tt.want == payment.StatusCancelled
			if paid == res.PaidAt.IsZero() {
				t.Errorf("PaidAt = %v for %s", res.PaidAt, tt.toss)
			}
		})
	}
}
