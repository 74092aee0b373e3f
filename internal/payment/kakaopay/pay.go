package kakaopay

import (
	"context"
	"fmt"
	"time"
	"unicode/utf8"

	"github.com/mallang/mallang/internal/kst"
	"github.com/mallang/mallang/internal/payment"
)

// CodeNoPGToken is the Declined.Code Confirm returns, without calling
// KakaoPay, when the return URL carries no pg_token: the buyer did not
// finish on KakaoPay's page (or someone opened the return URL by hand).
const CodeNoPGToken = "PG_TOKEN_MISSING"

// currency is the only currency KakaoPay takes.
const currency = "KRW"

// maxItemName is KakaoPay's limit on item_name, in characters.
const maxItemName = 100

// timeLayout is KakaoPay's timestamp format ("2024-05-01T13:45:07");
// fractional seconds, when present, are accepted by time.Parse as well.
const timeLayout = "2006-01-02T15:04:05"

// amount is KakaoPay's amount object, in won.
type amount struct {
	Total        int64 `json:"total"`
	TaxFree      int64 `json:"tax_free"`
	VAT          int64 `json:"vat"`
	Point        int64 `json:"point"`
	Discount     int64 `json:"discount"`
	GreenDeposit int64 `json:"green_deposit"`
}

type readyRequest struct {
	CID            string `json:"cid"`
	PartnerOrderID string `json:"partner_order_id"`
	PartnerUserID  string `json:"partner_user_id"`
	ItemName       string `json:"item_name"`
	Quantity       int    `json:"quantity"`
	TotalAmount    int64  `json:"total_amount"`
	TaxFreeAmount  int64  `json:"tax_free_amount"`
	ApprovalURL    string `json:"approval_url"`
	CancelURL      string `json:"cancel_url"`
	FailURL        string `json:"fail_url"`
}

type readyResponse struct {
	TID                   string `json:"tid"`
	NextRedirectPCURL     string `json:"next_redirect_pc_url"`
	NextRedirectMobileURL string `json:"next_redirect_mobile_url"`
	NextRedirectAppURL    string `json:"next_redirect_app_url"`
	CreatedAt             string `json:"created_at"`
}

type approveRequest struct {
	CID            string `json:"cid"`
	TID            string `json:"tid"`
	PartnerOrderID string `json:"partner_order_id"`
	PartnerUserID  string `json:"partner_user_id"`
	PGToken        string `json:"pg_token"`
	// TotalAmount is the optional check that KakaoPay charges what we
	// prepared; 0 leaves it out.
	TotalAmount int64 `json:"total_amount,omitempty"`
}

type approveResponse struct {
	AID               string `json:"aid"`
	TID               string `json:"tid"`
	PartnerOrderID    string `json:"partner_order_id"`
	PaymentMethodType string `json:"payment_method_type"`
	Amount            amount `json:"amount"`
	ApprovedAt        string `json:"approved_at"`
}

type orderRequest struct {
	CID string `json:"cid"`
	TID string `json:"tid"`
}

type orderResponse struct {
	TID                   string `json:"tid"`
	Status                string `json:"status"`
	PartnerOrderID        string `json:"partner_order_id"`
	PaymentMethodType     string `json:"payment_method_type"`
	Amount                amount `json:"amount"`
	CanceledAmount        amount `json:"canceled_amount"`
	CancelAvailableAmount amount `json:"cancel_available_amount"`
	ApprovedAt            string `json:"approved_at"`
}

// Prepare calls ready, registering the amount with KakaoPay before the
// buyer sees its page, and returns the tid and the page for the buyer's
// device. KakaoPay takes only won: any other currency is refused here.
func (p *Provider) Prepare(ctx context.Context, r payment.PrepareRequest) (payment.Prepared, error) {
	if err := checkAmount(r.Amount); err != nil {
		return payment.Prepared{}, fmt.Errorf("kakaopay prepare %s: %w", r.Reference, err)
	}
	body := readyRequest{
		CID:            p.cid,
		PartnerOrderID: r.Reference,
		PartnerUserID:  r.CustomerRef,
		ItemName:       truncate(r.OrderName, maxItemName),
		Quantity:       1, // one line for the whole order; the name says what it holds
		TotalAmount:    r.Amount.Total,
		TaxFreeAmount:  r.Amount.TaxFree,
		ApprovalURL:    r.ReturnURL,
		CancelURL:      r.CancelURL,
		FailURL:        r.FailURL,
	}
	var out readyResponse
	raw, err := p.post(ctx, pathReady, body, &out)
	if err != nil {
		return payment.Prepared{}, fmt.Errorf("kakaopay prepare %s: %w", r.Reference, err)
	}
	redirect := out.NextRedirectPCURL
	if r.Mobile {
		redirect = out.NextRedirectMobileURL
	}
	if out.TID == "" || redirect == "" {
		// KakaoPay registered something we cannot use or find again.
		return payment.Prepared{}, fmt.Errorf("kakaopay prepare %s: %w: ready answered without tid or redirect URL",
			r.Reference, payment.ErrUnknownOutcome)
	}
	return payment.Prepared{
		ProviderPaymentID: out.TID,
		RedirectURL:       redirect,
		Charge:            r.Amount,
		Raw:               raw,
	}, nil
}

// Confirm calls approve with the pg_token from the return URL. The result
// carries KakaoPay's figures, which the service compares with what it
// prepared. A refused approve is looked up once: if KakaoPay says the
// payment is SUCCESS_PAYMENT (an approve repeated after one that
// succeeded), Confirm returns that account instead of the refusal, so a
// retried confirm is not a failure. A missing pg_token is a
// *payment.Declined with Code CodeNoPGToken.
func (p *Provider) Confirm(ctx context.Context, r payment.ConfirmRequest) (payment.Result, error) {
	tid := r.ProviderPaymentID
	if tid == "" {
		return payment.Result{}, fmt.Errorf("kakaopay confirm %s: no tid recorded at prepare", r.Reference)
	}
	token := first(r.Query, "pg_token")
	if token == "" {
		return payment.Result{}, fmt.Errorf("kakaopay confirm %s: %w", r.Reference,
			&payment.Declined{Code: CodeNoPGToken, Message: "카카오페이 결제 인증 정보(pg_token)가 없습니다."})
	}
	body := approveRequest{
		CID:            p.cid,
		TID:            tid,
		PartnerOrderID: r.Reference,
		PartnerUserID:  r.CustomerRef,
		PGToken:        token,
	}
	if r.Expected.Currency == currency && r.Expected.Total > 0 {
		body.TotalAmount = r.Expected.Total
	}
	var out approveResponse
	raw, err := p.post(ctx, pathApprove, body, &out)
	if err != nil {
		if _, ok := payment.AsDeclined(err); ok {
			if res, ok := p.alreadyPaid(ctx, tid, r.Reference); ok {
				return res, nil
			}
		}
		return payment.Result{}, fmt.Errorf("kakaopay confirm %s (tid %s): %w", r.Reference, tid, err)
	}
	return payment.Result{
		ProviderPaymentID: tid,
		Status:            payment.StatusPaid,
		Charged:           payment.Amount{Total: out.Amount.Total, TaxFree: out.Amount.TaxFree, Currency: currency},
		Method:            out.PaymentMethodType,
		PaidAt:            parseTime(out.ApprovedAt),
		Raw:               raw,
	}, nil
}

// alreadyPaid looks tid up after a refused approve and reports the payment
// when KakaoPay holds it as SUCCESS_PAYMENT for our reference. Any lookup
// error leaves the refusal standing.
func (p *Provider) alreadyPaid(ctx context.Context, tid, reference string) (payment.Result, bool) {
	o, raw, err := p.order(ctx, tid)
	if err != nil || o.Status != "SUCCESS_PAYMENT" || o.PartnerOrderID != reference {
		return payment.Result{}, false
	}
	return resultFromOrder(tid, o, raw), true
}

// Lookup calls order for the payment's tid. KakaoPay has no lookup by our
// reference, so a request without ProviderPaymentID is payment.ErrNotFound.
func (p *Provider) Lookup(ctx context.Context, r payment.LookupRequest) (payment.Result, error) {
	tid := r.ProviderPaymentID
	if tid == "" {
		return payment.Result{}, fmt.Errorf("kakaopay lookup %s: KakaoPay finds payments only by tid: %w",
			r.Reference, payment.ErrNotFound)
	}
	o, raw, err := p.order(ctx, tid)
	if err != nil {
		return payment.Result{}, fmt.Errorf("kakaopay lookup %s (tid %s): %w", r.Reference, tid, err)
	}
	return resultFromOrder(tid, o, raw), nil
}

func (p *Provider) order(ctx context.Context, tid string) (orderResponse, []byte, error) {
	var out orderResponse
	raw, err := p.post(ctx, pathOrder, orderRequest{CID: p.cid, TID: tid}, &out)
	return out, raw, err
}

// statuses maps KakaoPay's order statuses onto payment.Status:
//
//	KakaoPay status        payment.Status
//	SUCCESS_PAYMENT        paid
//	PART_CANCEL_PAYMENT    partially_cancelled
//	CANCEL_PAYMENT         cancelled
//	FAIL_AUTH_PASSWORD     failed
//	QUIT_PAYMENT           failed
//	FAIL_PAYMENT           failed
//	READY, SEND_TMS,       pending (the buyer is still on KakaoPay's page,
//	OPEN_PAYMENT,           or has approved there and we have not yet
//	SELECT_METHOD,          called approve)
//	ARS_WAITING,
//	AUTH_PASSWORD,
//	ISSUED_SID, anything
//	else
var statuses = map[string]payment.Status{
	"SUCCESS_PAYMENT":     payment.StatusPaid,
	"PART_CANCEL_PAYMENT": payment.StatusPartiallyCancelled,
	"CANCEL_PAYMENT":      payment.StatusCancelled,
	"FAIL_AUTH_PASSWORD":  payment.StatusFailed,
	"QUIT_PAYMENT":        payment.StatusFailed,
	"FAIL_PAYMENT":        payment.StatusFailed,
}

// failures are our words for KakaoPay's failed statuses: the order lookup
// gives a status but no reason.
var failures = map[string]string{
	"FAIL_AUTH_PASSWORD": "카카오페이 비밀번호 인증에 실패했습니다.",
	"QUIT_PAYMENT":       "카카오페이 결제를 중단했습니다.",
	"FAIL_PAYMENT":       "카카오페이 결제 승인에 실패했습니다.",
}

func mapStatus(s string) payment.Status {
	if st, ok := statuses[s]; ok {
		return st
	}
	return payment.StatusPending
}

func resultFromOrder(tid string, o orderResponse, raw []byte) payment.Result {
	res := payment.Result{
		ProviderPaymentID: tid,
		Status:            mapStatus(o.Status),
		Charged:           payment.Amount{Total: o.Amount.Total, TaxFree: o.Amount.TaxFree, Currency: currency},
		Cancelled:         o.CanceledAmount.Total,
		Method:            o.PaymentMethodType,
		Raw:               raw,
	}
	switch res.Status {
	case payment.StatusPaid, payment.StatusPartiallyCancelled, payment.StatusCancelled:
		res.PaidAt = parseTime(o.ApprovedAt)
	case payment.StatusFailed:
		res.FailureCode = o.Status
		res.FailureMessage = failures[o.Status]
	}
	return res
}

// checkAmount refuses what KakaoPay cannot take, before any call.
func checkAmount(a payment.Amount) error {
	if a.Currency != currency {
		return fmt.Errorf("currency %q: KakaoPay takes only KRW", a.Currency)
	}
	if a.Total <= 0 {
		return fmt.Errorf("amount %d: must be positive", a.Total)
	}
	if a.TaxFree < 0 || a.TaxFree > a.Total {
		return fmt.Errorf("tax-free amount %d: must be between 0 and the total %d", a.TaxFree, a.Total)
	}
	return nil
}

// parseTime reads a KakaoPay timestamp as Korean time; "" or a malformed
// one is the zero time (the raw answer keeps the original).
func parseTime(s string) time.Time {
	if s == "" {
		return time.Time{}
	}
	t, err := time.ParseInLocation(timeLayout, s, kst.Zone)
	if err != nil {
		return time.Time{}
	}
	return t
}

// truncate cuts s to at most n characters (runes, not bytes), so a Korean
// order name is never split inside a character.
func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	i := 0
	for j := range s {
		if i == n {
			return s[:j]
		}
		i++
	}
	return s
}

func first(q map[string][]string, key string) string {
	if v := q[key]; len(v) > 0 {
		return v[0]
	}
	return ""
}
