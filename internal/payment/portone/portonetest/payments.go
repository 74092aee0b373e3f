package portonetest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"time"
)

// paymentJSON is PortOne's Payment, the fields the fake fills.
type paymentJSON struct {
	Status          string             `json:"status"`
	ID              string             `json:"id"`
	TransactionID   string             `json:"transactionId,omitempty"`
	MerchantID      string             `json:"merchantId"`
	StoreID         string             `json:"storeId"`
	Method          *methodJSON        `json:"method,omitempty"`
	Version         string             `json:"version"`
	RequestedAt     string             `json:"requestedAt"`
	UpdatedAt       string             `json:"updatedAt"`
	StatusChangedAt string             `json:"statusChangedAt"`
	OrderName       string             `json:"orderName"`
	Amount          amountJSON         `json:"amount"`
	Currency        string             `json:"currency"`
	Customer        struct{}           `json:"customer"`
	PaidAt          string             `json:"paidAt,omitempty"`
	FailedAt        string             `json:"failedAt,omitempty"`
	Failure         *failureJSON       `json:"failure,omitempty"`
	CancelledAt     string             `json:"cancelledAt,omitempty"`
	Cancellations   []cancellationJSON `json:"cancellations,omitempty"`
	ReceiptURL      string             `json:"receiptUrl,omitempty"`
}

type amountJSON struct {
	Total            int64 `json:"total"`
	TaxFree          int64 `json:"taxFree"`
	Vat              int64 `json:"vat"`
	Supply           int64 `json:"supply"`
	Discount         int64 `json:"discount"`
	Paid             int64 `json:"paid"`
	Cancelled        int64 `json:"cancelled"`
	CancelledTaxFree int64 `json:"cancelledTaxFree"`
}

// methodJSON is PaymentMethodCard (no card data: the fake has none) or
// PaymentMethodVirtualAccount.
type methodJSON struct {
	Type          string `json:"type"`
	Bank          string `json:"bank,omitempty"`
	AccountNumber string `json:"accountNumber,omitempty"`
	RemitteeName  string `json:"remitteeName,omitempty"`
	ExpiredAt     string `json:"expiredAt,omitempty"`
	IssuedAt      string `json:"issuedAt,omitempty"`
}

type failureJSON struct {
	Reason    string `json:"reason,omitempty"`
	PgCode    string `json:"pgCode,omitempty"`
	PgMessage string `json:"pgMessage,omitempty"`
}

// cancellationJSON is a SucceededPaymentCancellation.
type cancellationJSON struct {
	Status        string `json:"status"`
	ID            string `json:"id"`
	TotalAmount   int64  `json:"totalAmount"`
	TaxFreeAmount int64  `json:"taxFreeAmount"`
	VatAmount     int64  `json:"vatAmount"`
	Reason        string `json:"reason"`
	CancelledAt   string `json:"cancelledAt"`
	RequestedAt   string `json:"requestedAt"`
}

// Virtual accounts the fake issues.
const (
	VirtualBank    = "SHINHAN"
	VirtualAccount = "56211234567890"
	VirtualHolder  = "말랑상점"
)

func stamp(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

// vat is the VAT inside a taxed amount (1/11, rounded down).
func vat(taxed int64) int64 { return taxed / 11 }

func (p *record) json() paymentJSON {
	paid := p.total
	if p.status == statusReady || p.status == statusFailed || p.status == statusVAIssued {
		paid = 0
	}
	j := paymentJSON{
		Status:          p.status,
		ID:              p.id,
		TransactionID:   p.txID,
		MerchantID:      "merchant-portonetest",
		StoreID:         StoreID,
		Version:         "V2",
		RequestedAt:     stamp(p.requestedAt),
		UpdatedAt:       stamp(p.changedAt),
		StatusChangedAt: stamp(p.changedAt),
		Amount: amountJSON{
			Total:            p.total,
			TaxFree:          p.taxFree,
			Vat:              vat(p.total - p.taxFree),
			Supply:           p.total - p.taxFree - vat(p.total-p.taxFree),
			Paid:             paid,
			Cancelled:        p.cancelled,
			CancelledTaxFree: p.cancelledFree,
		},
		Currency:      "KRW",
		PaidAt:        stamp(p.paidAt),
		FailedAt:      stamp(p.failedAt),
		Failure:       p.failure,
		CancelledAt:   stamp(p.cancelledAt),
		Cancellations: p.cancellations,
	}
	switch {
	case p.virtual:
		j.Method = &methodJSON{
			Type:          "PaymentMethodVirtualAccount",
			Bank:          VirtualBank,
			AccountNumber: VirtualAccount,
			RemitteeName:  VirtualHolder,
			ExpiredAt:     stamp(p.vaExpires),
			IssuedAt:      stamp(p.requestedAt),
		}
	case p.status != statusReady && p.status != statusFailed:
		j.Method = &methodJSON{Type: "PaymentMethodCard"}
	}
	if !p.paidAt.IsZero() {
		j.ReceiptURL = "https://portonetest.invalid/receipts/" + p.txID
	}
	return j
}

// open marks that the customer reached the window; mu must be held.
func (s *Server) open(paymentID string) *record {
	p := s.record(paymentID)
	now := time.Now()
	if !p.opened {
		p.opened = true
		p.requestedAt = now
		p.status = statusReady
	}
	p.txID = s.nextID("tx-portonetest-")
	p.changedAt = now
	return p
}

// taxFreeFor is the tax-free part of amount: the pre-registered one, when
// it fits.
func (p *record) taxFreeFor(amount int64) int64 {
	if p.preReg && p.preFree <= amount {
		return p.preFree
	}
	return 0
}

// Open is the customer opening the payment window and not finishing yet:
// the payment exists, READY.
func (s *Server) Open(paymentID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.open(paymentID)
}

// Pay is the customer paying amount by card in the window: the payment is
// PAID for amount, whatever was pre-registered (PortOne's V2 refusal of a
// mismatching window is unconfirmed, so the fake records what was paid).
// It returns what PortOne adds to the redirectUrl.
func (s *Server) Pay(paymentID string, amount int64) url.Values {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.open(paymentID)
	p.status = statusPaid
	p.virtual, p.failure, p.failedAt = false, nil, time.Time{}
	p.total, p.taxFree = amount, p.taxFreeFor(amount)
	p.paidAt = p.changedAt
	return returnQuery(p)
}

// Fail is the PG refusing the payment (or the customer giving up) with code
// and message: the payment is FAILED with failure {reason: message, pgCode:
// code, pgMessage: message}. It returns the redirect query, which carries
// code and message too.
func (s *Server) Fail(paymentID, code, message string) url.Values {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.open(paymentID)
	p.status = statusFailed
	p.failedAt = p.changedAt
	p.failure = &failureJSON{Reason: message, PgCode: code, PgMessage: message}
	q := returnQuery(p)
	q.Set("code", code)
	q.Set("message", message)
	return q
}

// IssueVirtualAccount is the customer choosing a virtual account for
// amount: VIRTUAL_ACCOUNT_ISSUED with VirtualBank, VirtualAccount and
// VirtualHolder, due in 7 days. It returns the redirect query.
func (s *Server) IssueVirtualAccount(paymentID string, amount int64) url.Values {
	return s.IssueVirtualAccountFor(paymentID, amount, 7*24)
}

// IssueVirtualAccountFor is IssueVirtualAccount for a window the shop
// opened with virtualAccount.accountExpiry.validHours: the account expires
// validHours after it is issued.
func (s *Server) IssueVirtualAccountFor(paymentID string, amount int64, validHours int) url.Values {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.open(paymentID)
	p.status = statusVAIssued
	p.virtual = true
	p.total, p.taxFree = amount, p.taxFreeFor(amount)
	p.vaExpires = p.changedAt.Add(time.Duration(validHours) * time.Hour)
	return returnQuery(p)
}

// RefundAccount is a cancel's refundAccount, as the fake received it.
type RefundAccount struct {
	Bank       string // PortOne's Bank ("KOOKMIN", "SHINHAN", …)
	Number     string
	HolderName string
}

// RefundedTo lists the refund accounts the cancels of paymentID named, in
// order.
func (s *Server) RefundedTo(paymentID string) []RefundAccount {
	s.mu.Lock()
	defer s.mu.Unlock()
	if p := s.payments[paymentID]; p != nil {
		return append([]RefundAccount(nil), p.refundedTo...)
	}
	return nil
}

// banks are the domestic banks of PortOne's Bank enum (server SDK
// common/Bank), which a cancel's refundAccount.bank must be one of.
var banks = map[string]bool{
	"KDB": true, "IBK": true, "KOOKMIN": true, "SUHYUP": true, "NONGHYUP": true, "LOCAL_NONGHYUP": true,
	"WOORI": true, "STANDARD_CHARTERED": true, "CITI": true, "DAEGU": true, "BUSAN": true, "KWANGJU": true,
	"JEJU": true, "JEONBUK": true, "KYONGNAM": true, "KFCC": true, "SHINHYUP": true, "SAVINGS_BANK": true,
	"NFCF": true, "POST": true, "HANA": true, "SHINHAN": true, "K_BANK": true, "KAKAO": true, "TOSS": true,
}

// Deposit is the customer transferring the money into the issued virtual
// account: the payment becomes PAID. It panics when no account is waiting,
// a mistake in the test.
func (s *Server) Deposit(paymentID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.payments[paymentID]
	if p == nil || p.status != statusVAIssued {
		panic(fmt.Sprintf("portonetest: Deposit(%q): no virtual account is waiting", paymentID))
	}
	p.status = statusPaid
	p.changedAt = time.Now()
	p.paidAt = p.changedAt
}

// cancelIn is CancelPaymentBody.
type cancelIn struct {
	StoreID                  *string `json:"storeId"`
	Amount                   *int64  `json:"amount"`
	TaxFreeAmount            *int64  `json:"taxFreeAmount"`
	Reason                   string  `json:"reason"`
	CurrentCancellableAmount *int64  `json:"currentCancellableAmount"`
	RefundAccount            *struct {
		Bank       string `json:"bank"`
		Number     string `json:"number"`
		HolderName string `json:"holderName"`
	} `json:"refundAccount"`
}

// cancel is POST /payments/{paymentId}/cancel. With an Idempotency-Key, a
// repeat gets the stored answer (success or refusal) and a repeat while the
// first still runs gets IDEMPOTENCY_OUTSTANDING_REQUEST.
func (s *Server) cancel(w http.ResponseWriter, r *http.Request, wait func()) {
	key := r.Header.Get("Idempotency-Key")
	if key != "" && !validKey(key) {
		writeError(w, http.StatusBadRequest, "INVALID_REQUEST", "Idempotency-Key must be 16 to 256 characters of A-Z a-z 0-9 - _")
		return
	}
	var in cancelIn
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
		writeError(w, http.StatusBadRequest, "INVALID_REQUEST", "body is not JSON")
		return
	}
	if st, msg := s.checkStore(in.StoreID); st != 0 {
		writeError(w, st, "FORBIDDEN", msg)
		return
	}
	slot := r.URL.Path + "\x00" + key
	if key != "" {
		s.mu.Lock()
		if prev, ok := s.idem[slot]; ok {
			s.mu.Unlock()
			if prev.pending {
				writeError(w, http.StatusConflict, "IDEMPOTENCY_OUTSTANDING_REQUEST", "a request with this Idempotency-Key is still running")
				return
			}
			writeRaw(w, prev.status, prev.body)
			return
		}
		s.idem[slot] = &stored{pending: true}
		s.mu.Unlock()
	}
	wait()
	s.mu.Lock()
	status, body := s.doCancel(r.PathValue("paymentId"), in)
	if key != "" {
		s.idem[slot] = &stored{status: status, body: body}
	}
	s.mu.Unlock()
	writeRaw(w, status, body)
}

// doCancel applies one cancel and returns PortOne's answer; mu must be held.
func (s *Server) doCancel(id string, in cancelIn) (int, []byte) {
	p := s.payments[id]
	if p == nil || !p.opened {
		return http.StatusNotFound, errorBody("PAYMENT_NOT_FOUND", "결제 건이 존재하지 않습니다.")
	}
	if in.Reason == "" {
		return http.StatusBadRequest, errorBody("INVALID_REQUEST", "reason is required")
	}
	switch p.status {
	case statusPaid, statusPartCancel:
	case statusCancelled:
		return http.StatusConflict, errorBody("PAYMENT_ALREADY_CANCELLED", "결제가 이미 취소되었습니다.")
	default:
		return http.StatusConflict, errorBody("PAYMENT_NOT_PAID", "결제가 완료되지 않았습니다.")
	}
	left, leftFree := p.total-p.cancelled, p.taxFree-p.cancelledFree
	if c := in.CurrentCancellableAmount; c != nil && *c != left {
		return http.StatusConflict, errorBody("CANCELLABLE_AMOUNT_CONSISTENCY_BROKEN", "취소 가능 잔액 검증에 실패했습니다.")
	}
	amount, free := left, leftFree
	if in.Amount != nil {
		amount, free = *in.Amount, 0
	}
	if in.TaxFreeAmount != nil {
		free = *in.TaxFreeAmount
	}
	switch {
	case amount <= 0 || free < 0 || free > amount:
		return http.StatusBadRequest, errorBody("INVALID_REQUEST", "amount and taxFreeAmount must make a positive cancel")
	case amount > left:
		return http.StatusConflict, errorBody("CANCEL_AMOUNT_EXCEEDS_CANCELLABLE_AMOUNT", "취소 금액이 취소 가능 금액을 초과했습니다.")
	case free > leftFree:
		return http.StatusConflict, errorBody("CANCEL_TAX_FREE_AMOUNT_EXCEEDS_CANCELLABLE_TAX_FREE_AMOUNT", "취소 면세 금액이 취소 가능 면세 금액을 초과했습니다.")
	case p.virtual && in.RefundAccount == nil:
		return http.StatusBadRequest, errorBody("INVALID_REQUEST", "refundAccount is required to refund a virtual account payment")
	case in.RefundAccount != nil && !banks[in.RefundAccount.Bank]:
		return http.StatusBadRequest, errorBody("INVALID_REQUEST", "refundAccount.bank is not a Bank")
	}
	if a := in.RefundAccount; a != nil {
		p.refundedTo = append(p.refundedTo, RefundAccount{Bank: a.Bank, Number: a.Number, HolderName: a.HolderName})
	}
	now := time.Now()
	c := cancellationJSON{
		Status:        "SUCCEEDED",
		ID:            s.nextID("cancel-portonetest-"),
		TotalAmount:   amount,
		TaxFreeAmount: free,
		VatAmount:     vat(amount - free),
		Reason:        in.Reason,
		CancelledAt:   stamp(now),
		RequestedAt:   stamp(now),
	}
	p.cancelled += amount
	p.cancelledFree += free
	p.cancellations = append(p.cancellations, c)
	p.changedAt = now
	p.status = statusPartCancel
	if p.cancelled == p.total {
		p.status = statusCancelled
		p.cancelledAt = now
	}
	b, err := json.Marshal(struct {
		Cancellation cancellationJSON `json:"cancellation"`
	}{c})
	if err != nil {
		return http.StatusInternalServerError, errorBody("INTERNAL_SERVER_ERROR", err.Error())
	}
	return http.StatusOK, b
}

// validKey is PortOne's Idempotency-Key rule.
func validKey(k string) bool {
	if len(k) < 16 || len(k) > 256 {
		return false
	}
	for _, c := range k {
		switch {
		case c >= 'A' && c <= 'Z', c >= 'a' && c <= 'z', c >= '0' && c <= '9', c == '-', c == '_':
		default:
			return false
		}
	}
	return true
}
