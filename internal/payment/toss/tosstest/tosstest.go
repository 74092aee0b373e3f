// Package tosstest is a local fake of the Toss Payments core API
// (https://api.tosspayments.com/v1), for tests of the toss adapter and of
// anything that pays through it. It speaks the documented API: Basic auth
// with the secret key, POST /v1/payments/confirm, GET /v1/payments/{paymentKey}
// and /v1/payments/orders/{orderId}, POST /v1/payments/{paymentKey}/cancel,
// the Payment object, {"code","message"} error bodies, Idempotency-Key on
// POST (the same key on the same path answers the first response again), and
// the status machine READY → IN_PROGRESS → DONE / WAITING_FOR_DEPOSIT →
// PARTIAL_CANCELED → CANCELED, ABORTED.
//
// There is no payment window: tests play the customer with Authorize,
// AuthorizeVirtualAccount and Decline, which return what Toss would put on
// the successUrl or failUrl. Deposit and StatusChangedWebhook build the
// webhook bodies Toss would post; FailNext and DelayNext break the next call
// to a path; Calls counts calls per path.
//
// Assumptions beyond the documentation (PAYMENTS.md §1 marks the HTTP status
// of these codes unconfirmed), kept here so they are easy to revisit:
//   - a wrong or missing secret key is 401 UNAUTHORIZED_KEY;
//   - a confirm whose amount differs from the one the window approved is
//     400 INVALID_REQUEST, and the payment stays IN_PROGRESS;
//   - a confirm whose orderId does not belong to the paymentKey is 400
//     INVALID_REQUEST;
//   - a confirm of an ABORTED or EXPIRED payment is 404
//     NOT_FOUND_PAYMENT_SESSION;
//   - a cancel above balanceAmount is 400 NOT_CANCELABLE_AMOUNT; a cancel of
//     a CANCELED payment is 400 ALREADY_CANCELED_PAYMENT; of a payment not
//     yet approved, 400 NOT_CANCELABLE_PAYMENT; of a deposited virtual
//     account without refundReceiveAccount, 400 INVALID_REQUEST;
//   - a cancel of a WAITING_FOR_DEPOSIT payment (account issued, nothing
//     paid) cancels it whole;
//   - FailNext answers FAILED_INTERNAL_SYSTEM_PROCESSING and changes nothing;
//   - Decline leaves an ABORTED payment carrying the code and message as its
//     failure, found by orderId;
//   - issued virtual accounts are bank "88" (신한), number "X…" (test
//     accounts start with X), holder "홍길동", due in 7 days or the
//     validHours the window was given;
//   - a refundReceiveAccount whose bank is not one of Toss's bank codes is
//     400 INVALID_REQUEST.
package tosstest

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/mallang/mallang/internal/fake"
)

// Keys the fake accepts. Only SecretKey is checked (on every call, as
// Authorization: Basic base64(SecretKey + ":")); ClientKey exists so the
// adapter can be configured as in production.
const (
	SecretKey = "test_sk_tosstest0000000000000000"
	ClientKey = "test_ck_tosstest0000000000000000"
)

// Endpoint paths, for FailNext, DelayNext and Calls. Paths with a payment's
// key or order id are built with PaymentPath, CancelPath and OrderPath.
const ConfirmPath = "/v1/payments/confirm"

// PaymentPath is the lookup path of the payment with paymentKey.
func PaymentPath(paymentKey string) string { return "/v1/payments/" + paymentKey }

// CancelPath is the cancel path of the payment with paymentKey.
func CancelPath(paymentKey string) string { return "/v1/payments/" + paymentKey + "/cancel" }

// OrderPath is the lookup-by-order path of orderID.
func OrderPath(orderID string) string { return "/v1/payments/orders/" + orderID }

// Toss writes times with the Korean offset; webhook createdAt has none.
var kst = time.FixedZone("KST", 9*60*60)

const (
	timeLayout    = "2006-01-02T15:04:05-07:00"
	webhookLayout = "2006-01-02T15:04:05.000000"
)

// Server is a running fake. Its methods are safe for concurrent use.
// FailNext, DelayNext, Calls and Wait come from fake.Faults; a delayed call
// does its work and then holds its answer back.
type Server struct {
	fake.Faults
	srv *httptest.Server

	mu       sync.Mutex              // guards every field below
	payments map[string]*tossPayment // by paymentKey
	orders   map[string]string       // orderId → latest paymentKey
	virtual  map[string]int          // paymentKeys authorized as virtual accounts → validHours
	idem     map[string]stored       // path + "\x00" + Idempotency-Key → first response
	cash     cashReceipts            // cash receipts (cashreceipt.go)
}

type stored struct {
	status int
	body   []byte
}

// NewServer starts a fake on 127.0.0.1. Close it when done.
func NewServer() *Server {
	s := &Server{
		payments: map[string]*tossPayment{},
		orders:   map[string]string{},
		virtual:  map[string]int{},
		idem:     map[string]stored{},
	}
	mux := http.NewServeMux()
	mux.Handle("POST /v1/payments/confirm", s.endpoint(s.confirm))
	mux.Handle("GET /v1/payments/{paymentKey}", s.endpoint(s.lookup))
	mux.Handle("GET /v1/payments/orders/{orderId}", s.endpoint(s.lookupOrder))
	mux.Handle("POST /v1/payments/{paymentKey}/cancel", s.endpoint(s.cancel))
	s.receiptRoutes(mux)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusNotFound, apiError{"NOT_FOUND", "존재하지 않는 정보 입니다."})
	})
	s.srv = httptest.NewServer(mux)
	return s
}

// URL is the base URL to put in the adapter's Config.BaseURL.
func (s *Server) URL() string { return s.srv.URL }

// Close ends pending delays and shuts the server down.
func (s *Server) Close() {
	s.Faults.Close()
	s.srv.Close()
}

type handler func(r *http.Request, body []byte) (int, any)

// endpoint wraps a handler with what every call goes through: counting,
// injected failures, the auth check, idempotency and injected delays.
func (s *Server) endpoint(h handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		path := r.URL.Path
		body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
		if err != nil {
			writeJSON(w, http.StatusBadRequest, apiError{"INVALID_REQUEST", "잘못된 요청입니다."})
			return
		}

		c := s.Arrive(path)
		defer c.Done()
		if c.Fail != 0 {
			writeJSON(w, c.Fail, apiError{"FAILED_INTERNAL_SYSTEM_PROCESSING", "내부 시스템 처리 작업이 실패했습니다. 잠시 후 다시 시도해주세요."})
			return
		}
		s.mu.Lock()
		if !s.authorized(r) {
			s.mu.Unlock()
			writeJSON(w, http.StatusUnauthorized, apiError{"UNAUTHORIZED_KEY", "인증되지 않은 시크릿 키 혹은 클라이언트 키 입니다."})
			return
		}
		key := r.Header.Get("Idempotency-Key")
		var res stored
		if prev, ok := s.idem[path+"\x00"+key]; ok && key != "" && r.Method == http.MethodPost {
			res = prev
		} else {
			status, v := h(r, body)
			res = stored{status: status, body: mustJSON(v)}
			if key != "" && r.Method == http.MethodPost {
				s.idem[path+"\x00"+key] = res
			}
		}
		s.mu.Unlock()

		c.Hold(r.Context()) // the work is done: a delay holds back the answer
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(res.status)
		_, _ = w.Write(res.body)
	})
}

// authorized checks Authorization: Basic base64(secretKey + ":") exactly.
func (s *Server) authorized(r *http.Request) bool {
	want := "Basic " + base64.StdEncoding.EncodeToString([]byte(SecretKey+":"))
	return subtle.ConstantTimeCompare([]byte(r.Header.Get("Authorization")), []byte(want)) == 1
}

// Authorize plays a customer who finished the payment window for orderID
// with amount by method ("카드", "간편결제", …; "" is "카드"): the payment is
// IN_PROGRESS, waiting for the shop's confirm. It returns the query Toss puts
// on the successUrl: paymentKey, orderId, amount and paymentType=NORMAL.
// amount is what the window approved, which a tampered page can make differ
// from what the shop prepared.
func (s *Server) Authorize(orderID string, amount int64, method string) url.Values {
	if method == "" {
		method = "카드"
	}
	return s.authorize(orderID, amount, method, 0)
}

// AuthorizeVirtualAccount plays a customer who chose a virtual account
// (가상계좌) in the window for orderID and amount; the shop's confirm then
// issues the account: WAITING_FOR_DEPOSIT, with virtualAccount and secret.
// It returns the successUrl query, as Authorize.
func (s *Server) AuthorizeVirtualAccount(orderID string, amount int64) url.Values {
	return s.authorize(orderID, amount, "가상계좌", defaultValidHours)
}

// AuthorizeVirtualAccountFor is AuthorizeVirtualAccount for a window the
// shop opened with virtualAccount.validHours: the account issued at the
// confirm is due validHours later. It panics unless validHours is 1–720,
// the range Toss documents, which is a mistake in the shop's request.
func (s *Server) AuthorizeVirtualAccountFor(orderID string, amount int64, validHours int) url.Values {
	if validHours < 1 || validHours > 720 {
		panic(fmt.Sprintf("tosstest: virtualAccount.validHours %d is outside 1–720", validHours))
	}
	return s.authorize(orderID, amount, "가상계좌", validHours)
}

// defaultValidHours is how long Toss keeps a virtual account open when the
// window was given no validHours or dueDate: 7 days.
const defaultValidHours = 7 * 24

// authorize records the payment window's approval; validHours is 0 for a
// payment that is not a virtual account.
func (s *Server) authorize(orderID string, amount int64, method string, validHours int) url.Values {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.newPayment(orderID, amount, method)
	p.Status = "IN_PROGRESS"
	s.virtual[p.PaymentKey] = validHours
	return url.Values{
		"paymentKey":  {p.PaymentKey},
		"orderId":     {orderID},
		"amount":      {fmt.Sprint(amount)},
		"paymentType": {"NORMAL"},
	}
}

// Decline plays a payment window that ended without approval for orderID:
// the customer closed it (PAY_PROCESS_CANCELED) or the card company refused
// (REJECT_CARD_COMPANY, …). It leaves an ABORTED payment with code and
// message as its failure and returns the query Toss puts on the failUrl:
// code, message and orderId.
func (s *Server) Decline(orderID, code, message string) url.Values {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.newPayment(orderID, 0, "")
	p.Status = "ABORTED"
	p.Failure = &apiError{Code: code, Message: message}
	return url.Values{
		"code":    {code},
		"message": {message},
		"orderId": {orderID},
	}
}

// Deposit plays the customer transferring the money into the virtual
// account of paymentKey: the payment becomes DONE, and Deposit returns the
// DEPOSIT_CALLBACK body Toss posts (flat, as documented: createdAt, secret,
// status, transactionKey, orderId). It panics when the payment is not
// WAITING_FOR_DEPOSIT, which is a mistake in the test.
func (s *Server) Deposit(paymentKey string) []byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.payments[paymentKey]
	if p == nil || p.Status != "WAITING_FOR_DEPOSIT" {
		panic(fmt.Sprintf("tosstest: Deposit of %q, which is not waiting for a deposit", paymentKey))
	}
	now := time.Now().In(kst)
	p.Status = "DONE"
	p.ApprovedAt = ptr(now.Format(timeLayout))
	tx := transactionKey()
	p.LastTransactionKey = &tx
	return mustJSON(map[string]any{
		"createdAt":      now.Format(webhookLayout),
		"secret":         *p.Secret,
		"status":         "DONE",
		"transactionKey": tx,
		"orderId":        p.OrderID,
	})
}

// StatusChangedWebhook returns the PAYMENT_STATUS_CHANGED body Toss posts
// for paymentKey in its current state: {eventType, createdAt, data: Payment}.
// It panics when there is no such payment.
func (s *Server) StatusChangedWebhook(paymentKey string) []byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.payments[paymentKey]
	if p == nil {
		panic(fmt.Sprintf("tosstest: StatusChangedWebhook of unknown payment %q", paymentKey))
	}
	return mustJSON(map[string]any{
		"eventType": "PAYMENT_STATUS_CHANGED",
		"createdAt": time.Now().In(kst).Format(webhookLayout),
		"data":      p,
	})
}

// WebhookRequest builds the POST Toss would send to target (our webhook
// URL) with body, with its JSON content type and transmission headers.
// Payment webhooks carry no signature.
func (s *Server) WebhookRequest(target string, body []byte) *http.Request {
	r := httptest.NewRequest(http.MethodPost, target, strings.NewReader(string(body)))
	r.Header.Set("Content-Type", "application/json")
	r.Header.Set("tosspayments-webhook-transmission-time", time.Now().In(kst).Format(timeLayout))
	r.Header.Set("tosspayments-webhook-transmission-id", "wh_"+rand.Text())
	r.Header.Set("tosspayments-webhook-transmission-retried-count", "0")
	return r
}

// newPayment records a payment for orderID as the latest of that order.
// The caller holds s.mu.
func (s *Server) newPayment(orderID string, amount int64, method string) *tossPayment {
	p := &tossPayment{
		MID:                 "tosstest",
		Version:             "2022-11-16",
		PaymentKey:          "tpk_" + rand.Text(),
		Type:                "NORMAL",
		OrderID:             orderID,
		OrderName:           "tosstest order",
		Currency:            "KRW",
		Country:             "KR",
		Status:              "READY",
		TotalAmount:         amount,
		BalanceAmount:       amount,
		RequestedAt:         time.Now().In(kst).Format(timeLayout),
		IsPartialCancelable: true,
	}
	if method != "" {
		p.Method = &method
	}
	p.VAT = (amount + 5) / 11 // 10% VAT included in the price, rounded half up
	p.SuppliedAmount = amount - p.VAT
	p.Receipt = &receipt{URL: "https://dashboard.tosspayments.com/receipt/redirection?transactionId=" + p.PaymentKey}
	s.payments[p.PaymentKey] = p
	s.orders[orderID] = p.PaymentKey
	return p
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(mustJSON(v))
}

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(fmt.Sprintf("tosstest: encode %T: %v", v, err))
	}
	return b
}

func ptr[T any](v T) *T { return &v }

// transactionKey makes a key shaped like Toss's: 32 upper-case hex digits.
func transactionKey() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return strings.ToUpper(fmt.Sprintf("%x", b))
}
