package kakaopay_test

import (
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/mallang/mallang/internal/payment"
	"github.com/mallang/mallang/internal/payment/kakaopay"
	"github.com/mallang/mallang/internal/payment/kakaopay/kakaopaytest"
)

func TestPrepare(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		mobile     bool
		wantSuffix string
	}{
		{"pc", false, "/pc"},
		{"mobile", true, "/mobile"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p, srv := setup(t, nil)
			req := prepareRequest("ord-"+tt.name, won(15000, 1000))
			req.Mobile = tt.mobile
			got, err := p.Prepare(t.Context(), req)
			if err != nil {
				t.Fatalf("Prepare: %v", err)
			}
			if len(got.ProviderPaymentID) != 20 {
				t.Fatalf("tid %q: want 20 characters", got.ProviderPaymentID)
			}
			if !strings.HasSuffix(got.RedirectURL, tt.wantSuffix) {
				t.Fatalf("RedirectURL = %q, want the %s page", got.RedirectURL, tt.wantSuffix)
			}
			if got.Charge != req.Amount {
				t.Fatalf("Charge = %+v, want %+v", got.Charge, req.Amount)
			}
			if got.Script != nil {
				t.Fatalf("Script = %+v, want nil (KakaoPay is a redirect)", got.Script)
			}
			if !strings.Contains(string(got.Raw), got.ProviderPaymentID) {
				t.Fatalf("Raw %s does not hold the ready answer", got.Raw)
			}
			fp, ok := srv.Payment(got.ProviderPaymentID)
			if !ok {
				t.Fatalf("the fake has no payment %s", got.ProviderPaymentID)
			}
			want := kakaopaytest.Payment{
				TID: got.ProviderPaymentID, CID: kakaopaytest.CID,
				PartnerOrderID: req.Reference, PartnerUserID: "u42", ItemName: "티셔츠 외 2건",
				Status: "READY", Total: 15000, TaxFree: 1000, CreatedAt: clock,
			}
			if fp != want {
				t.Fatalf("fake holds %+v, want %+v", fp, want)
			}
		})
	}
}

func TestPrepareCutsItemName(t *testing.T) {
	t.Parallel()
	p, srv := setup(t, nil)
	req := prepareRequest("ord-long-name", won(1000, 0))
	req.OrderName = strings.Repeat("가", 150)
	got, err := p.Prepare(t.Context(), req)
	if err != nil {
		t.Fatalf("Prepare: %v", err)
	}
	fp, _ := srv.Payment(got.ProviderPaymentID)
	if n := utf8.RuneCountInString(fp.ItemName); n != 100 || !utf8.ValidString(fp.ItemName) {
		t.Fatalf("item_name has %d characters (valid UTF-8: %v), want 100", n, utf8.ValidString(fp.ItemName))
	}
}

func TestPrepareRefusesBeforeCalling(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		amount payment.Amount
		want   string
	}{
		{"dollars", payment.Amount{Total: 1500, Currency: "USD"}, "KRW"},
		{"no currency", payment.Amount{Total: 1500}, "KRW"},
		{"zero", won(0, 0), "positive"},
		{"tax-free above total", won(1000, 2000), "tax-free"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p, srv := setup(t, nil)
			_, err := p.Prepare(t.Context(), prepareRequest("ord-refused", tt.amount))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Prepare error = %v, want one about %s", err, tt.want)
			}
			if n := srv.Calls(kakaopaytest.ReadyPath); n != 0 {
				t.Fatalf("ready called %d times, want 0", n)
			}
		})
	}
}

func TestConfirm(t *testing.T) {
	t.Parallel()
	p, srv := setup(t, nil)
	amount := won(15000, 1000)
	tid := prepare(t, p, "ord-1", amount)
	q := srv.Approve(tid)
	if q.Get("pg_token") == "" {
		t.Fatalf("Approve returned %v, want a pg_token", q)
	}
	got, err := p.Confirm(t.Context(), confirmRequest("ord-1", tid, q, amount))
	if err != nil {
		t.Fatalf("Confirm: %v", err)
	}
	if got.Status != payment.StatusPaid || got.ProviderPaymentID != tid {
		t.Fatalf("Confirm = %s %s, want paid %s", got.Status, got.ProviderPaymentID, tid)
	}
	if got.Charged != amount {
		t.Fatalf("Charged = %+v, want %+v", got.Charged, amount)
	}
	if got.Method != "MONEY" {
		t.Fatalf("Method = %q, want MONEY", got.Method)
	}
	// The fake writes 19:30 Seoul time without an offset; read as UTC it
	// would be nine hours off.
	if !got.PaidAt.Equal(clock) {
		t.Fatalf("PaidAt = %v, want %v", got.PaidAt, clock)
	}
	if !strings.Contains(string(got.Raw), `"aid"`) {
		t.Fatalf("Raw %s is not the approve answer", got.Raw)
	}
	fp, _ := srv.Payment(tid)
	if fp.Status != "SUCCESS_PAYMENT" || fp.Approvals != 1 || fp.ApproveTotal != 15000 {
		t.Fatalf("fake holds %s, %d approvals, total_amount %d; want SUCCESS_PAYMENT, 1, 15000",
			fp.Status, fp.Approvals, fp.ApproveTotal)
	}
}

func TestConfirmDeclined(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		// buyer plays the customer on KakaoPay's page and returns the
		// query our return URL gets.
		buyer      func(srv *kakaopaytest.Server, tid string) url.Values
		wantCode   string
		wantMsg    string         // "" to skip
		wantStatus payment.Status // Lookup afterwards
		wantCalls  int            // approve calls
	}{
		{
			name:       "return URL without pg_token",
			buyer:      func(*kakaopaytest.Server, string) url.Values { return url.Values{} },
			wantCode:   kakaopay.CodeNoPGToken,
			wantStatus: payment.StatusPending,
			wantCalls:  0,
		},
		{
			name:       "buyer has not approved",
			buyer:      func(*kakaopaytest.Server, string) url.Values { return url.Values{"pg_token": {"forged"}} },
			wantCode:   "-701",
			wantMsg:    "결제 인증이 완료되지 않았습니다.",
			wantStatus: payment.StatusPending,
			wantCalls:  1,
		},
		{
			name: "buyer quit",
			buyer: func(srv *kakaopaytest.Server, tid string) url.Values {
				srv.Quit(tid)
				return url.Values{"pg_token": {"stale"}}
			},
			wantCode:   "-701",
			wantStatus: payment.StatusFailed,
			wantCalls:  1,
		},
		{
			name: "payment method refused",
			buyer: func(srv *kakaopaytest.Server, tid string) url.Values {
				return srv.Decline(tid, "USER_LOCKED", "진행중인 거래가 있습니다. 잠시 후 다시 시도해 주세요.")
			},
			wantCode:   "USER_LOCKED",
			wantMsg:    "진행중인 거래가 있습니다. 잠시 후 다시 시도해 주세요.",
			wantStatus: payment.StatusFailed,
			wantCalls:  1,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p, srv := setup(t, nil)
			tid := prepare(t, p, "ord-declined", won(15000, 0))
			_, err := p.Confirm(t.Context(), confirmRequest("ord-declined", tid, tt.buyer(srv, tid), won(15000, 0)))
			d := wantDeclined(t, err, tt.wantCode)
			if tt.wantMsg != "" && d.Message != tt.wantMsg {
				t.Fatalf("Declined.Message = %q, want %q", d.Message, tt.wantMsg)
			}
			if errors.Is(err, payment.ErrUnknownOutcome) {
				t.Fatalf("a refusal is not an unknown outcome: %v", err)
			}
			if n := srv.Calls(kakaopaytest.ApprovePath); n != tt.wantCalls {
				t.Fatalf("approve called %d times, want %d", n, tt.wantCalls)
			}
			got, err := p.Lookup(t.Context(), payment.LookupRequest{Reference: "ord-declined", ProviderPaymentID: tid})
			if err != nil {
				t.Fatalf("Lookup: %v", err)
			}
			if got.Status != tt.wantStatus {
				t.Fatalf("Lookup status = %s, want %s", got.Status, tt.wantStatus)
			}
			if tt.wantStatus == payment.StatusFailed && (got.FailureCode == "" || got.FailureMessage == "") {
				t.Fatalf("failed payment without a reason: %+v", got)
			}
		})
	}
}

func TestConfirmUnknownPayment(t *testing.T) {
	t.Parallel()
	p, _ := setup(t, nil)
	_, err := p.Confirm(t.Context(), confirmRequest("ord-x", "T0000000000000000000",
		url.Values{"pg_token": {"abc"}}, won(1000, 0)))
	if !errors.Is(err, payment.ErrNotFound) {
		t.Fatalf("Confirm of an unknown tid = %v, want ErrNotFound", err)
	}
}

// The customer's page cannot change what ready registered, but our record
// can disagree with it (a bug, an edited cart): Confirm must report what
// KakaoPay charged, not what the request expected, so the service sees
// the mismatch.
func TestConfirmReportsProviderAmount(t *testing.T) {
	t.Parallel()
	p, srv := setup(t, nil)
	tid := prepare(t, p, "ord-tampered", won(15000, 0))
	expected := won(1000, 0)
	got, err := p.Confirm(t.Context(), confirmRequest("ord-tampered", tid, srv.Approve(tid), expected))
	if err != nil {
		t.Fatalf("Confirm: %v", err)
	}
	if got.Charged.Total != 15000 || got.Charged == expected {
		t.Fatalf("Charged = %+v, want KakaoPay's 15000, not the expected %+v", got.Charged, expected)
	}
	fp, _ := srv.Payment(tid)
	if fp.ApproveTotal != expected.Total {
		t.Fatalf("approve sent total_amount %d, want the expected %d", fp.ApproveTotal, expected.Total)
	}
}

// A confirm repeated after one that succeeded (a reloaded return page, a
// retry after a lost answer) gets the same settled result, and KakaoPay
// charges once.
func TestConfirmTwice(t *testing.T) {
	t.Parallel()
	p, srv := setup(t, nil)
	amount := won(15000, 1000)
	tid := prepare(t, p, "ord-twice", amount)
	req := confirmRequest("ord-twice", tid, srv.Approve(tid), amount)
	first, err := p.Confirm(t.Context(), req)
	if err != nil {
		t.Fatalf("first Confirm: %v", err)
	}
	second, err := p.Confirm(t.Context(), req)
	if err != nil {
		t.Fatalf("second Confirm: %v", err)
	}
	if second.Status != first.Status || second.Charged != first.Charged ||
		second.Method != first.Method || !second.PaidAt.Equal(first.PaidAt) ||
		second.ProviderPaymentID != first.ProviderPaymentID {
		t.Fatalf("second Confirm = %+v, want the first %+v", second, first)
	}
	fp, _ := srv.Payment(tid)
	if fp.Approvals != 1 {
		t.Fatalf("approved %d times, want once", fp.Approvals)
	}
	if a, o := srv.Calls(kakaopaytest.ApprovePath), srv.Calls(kakaopaytest.OrderPath); a != 2 || o != 1 {
		t.Fatalf("approve called %d and order %d times, want 2 and 1", a, o)
	}
}

// A confirm whose answer is lost is an unknown outcome, never a failure:
// the payment may be settled, and a lookup says so.
func TestConfirmTimeout(t *testing.T) {
	t.Parallel()
	p, srv := setup(t, &http.Client{Timeout: 300 * time.Millisecond})
	tid := prepare(t, p, "ord-timeout", won(15000, 0))
	req := confirmRequest("ord-timeout", tid, srv.Approve(tid), won(15000, 0))

	srv.DelayNext(kakaopaytest.ApprovePath, time.Minute)
	_, err := p.Confirm(t.Context(), req)
	if !errors.Is(err, payment.ErrUnknownOutcome) {
		t.Fatalf("Confirm = %v, want ErrUnknownOutcome", err)
	}
	if _, ok := payment.AsDeclined(err); ok {
		t.Fatalf("a timeout must not look like a refusal: %v", err)
	}
	got, err := p.Lookup(t.Context(), payment.LookupRequest{ProviderPaymentID: tid})
	if err != nil {
		t.Fatalf("Lookup: %v", err)
	}
	if got.Status != payment.StatusPaid || got.Charged.Total != 15000 {
		t.Fatalf("Lookup = %s %d, want paid 15000", got.Status, got.Charged.Total)
	}
	// The retry the service may make returns the settled payment.
	again, err := p.Confirm(t.Context(), req)
	if err != nil || again.Status != payment.StatusPaid {
		t.Fatalf("retried Confirm = %s, %v; want paid", again.Status, err)
	}
	if fp, _ := srv.Payment(tid); fp.Approvals != 1 {
		t.Fatalf("approved %d times, want once", fp.Approvals)
	}
}

func TestLookup(t *testing.T) {
	t.Parallel()
	p, srv := setup(t, nil)
	ctx := t.Context()

	if _, err := p.Lookup(ctx, payment.LookupRequest{Reference: "ord-1"}); !errors.Is(err, payment.ErrNotFound) {
		t.Fatalf("Lookup by reference only = %v, want ErrNotFound", err)
	}
	if n := srv.Calls(kakaopaytest.OrderPath); n != 0 {
		t.Fatalf("order called %d times for a lookup KakaoPay cannot do, want 0", n)
	}
	if _, err := p.Lookup(ctx, payment.LookupRequest{ProviderPaymentID: "T0000000000000000000"}); !errors.Is(err, payment.ErrNotFound) {
		t.Fatalf("Lookup of an unknown tid = %v, want ErrNotFound", err)
	}

	tid := prepare(t, p, "ord-lookup", won(20000, 0))
	var q url.Values
	steps := []struct {
		name          string
		act           func(t *testing.T)
		wantStatus    payment.Status
		wantCancelled int64
		wantPaidAt    bool
	}{
		{"prepared", func(*testing.T) {}, payment.StatusPending, 0, false},
		{"buyer approved, not confirmed", func(*testing.T) { q = srv.Approve(tid) }, payment.StatusPending, 0, false},
		{"confirmed", func(t *testing.T) {
			if _, err := p.Confirm(ctx, confirmRequest("ord-lookup", tid, q, won(20000, 0))); err != nil {
				t.Fatalf("Confirm: %v", err)
			}
		}, payment.StatusPaid, 0, true},
		{"part refunded", func(t *testing.T) {
			if _, err := p.Refund(ctx, payment.RefundRequest{ProviderPaymentID: tid, Amount: won(5000, 0), Balance: 20000}); err != nil {
				t.Fatalf("Refund: %v", err)
			}
		}, payment.StatusPartiallyCancelled, 5000, true},
		{"wholly refunded", func(t *testing.T) {
			if _, err := p.Refund(ctx, payment.RefundRequest{ProviderPaymentID: tid, Amount: won(15000, 0), Balance: 15000, Full: true}); err != nil {
				t.Fatalf("Refund: %v", err)
			}
		}, payment.StatusCancelled, 20000, true},
	}
	// Steps build on each other, so they run in order.
	for _, st := range steps {
		st.act(t)
		got, err := p.Lookup(ctx, payment.LookupRequest{Reference: "ord-lookup", ProviderPaymentID: tid})
		if err != nil {
			t.Fatalf("%s: Lookup: %v", st.name, err)
		}
		if got.Status != st.wantStatus || got.Cancelled != st.wantCancelled {
			t.Fatalf("%s: Lookup = %s, cancelled %d; want %s, %d", st.name, got.Status, got.Cancelled, st.wantStatus, st.wantCancelled)
		}
		if got.Charged != won(20000, 0) || got.ProviderPaymentID != tid {
			t.Fatalf("%s: Lookup charged %+v for %s, want 20000 for %s", st.name, got.Charged, got.ProviderPaymentID, tid)
		}
		if st.wantPaidAt != got.PaidAt.Equal(clock) {
			t.Fatalf("%s: PaidAt = %v, want set: %v", st.name, got.PaidAt, st.wantPaidAt)
		}
		if !strings.Contains(string(got.Raw), `"status"`) {
			t.Fatalf("%s: Raw %s is not the order answer", st.name, got.Raw)
		}
	}
}
