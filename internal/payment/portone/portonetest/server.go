// Package portonetest is a local fake of PortOne's V2 REST API for tests:
// pre-register, payment lookup and cancel, with PortOne's auth header check,
// error bodies ({type, message}), payment status machine and Idempotency-Key
// replay on cancel, plus controls that play the customer in the payment
// window, inject failures and sign Standard Webhooks.
//
// What the fake does not model, because PortOne's V2 documentation does
// not confirm it: a payment window refusing an amount other than the
// pre-registered one. Pay records whatever the customer paid, so tests see
// what the adapter reports when the amounts differ.
//
// FailNext, DelayNext, Calls and Wait come from fake.Faults, with request
// paths without the query, e.g. "/payments/order-1001/cancel". FailNext
// answers PortOne's INTERNAL_SERVER_ERROR body. DelayNext holds a call for
// its delay (or until Close) before it takes effect and answers, whether or
// not the client is still waiting, so a client with a shorter timeout gives
// up on a call that still happens; a cancel with an Idempotency-Key is
// marked outstanding before the hold. Wait returns once every delayed call
// has finished.
package portonetest

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/mallang/mallang/internal/fake"
)

// The credentials the fake accepts; an adapter under test is configured
// with them.
const (
	APISecret  = "portonetest-api-secret"
	StoreID    = "store-00000000-0000-0000-0000-00000000f4ce"
	ChannelKey = "channel-key-00000000-0000-0000-0000-00000000f4ce"
)

// Payment statuses of PortOne's Payment.status.
const (
	statusReady      = "READY"
	statusVAIssued   = "VIRTUAL_ACCOUNT_ISSUED"
	statusPaid       = "PAID"
	statusFailed     = "FAILED"
	statusPartCancel = "PARTIAL_CANCELLED"
	statusCancelled  = "CANCELLED"
)

// Server is the fake. All its methods are safe for concurrent use.
type Server struct {
	fake.Faults
	srv    *httptest.Server
	secret []byte // webhook signing key

	mu       sync.Mutex
	payments map[string]*record // by paymentId; guarded by mu
	idem     map[string]*stored // by path + key; guarded by mu
	seq      int                // for generated ids; guarded by mu
}

// record is one payment as PortOne keeps it.
type record struct {
	id      string
	opened  bool // the customer reached the window: GET finds it from then on
	status  string
	txID    string
	preReg  bool
	preTot  int64
	preFree int64

	total, taxFree, cancelled, cancelledFree int64
	virtual                                  bool // paid into a virtual account
	vaExpires                                time.Time
	refundedTo                               []RefundAccount // refundAccount of each cancel that named one

	requestedAt, changedAt, paidAt, failedAt, cancelledAt time.Time
	failure                                               *failureJSON
	cancellations                                         []cancellationJSON
}

// stored is a cancel answer kept under its Idempotency-Key; pending while
// the first call still runs.
type stored struct {
	pending bool
	status  int
	body    []byte
}

// NewServer starts the fake on a loopback port. Close it when done.
func NewServer() *Server {
	key := sha256.Sum256([]byte("portonetest webhook secret"))
	s := &Server{
		secret:   key[:],
		payments: map[string]*record{},
		idem:     map[string]*stored{},
	}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /payments/{paymentId}/pre-register", s.route(s.preRegister))
	mux.HandleFunc("GET /payments/{paymentId}", s.route(s.getPayment))
	mux.HandleFunc("POST /payments/{paymentId}/cancel", s.route(s.cancel))
	s.srv = httptest.NewServer(mux)
	return s
}

// URL is the fake's base URL, for the adapter's Config.BaseURL.
func (s *Server) URL() string { return s.srv.URL }

// Close ends calls held by DelayNext and stops the server.
func (s *Server) Close() {
	s.Faults.Close()
	s.srv.Close()
}

// Secret is the webhook secret the fake signs with, as PortOne's console
// shows it ("whsec_" + base64), for the adapter's Config.WebhookSecrets.
func (s *Server) Secret() string {
	return "whsec_" + base64.StdEncoding.EncodeToString(s.secret)
}

// PreRegistered is the amount pre-registered for paymentID, if any.
func (s *Server) PreRegistered(paymentID string) (total, taxFree int64, ok bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.payments[paymentID]
	if p == nil || !p.preReg {
		return 0, 0, false
	}
	return p.preTot, p.preFree, true
}

// route wraps a handler with what every endpoint shares: the call counter,
// FailNext, the auth check and DelayNext's wait (passed to the handler, which
// waits at its point of no return).
func (s *Server) route(h func(w http.ResponseWriter, r *http.Request, wait func())) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		c := s.Arrive(r.URL.Path)
		defer c.Done()
		// The call goes on when the client gives up: only the delay or
		// Close ends the hold.
		wait := func() { c.Hold(context.Background()) }
		if c.Fail != 0 {
			wait()
			writeError(w, c.Fail, "INTERNAL_SERVER_ERROR", "portonetest: injected failure")
			return
		}
		if r.Header.Get("Authorization") != "PortOne "+APISecret {
			writeError(w, http.StatusUnauthorized, "UNAUTHORIZED", "인증 정보가 올바르지 않습니다.")
			return
		}
		h(w, r, wait)
	}
}

func (s *Server) preRegister(w http.ResponseWriter, r *http.Request, wait func()) {
	id := r.PathValue("paymentId")
	var in struct {
		StoreID       *string `json:"storeId"`
		TotalAmount   *int64  `json:"totalAmount"`
		TaxFreeAmount *int64  `json:"taxFreeAmount"`
		Currency      *string `json:"currency"`
	}
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
		writeError(w, http.StatusBadRequest, "INVALID_REQUEST", "body is not JSON")
		return
	}
	if st, msg := s.checkStore(in.StoreID); st != 0 {
		writeError(w, st, "FORBIDDEN", msg)
		return
	}
	if in.TotalAmount != nil && *in.TotalAmount < 0 || in.TaxFreeAmount != nil && *in.TaxFreeAmount < 0 {
		writeError(w, http.StatusBadRequest, "INVALID_REQUEST", "amounts must not be negative")
		return
	}
	wait()
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.record(id)
	if p.opened && p.status != statusReady && p.status != statusFailed {
		writeError(w, http.StatusConflict, "ALREADY_PAID", "결제가 이미 완료되었습니다.")
		return
	}
	p.preReg = true
	if in.TotalAmount != nil {
		p.preTot = *in.TotalAmount
	}
	if in.TaxFreeAmount != nil {
		p.preFree = *in.TaxFreeAmount
	}
	writeJSON(w, http.StatusOK, struct{}{})
}

func (s *Server) getPayment(w http.ResponseWriter, r *http.Request, wait func()) {
	id := r.PathValue("paymentId")
	if q := r.URL.Query(); q.Has("storeId") {
		v := q.Get("storeId")
		if st, msg := s.checkStore(&v); st != 0 {
			writeError(w, st, "FORBIDDEN", msg)
			return
		}
	}
	wait()
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.payments[id]
	if p == nil || !p.opened {
		writeError(w, http.StatusNotFound, "PAYMENT_NOT_FOUND", "결제 건이 존재하지 않습니다.")
		return
	}
	writeJSON(w, http.StatusOK, p.json())
}

// checkStore refuses a storeId other than the fake's, as PortOne refuses a
// store the secret has no access to.
func (s *Server) checkStore(storeID *string) (int, string) {
	if storeID != nil && *storeID != StoreID {
		return http.StatusForbidden, "요청이 거절되었습니다: no access to store " + *storeID
	}
	return 0, ""
}

// record returns the payment paymentID, creating it; mu must be held.
func (s *Server) record(paymentID string) *record {
	p := s.payments[paymentID]
	if p == nil {
		p = &record{id: paymentID}
		s.payments[paymentID] = p
	}
	return p
}

// nextID returns prefix and a number new to this server; mu must be held.
func (s *Server) nextID(prefix string) string {
	s.seq++
	return prefix + strconv.Itoa(s.seq)
}

// Webhook builds the notification PortOne would send about paymentID (a
// BillingKey.* type names it as the billing key), body version 2024-04-25,
// signed with Secret and stamped now.
func (s *Server) Webhook(eventType, paymentID string) (http.Header, []byte) {
	s.mu.Lock()
	data := map[string]string{"storeId": StoreID}
	if strings.HasPrefix(eventType, "BillingKey.") {
		data["billingKey"] = paymentID
	} else {
		data["paymentId"] = paymentID
		if p := s.payments[paymentID]; p != nil && p.txID != "" {
			data["transactionId"] = p.txID
		}
	}
	s.mu.Unlock()
	body, err := json.Marshal(map[string]any{
		"type":      eventType,
		"timestamp": time.Now().UTC().Format(time.RFC3339),
		"data":      data,
	})
	if err != nil {
		panic(err) // maps of strings always encode
	}
	return s.SignWebhook(body), body
}

// SignWebhook signs any body as PortOne does (Standard Webhooks): the
// webhook-id, webhook-timestamp (now) and webhook-signature ("v1,<base64
// HMAC-SHA256 of id.timestamp.body>") headers.
func (s *Server) SignWebhook(body []byte) http.Header {
	s.mu.Lock()
	id := s.nextID("msg_portonetest_")
	s.mu.Unlock()
	ts := strconv.FormatInt(time.Now().Unix(), 10)
	mac := hmac.New(sha256.New, s.secret)
	mac.Write([]byte(id + "." + ts + "." + string(body)))
	h := http.Header{}
	h.Set("Content-Type", "application/json")
	h.Set("webhook-id", id)
	h.Set("webhook-timestamp", ts)
	h.Set("webhook-signature", "v1,"+base64.StdEncoding.EncodeToString(mac.Sum(nil)))
	return h
}

// returnQuery is what PortOne adds to the redirectUrl.
func returnQuery(p *record) url.Values {
	return url.Values{"paymentId": {p.id}, "txId": {p.txID}, "transactionType": {"PAYMENT"}}
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	writeRaw(w, status, b)
}

func writeRaw(w http.ResponseWriter, status int, body []byte) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

func writeError(w http.ResponseWriter, status int, typ, msg string) {
	writeRaw(w, status, errorBody(typ, msg))
}

func errorBody(typ, msg string) []byte {
	b, err := json.Marshal(map[string]string{"type": typ, "message": msg})
	if err != nil {
		panic(fmt.Sprintf("portonetest: encode error: %v", err)) // strings always encode
	}
	return b
}
