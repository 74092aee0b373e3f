package paypaltest

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// currencies is PayPal's supported list with each currency's decimals.
var currencies = map[string]int{
	"AUD": 2, "BRL": 2, "CAD": 2, "CNY": 2, "CZK": 2, "DKK": 2, "EUR": 2,
	"HKD": 2, "HUF": 0, "ILS": 2, "JPY": 0, "MYR": 2, "MXN": 2, "TWD": 0,
	"NZD": 2, "NOK": 2, "PHP": 2, "PLN": 2, "GBP": 2, "SGD": 2, "SEK": 2,
	"CHF": 2, "THB": 2, "USD": 2,
}

// order is one Orders v2 order (intent CAPTURE, one purchase unit).
// Statuses: PAYER_ACTION_REQUIRED (or CREATED without a payment source) →
// APPROVED (the buyer) → COMPLETED (capture; the capture itself COMPLETED or
// DECLINED).
type order struct {
	id, status                              string
	referenceID, customID, invoiceID, descr string
	currency, value                         string
	returnURL, cancelURL                    string
	hasSource                               bool
	payerID                                 string
	capture                                 *capture
	refunds                                 []*refund
	created, updated                        time.Time
}

type capture struct {
	id, status       string
	currency, value  string
	minor, refunded  int64
	created, updated time.Time
}

type refund struct {
	id, status       string
	currency, value  string
	note             string
	captureID        string
	orderID          string
	created, updated time.Time
}

type amount struct {
	CurrencyCode string `json:"currency_code"`
	Value        string `json:"value"`
}

// minorOf parses value in currency code, PayPal's way: an unsupported
// currency, too many decimals or a non-positive amount is a 422 issue.
func minorOf(a amount) (int64, *apiError) {
	dec, ok := currencies[a.CurrencyCode]
	if !ok {
		e := unprocessable("CURRENCY_NOT_SUPPORTED", "Currency code is not currently supported.")
		return 0, &e
	}
	whole, frac, dot := strings.Cut(a.Value, ".")
	if dot && dec == 0 {
		e := unprocessable("DECIMALS_NOT_SUPPORTED", "Currency does not support decimals.")
		return 0, &e
	}
	if !allDigits(whole) || (dot && !allDigits(frac)) || len(frac) > dec {
		e := unprocessable("DECIMAL_PRECISION", "If the currency supports decimals, only two decimal place precision is supported.")
		return 0, &e
	}
	frac += strings.Repeat("0", dec-len(frac))
	n, err := strconv.ParseInt(whole+frac, 10, 64)
	if err != nil || n <= 0 {
		e := unprocessable("CANNOT_BE_ZERO_OR_NEGATIVE", "Must be greater than zero.")
		return 0, &e
	}
	return n, nil
}

func allDigits(s string) bool {
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return s != ""
}

func formatMinor(n int64, currency string) string {
	dec := currencies[currency]
	s := strconv.FormatInt(n, 10)
	if dec == 0 {
		return s
	}
	if len(s) <= dec {
		s = strings.Repeat("0", dec-len(s)+1) + s
	}
	return s[:len(s)-dec] + "." + s[len(s)-dec:]
}

// createOrder is POST /v2/checkout/orders.
func (s *Server) createOrder(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Intent        string `json:"intent"`
		PurchaseUnits []struct {
			ReferenceID string  `json:"reference_id"`
			CustomID    string  `json:"custom_id"`
			InvoiceID   string  `json:"invoice_id"`
			Description string  `json:"description"`
			Amount      *amount `json:"amount"`
		} `json:"purchase_units"`
		PaymentSource *struct {
			PayPal *struct {
				ExperienceContext struct {
					ReturnURL string `json:"return_url"`
					CancelURL string `json:"cancel_url"`
				} `json:"experience_context"`
			} `json:"paypal"`
		} `json:"payment_source"`
	}
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
		writeError(w, http.StatusBadRequest, invalidRequest("", "MALFORMED_REQUEST_JSON", "The request JSON is not well formed."))
		return
	}
	switch {
	case in.Intent != "CAPTURE":
		writeError(w, http.StatusBadRequest, invalidRequest("/intent", "INVALID_PARAMETER_VALUE", "The value of a field is invalid."))
		return
	case len(in.PurchaseUnits) != 1:
		writeError(w, http.StatusBadRequest, invalidRequest("/purchase_units", "INVALID_ARRAY_LENGTH", "The fake takes exactly one purchase unit."))
		return
	case in.PurchaseUnits[0].Amount == nil:
		writeError(w, http.StatusBadRequest, invalidRequest("/purchase_units/@reference_id=='default'/amount", "MISSING_REQUIRED_PARAMETER", "A required field / parameter is missing."))
		return
	case len(in.PurchaseUnits[0].Description) > 127*4 || len([]rune(in.PurchaseUnits[0].Description)) > 127:
		writeError(w, http.StatusBadRequest, invalidRequest("/purchase_units/@reference_id=='default'/description", "INVALID_STRING_LENGTH", "The value of a field is either too short or too long."))
		return
	}
	pu := in.PurchaseUnits[0]
	if _, e := minorOf(*pu.Amount); e != nil {
		writeError(w, http.StatusUnprocessableEntity, *e)
		return
	}
	now := time.Now().UTC()
	o := &order{
		id: randomID(17), status: "CREATED",
		referenceID: pu.ReferenceID, customID: pu.CustomID, invoiceID: pu.InvoiceID, descr: pu.Description,
		currency: pu.Amount.CurrencyCode, value: pu.Amount.Value,
		created: now, updated: now,
	}
	if o.referenceID == "" {
		o.referenceID = "default"
	}
	if in.PaymentSource != nil && in.PaymentSource.PayPal != nil {
		o.hasSource = true
		o.status = "PAYER_ACTION_REQUIRED"
		o.returnURL = in.PaymentSource.PayPal.ExperienceContext.ReturnURL
		o.cancelURL = in.PaymentSource.PayPal.ExperienceContext.CancelURL
	}
	s.mu.Lock()
	s.orders[o.id] = o
	body := s.orderJSON(o)
	s.mu.Unlock()
	writeJSON(w, http.StatusCreated, body)
}

// getOrder is GET /v2/checkout/orders/{id}.
func (s *Server) getOrder(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	o := s.orders[r.PathValue("id")]
	var body map[string]any
	if o != nil {
		body = s.orderJSON(o)
	}
	s.mu.Unlock()
	if o == nil {
		writeError(w, http.StatusNotFound, notFound())
		return
	}
	writeJSON(w, http.StatusOK, body)
}

// captureOrder is POST /v2/checkout/orders/{id}/capture.
func (s *Server) captureOrder(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	o := s.orders[r.PathValue("id")]
	switch {
	case o == nil:
		writeError(w, http.StatusNotFound, notFound())
		return
	case o.status == "COMPLETED":
		writeError(w, http.StatusUnprocessableEntity, unprocessable("ORDER_ALREADY_CAPTURED", "Order already captured. If 'intent=CAPTURE' only one capture per order is allowed."))
		return
	case o.status != "APPROVED":
		writeError(w, http.StatusUnprocessableEntity, unprocessable("ORDER_NOT_APPROVED", "Payer has not yet approved the Order for payment. Please redirect the payer to the 'rel':'approve' url returned as part of the HATEOAS links within the Create Order call or provide a valid payment_source in the request."))
		return
	}
	minor, e := minorOf(amount{CurrencyCode: o.currency, Value: o.value})
	if e != nil {
		writeError(w, http.StatusUnprocessableEntity, *e)
		return
	}
	now := time.Now().UTC()
	c := &capture{id: randomID(17), status: "COMPLETED", currency: o.currency, value: o.value, minor: minor, created: now, updated: now}
	if s.declineNext[o.id] {
		delete(s.declineNext, o.id)
		c.status = "DECLINED"
	}
	o.capture = c
	o.status = "COMPLETED"
	o.updated = now
	s.captures[c.id] = o
	writeJSON(w, http.StatusCreated, s.orderJSON(o))
}

// refundCapture is POST /v2/payments/captures/{id}/refund: an empty body
// refunds what is left of the capture, an amount refunds that much.
func (s *Server) refundCapture(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Amount      *amount `json:"amount"`
		NoteToPayer string  `json:"note_to_payer"`
	}
	if r.ContentLength != 0 {
		if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
			writeError(w, http.StatusBadRequest, invalidRequest("", "MALFORMED_REQUEST_JSON", "The request JSON is not well formed."))
			return
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	o := s.captures[r.PathValue("id")]
	if o == nil {
		writeError(w, http.StatusNotFound, notFound())
		return
	}
	c := o.capture
	switch c.status {
	case "REFUNDED":
		writeError(w, http.StatusUnprocessableEntity, unprocessable("CAPTURE_FULLY_REFUNDED", "The capture has already been fully refunded"))
		return
	case "COMPLETED", "PARTIALLY_REFUNDED":
	default:
		writeError(w, http.StatusUnprocessableEntity, unprocessable("REFUND_NOT_ALLOWED", "Capture cannot be refunded."))
		return
	}
	left := c.minor - c.refunded
	n := left
	if in.Amount != nil {
		if in.Amount.CurrencyCode != c.currency {
			writeError(w, http.StatusUnprocessableEntity, unprocessable("CURRENCY_MISMATCH", "Refund must be in the same currency as the capture."))
			return
		}
		var e *apiError
		if n, e = minorOf(*in.Amount); e != nil {
			writeError(w, http.StatusUnprocessableEntity, *e)
			return
		}
		if n > left {
			writeError(w, http.StatusUnprocessableEntity, unprocessable("REFUND_AMOUNT_EXCEEDED", "The refund amount must be less than or equal to the capture amount that has not yet been refunded."))
			return
		}
	}
	now := time.Now().UTC()
	rf := &refund{
		id: randomID(17), status: "COMPLETED", currency: c.currency, value: formatMinor(n, c.currency),
		note: in.NoteToPayer, captureID: c.id, orderID: o.id, created: now, updated: now,
	}
	c.refunded += n
	c.status = "PARTIALLY_REFUNDED"
	if c.refunded == c.minor {
		c.status = "REFUNDED"
	}
	c.updated = now
	o.refunds = append(o.refunds, rf)
	s.refunds[rf.id] = rf
	writeJSON(w, http.StatusCreated, s.refundJSON(o, rf))
}

// getRefund is GET /v2/payments/refunds/{id}.
func (s *Server) getRefund(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	rf := s.refunds[r.PathValue("id")]
	if rf == nil {
		writeError(w, http.StatusNotFound, notFound())
		return
	}
	writeJSON(w, http.StatusOK, s.refundJSON(s.orders[rf.orderID], rf))
}

// buyerPage is PayPal's approval page for a browser in end-to-end tests:
// GET /checkoutnow?token=<order id> approves the order and sends the browser
// to the return URL with token and PayerID; with cancel=1 it goes to the
// cancel URL instead.
func (s *Server) buyerPage(w http.ResponseWriter, r *http.Request) {
	id := r.URL.Query().Get("token")
	s.mu.Lock()
	o := s.orders[id]
	var ret, cancel string
	if o != nil {
		ret, cancel = o.returnURL, o.cancelURL
	}
	s.mu.Unlock()
	if o == nil || ret == "" {
		http.Error(w, "no such order", http.StatusNotFound)
		return
	}
	target, q := cancel, s.Cancel(id)
	if r.URL.Query().Get("cancel") == "" {
		target, q = ret, s.Approve(id)
	}
	u, err := url.Parse(target)
	if err != nil || q == nil {
		http.Error(w, "order cannot be approved", http.StatusConflict)
		return
	}
	v := u.Query()
	for k, vs := range q {
		v[k] = vs
	}
	u.RawQuery = v.Encode()
	http.Redirect(w, r, u.String(), http.StatusFound)
}

// orderJSON renders o as PayPal's full order representation. s.mu is held.
func (s *Server) orderJSON(o *order) map[string]any {
	pu := map[string]any{
		"reference_id": o.referenceID,
		"amount":       amount{CurrencyCode: o.currency, Value: o.value},
	}
	for k, v := range map[string]string{"custom_id": o.customID, "invoice_id": o.invoiceID, "description": o.descr} {
		if v != "" {
			pu[k] = v
		}
	}
	if o.capture != nil {
		payments := map[string]any{"captures": []any{s.captureJSON(o)}}
		if len(o.refunds) > 0 {
			var rs []any
			for _, rf := range o.refunds {
				rs = append(rs, s.refundJSON(o, rf))
			}
			payments["refunds"] = rs
		}
		pu["payments"] = payments
	}
	out := map[string]any{
		"id":             o.id,
		"intent":         "CAPTURE",
		"status":         o.status,
		"purchase_units": []any{pu},
		"create_time":    o.created.Format(time.RFC3339),
		"update_time":    o.updated.Format(time.RFC3339),
	}
	if o.hasSource {
		src := map[string]any{}
		if o.payerID != "" {
			src = map[string]any{"account_id": o.payerID, "email_address": "buyer-" + strings.ToLower(o.payerID) + "@example.com"}
		}
		out["payment_source"] = map[string]any{"paypal": src}
	}
	if o.payerID != "" {
		out["payer"] = map[string]any{"payer_id": o.payerID}
	}
	links := []link{{Href: s.href("/v2/checkout/orders/%s", o.id), Rel: "self", Method: "GET"}}
	switch o.status {
	case "PAYER_ACTION_REQUIRED":
		links = append(links, link{Href: s.href("/checkoutnow?token=%s", o.id), Rel: "payer-action", Method: "GET"})
	case "CREATED":
		links = append(links, link{Href: s.href("/checkoutnow?token=%s", o.id), Rel: "approve", Method: "GET"})
	case "APPROVED":
		links = append(links, link{Href: s.href("/v2/checkout/orders/%s/capture", o.id), Rel: "capture", Method: "POST"})
	}
	out["links"] = links
	return out
}

// captureJSON renders o's capture. s.mu is held.
func (s *Server) captureJSON(o *order) map[string]any {
	c := o.capture
	out := map[string]any{
		"id":                 c.id,
		"status":             c.status,
		"amount":             amount{CurrencyCode: c.currency, Value: c.value},
		"final_capture":      true,
		"supplementary_data": map[string]any{"related_ids": map[string]string{"order_id": o.id}},
		"create_time":        c.created.Format(time.RFC3339),
		"update_time":        c.updated.Format(time.RFC3339),
		"links": []link{
			{Href: s.href("/v2/payments/captures/%s", c.id), Rel: "self", Method: "GET"},
			{Href: s.href("/v2/payments/captures/%s/refund", c.id), Rel: "refund", Method: "POST"},
			{Href: s.href("/v2/checkout/orders/%s", o.id), Rel: "up", Method: "GET"},
		},
	}
	if o.customID != "" {
		out["custom_id"] = o.customID
	}
	if o.invoiceID != "" {
		out["invoice_id"] = o.invoiceID
	}
	return out
}

// refundJSON renders rf of order o. s.mu is held.
func (s *Server) refundJSON(o *order, rf *refund) map[string]any {
	out := map[string]any{
		"id":          rf.id,
		"status":      rf.status,
		"amount":      amount{CurrencyCode: rf.currency, Value: rf.value},
		"create_time": rf.created.Format(time.RFC3339),
		"update_time": rf.updated.Format(time.RFC3339),
		"links": []link{
			{Href: s.href("/v2/payments/refunds/%s", rf.id), Rel: "self", Method: "GET"},
			{Href: s.href("/v2/payments/captures/%s", rf.captureID), Rel: "up", Method: "GET"},
		},
	}
	if rf.note != "" {
		out["note_to_payer"] = rf.note
	}
	if o != nil && o.customID != "" {
		out["custom_id"] = o.customID
	}
	if o != nil && o.invoiceID != "" {
		out["invoice_id"] = o.invoiceID
	}
	return out
}
