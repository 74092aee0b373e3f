// Package kakaopaytest is a local fake of KakaoPay's online single payment
// open API (ready, approve, order, cancel under /online/v1/payment), for
// tests of the kakaopay adapter and of anything built on it. It checks the
// "Authorization: SECRET_KEY <key>" header, keeps payments in memory with
// KakaoPay's status machine and answers with the documented JSON shapes and
// error body. Test controls stand in for the buyer on KakaoPay's page
// (Approve, Decline, Quit) and for a misbehaving network (FailNext,
// DelayNext); Calls and Payment let a test check what reached the fake.
//
// The numeric error codes other than -401 (bad key), -701 (approve before
// the buyer's authentication) and -780 (approval failure) are the fake's
// own choice, as are the HTTP statuses (400 for refusals, 401 for a bad
// key): KakaoPay does not publish them for the open API. The kakaopay
// adapter depends only on CodeNoSuchPayment among them.
package kakaopaytest

import (
	"crypto/rand"
	"encoding/hex"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"time"

	"github.com/mallang/mallang/internal/fake"
)

// SecretKey is the secret key the fake accepts; any other is refused
// with HTTP 401 and CodeInvalidKey.
const SecretKey = "DEV0F4KE0KAKAOPAY0SECRET0KEY0FOR0TESTS00"

// CID is the merchant code the fake accepts: KakaoPay's test CID for
// single payments.
const CID = "TC0ONETIME"

// Paths of the four calls, for FailNext, DelayNext and Calls.
const (
	ReadyPath   = "/online/v1/payment/ready"
	ApprovePath = "/online/v1/payment/approve"
	OrderPath   = "/online/v1/payment/order"
	CancelPath  = "/online/v1/payment/cancel"
)

// Error codes the fake answers with (see the package comment for which
// are documented).
const (
	CodeInternal         = -1   // FailNext's answer
	CodeBadRequest       = -2   // a missing or malformed parameter, wrong cid, partner ids or pg_token
	CodeMethodNotAllowed = -3   // a call that is not POST
	CodeInvalidKey       = -401 // wrong or missing secret key (HTTP 401)
	CodeNotAuthenticated = -701 // approve before the buyer approved on KakaoPay's page
	CodeAlreadyApproved  = -702 // approve of a payment approved before
	CodeBalanceMismatch  = -706 // cancel_available_amount differs from the balance
	CodeCancelExceeded   = -707 // cancel for more than the balance
	CodeNotCancelable    = -708 // cancel of a payment that is not paid
	CodeNoSuchPayment    = -721 // unknown tid
	CodeApprovalFailed   = -780 // the payment method refused at approve (see Decline)
)

const (
	methodMoney        = "MONEY"
	statusReady        = "READY"
	statusAuthPassword = "AUTH_PASSWORD"
	statusSuccess      = "SUCCESS_PAYMENT"
	statusPartCancel   = "PART_CANCEL_PAYMENT"
	statusCancel       = "CANCEL_PAYMENT"
	statusQuit         = "QUIT_PAYMENT"
	statusFail         = "FAIL_PAYMENT"
	timeLayout         = "2006-01-02T15:04:05"
)

// kst is the zone of KakaoPay's timestamps, written without an offset.
var kst = time.FixedZone("KST", 9*60*60)

// Server is the fake. It is safe for concurrent use; mu guards every field
// below it. FailNext (answered with CodeInternal), DelayNext, Calls and Wait
// come from fake.Faults; a delayed call takes effect at once and holds its
// answer back, as a call does whose answer is lost on the way back, so a
// test can check that an unknown outcome is looked up rather than retried.
type Server struct {
	fake.Faults
	ts  *httptest.Server
	now func() time.Time

	mu       sync.Mutex
	payments map[string]*record // by tid
}

// Option changes a Server built by NewServer.
type Option func(*Server)

// WithNow sets the fake's clock (time.Now by default), so a test can assert
// the exact created_at, approved_at and canceled_at it gets back.
func WithNow(now func() time.Time) Option {
	return func(s *Server) { s.now = now }
}

// NewServer starts a fake on a local port. Close it when done
// (t.Cleanup(s.Close)).
func NewServer(opts ...Option) *Server {
	s := &Server{
		now:      time.Now,
		payments: map[string]*record{},
	}
	for _, o := range opts {
		o(s)
	}
	mux := http.NewServeMux()
	mux.Handle(ReadyPath, s.endpoint(ReadyPath, s.ready))
	mux.Handle(ApprovePath, s.endpoint(ApprovePath, s.approve))
	mux.Handle(OrderPath, s.endpoint(OrderPath, s.order))
	mux.Handle(CancelPath, s.endpoint(CancelPath, s.cancel))
	s.ts = httptest.NewServer(mux)
	return s
}

// URL is the fake's base URL, for kakaopay.Config.BaseURL.
func (s *Server) URL() string { return s.ts.URL }

// Close ends pending delays and shuts the fake down.
func (s *Server) Close() {
	s.Faults.Close()
	s.ts.Close()
}

// Approve plays the buyer approving payment tid on KakaoPay's page (paying
// with KakaoPay Money) and returns what KakaoPay adds to approval_url's
// query: pg_token. It returns nil when tid is unknown or no longer waiting
// for the buyer.
func (s *Server) Approve(tid string) url.Values {
	return s.authenticate(tid, nil)
}

// Decline plays a buyer who authenticates on KakaoPay's page but whose
// payment method then refuses: the browser still reaches approval_url with
// the returned pg_token, and approve answers CodeApprovalFailed with
// extras{method_result_code: code, method_result_message: message}, leaving
// the payment FAIL_PAYMENT. It returns nil when tid is unknown or no longer
// waiting for the buyer.
func (s *Server) Decline(tid, code, message string) url.Values {
	return s.authenticate(tid, &methodResult{Code: code, Message: message})
}

// Quit plays the buyer giving up on KakaoPay's page: the payment becomes
// QUIT_PAYMENT (KakaoPay sends the browser to cancel_url, with nothing to
// add to its query). Unknown tids and payments the buyer already approved
// are left alone.
func (s *Server) Quit(tid string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if p, ok := s.payments[tid]; ok && p.status == statusReady {
		p.status = statusQuit
	}
}

func (s *Server) authenticate(tid string, decline *methodResult) url.Values {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, ok := s.payments[tid]
	if !ok || p.status != statusReady {
		return nil
	}
	p.status = statusAuthPassword
	p.pgToken = randomID(20)
	p.method = methodMoney
	p.decline = decline
	return url.Values{"pg_token": {p.pgToken}}
}

// Payment is a snapshot of one payment as the fake holds it. Amounts are
// in won.
type Payment struct {
	TID, CID       string
	PartnerOrderID string
	PartnerUserID  string
	ItemName       string
	Status         string // KakaoPay's status: READY, AUTH_PASSWORD, SUCCESS_PAYMENT, …
	Method         string // payment_method_type once the buyer chose one
	Total, TaxFree int64  // registered at ready
	// ApproveTotal is the total_amount sent with the last approve, 0 when
	// it was left out. The fake does not compare it with Total (no
	// documented behaviour to imitate); it records it so tests can see
	// what the adapter sent.
	ApproveTotal              int64
	Canceled, CanceledTaxFree int64
	Approvals                 int // successful approve calls
	Cancels                   int // successful cancel calls
	CreatedAt                 time.Time
	ApprovedAt, CanceledAt    time.Time
}

// Payment returns a snapshot of payment tid, and false when there is none.
func (s *Server) Payment(tid string) (Payment, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, ok := s.payments[tid]
	if !ok {
		return Payment{}, false
	}
	return Payment{
		TID: p.tid, CID: p.cid,
		PartnerOrderID: p.partnerOrderID, PartnerUserID: p.partnerUserID,
		ItemName: p.itemName, Status: p.status, Method: p.method,
		Total: p.total, TaxFree: p.taxFree, ApproveTotal: p.approveTotal,
		Canceled: p.canceled, CanceledTaxFree: p.canceledTaxFree,
		Approvals: p.approvals, Cancels: p.cancels,
		CreatedAt: p.createdAt, ApprovedAt: p.approvedAt, CanceledAt: p.canceledAt,
	}, true
}

// randomID returns n random hex digits.
func randomID(n int) string {
	b := make([]byte, (n+1)/2)
	rand.Read(b) // never fails (crypto/rand since Go 1.24)
	return hex.EncodeToString(b)[:n]
}
