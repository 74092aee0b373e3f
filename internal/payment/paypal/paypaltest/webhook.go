package paypaltest

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"hash/crc32"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Webhook builds the notification PayPal would POST to our webhook URL for
// eventType about order orderID, signed so that the fake's
// verify-webhook-signature answers SUCCESS for it (with WebhookID). The
// resource is what PayPal sends for the event: the order's capture for
// PAYMENT.CAPTURE.COMPLETED/PENDING/DENIED/DECLINED, its latest refund for
// PAYMENT.CAPTURE.REFUNDED/REVERSED, the order for CHECKOUT.ORDER.*, and
// {order_id} for CHECKOUT.PAYMENT-APPROVAL.REVERSED; any other type carries
// the order. An unknown orderID gives a resource naming only that id.
func (s *Server) Webhook(eventType, orderID string) (http.Header, []byte) {
	s.mu.Lock()
	o := s.orders[orderID]
	var resource any = map[string]any{"id": orderID}
	resourceType := "checkout-order"
	switch {
	case eventType == "CHECKOUT.PAYMENT-APPROVAL.REVERSED":
		resource = map[string]any{"order_id": orderID}
	case o == nil:
	case eventType == "PAYMENT.CAPTURE.REFUNDED", eventType == "PAYMENT.CAPTURE.REVERSED":
		resourceType = "refund"
		if n := len(o.refunds); n > 0 {
			resource = s.refundJSON(o, o.refunds[n-1])
		}
	case strings.HasPrefix(eventType, "PAYMENT.CAPTURE."):
		resourceType = "capture"
		if o.capture != nil {
			resource = s.captureJSON(o)
		}
	default:
		resource = s.orderJSON(o)
	}
	s.mu.Unlock()

	now := time.Now().UTC()
	body, err := json.Marshal(map[string]any{
		"id":               "WH-" + randomID(17),
		"create_time":      now.Format(time.RFC3339),
		"resource_type":    resourceType,
		"event_type":       eventType,
		"summary":          eventType + " for " + orderID,
		"resource":         resource,
		"links":            []link{},
		"event_version":    "1.0",
		"resource_version": "2.0",
	})
	if err != nil {
		panic(err) // only maps and strings: cannot fail
	}
	h := http.Header{}
	tid := randomID(8) + "-" + randomID(4) + "-" + randomID(4) + "-" + randomID(12)
	ts := now.Format(time.RFC3339)
	h.Set("Content-Type", "application/json")
	h.Set("PAYPAL-AUTH-ALGO", "SHA256withRSA")
	h.Set("PAYPAL-CERT-URL", s.href("/v1/notifications/certs/CERT-FAKE-%s", randomID(8)))
	h.Set("PAYPAL-TRANSMISSION-ID", tid)
	h.Set("PAYPAL-TRANSMISSION-TIME", ts)
	h.Set("PAYPAL-TRANSMISSION-SIG", s.sign(tid, ts, WebhookID, body))
	return h, body
}

// sign is the fake's signature of an event: an HMAC over the fields PayPal
// says it signs (transmission id, time, webhook id, CRC32 of the body). The
// body is compacted first, since the verify call carries it re-encoded.
func (s *Server) sign(transmissionID, transmissionTime, webhookID string, body []byte) string {
	var compact bytes.Buffer
	if err := json.Compact(&compact, body); err != nil {
		return ""
	}
	m := hmac.New(sha256.New, s.signKey)
	m.Write([]byte(transmissionID + "|" + transmissionTime + "|" + webhookID + "|" +
		strconv.FormatUint(uint64(crc32.ChecksumIEEE(compact.Bytes())), 10)))
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}

// verifyWebhook is POST /v1/notifications/verify-webhook-signature: SUCCESS
// only for an event the fake signed, unchanged, checked against WebhookID.
func (s *Server) verifyWebhook(w http.ResponseWriter, r *http.Request) {
	var in struct {
		AuthAlgo         string          `json:"auth_algo"`
		CertURL          string          `json:"cert_url"`
		TransmissionID   string          `json:"transmission_id"`
		TransmissionSig  string          `json:"transmission_sig"`
		TransmissionTime string          `json:"transmission_time"`
		WebhookID        string          `json:"webhook_id"`
		WebhookEvent     json.RawMessage `json:"webhook_event"`
	}
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
		writeError(w, http.StatusBadRequest, invalidRequest("", "MALFORMED_REQUEST_JSON", "The request JSON is not well formed."))
		return
	}
	for field, v := range map[string]string{
		"auth_algo": in.AuthAlgo, "cert_url": in.CertURL, "transmission_id": in.TransmissionID,
		"transmission_sig": in.TransmissionSig, "transmission_time": in.TransmissionTime, "webhook_id": in.WebhookID,
	} {
		if v == "" {
			writeError(w, http.StatusBadRequest, invalidRequest("/"+field, "MISSING_REQUIRED_PARAMETER", "A required field / parameter is missing."))
			return
		}
	}
	if len(in.WebhookEvent) == 0 {
		writeError(w, http.StatusBadRequest, invalidRequest("/webhook_event", "MISSING_REQUIRED_PARAMETER", "A required field / parameter is missing."))
		return
	}
	status := "FAILURE"
	want := s.sign(in.TransmissionID, in.TransmissionTime, WebhookID, in.WebhookEvent)
	if in.WebhookID == WebhookID && want != "" && hmac.Equal([]byte(want), []byte(in.TransmissionSig)) {
		status = "SUCCESS"
	}
	writeJSON(w, http.StatusOK, map[string]string{"verification_status": status})
}
