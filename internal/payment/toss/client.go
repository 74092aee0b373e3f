package toss

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"

	"github.com/mallang/mallang/internal/payment"
)

// basicAuth is Toss's Authorization value: the secret key as user name, an
// empty password, and the colon, which Toss requires.
func basicAuth(secretKey string) string {
	return "Basic " + base64.StdEncoding.EncodeToString([]byte(secretKey+":"))
}

// apiError is Toss's error body: {"code": "...", "message": "..."}.
type apiError struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

// maxBody bounds what is read of a response; a Payment object is a few KB.
const maxBody = 1 << 20

// call sends one request and returns the 2xx response body, or the error the
// answer maps to:
//
//	transport error, timeout, cancelled ctx      payment.ErrUnknownOutcome
//	HTTP 5xx                                     payment.ErrUnknownOutcome
//	PROVIDER_ERROR, FAILED_INTERNAL_SYSTEM_…     payment.ErrUnknownOutcome
//	NOT_FOUND_PAYMENT, NOT_FOUND, bare 404       payment.ErrNotFound
//	any other 4xx with {code, message}           *payment.Declined
//
// in must be a JSON-encodable body for POST, nil for GET. idemKey, when not
// "", is sent as Idempotency-Key. Errors carry the path, never the key.
func (p *Provider) call(ctx context.Context, method, path string, in any, idemKey string) ([]byte, error) {
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return nil, fmt.Errorf("encode %s body: %w", path, err)
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, p.baseURL+path, body)
	if err != nil {
		return nil, fmt.Errorf("build %s %s: %w", method, path, err)
	}
	req.Header.Set("Authorization", p.auth)
	req.Header.Set("Accept", "application/json")
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if idemKey != "" {
		req.Header.Set("Idempotency-Key", idemKey)
	}

	resp, err := p.client.Do(req)
	if err != nil {
		// The request may have reached Toss and taken effect.
		return nil, fmt.Errorf("%s %s: %w: %w", method, path, payment.ErrUnknownOutcome, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	if err != nil {
		return nil, fmt.Errorf("%s %s: read answer: %w: %w", method, path, payment.ErrUnknownOutcome, err)
	}
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		return raw, nil
	}

	var ae apiError
	_ = json.Unmarshal(raw, &ae) // a body that is not Toss's error leaves ae empty
	switch {
	case resp.StatusCode >= 500:
		return nil, fmt.Errorf("%s %s: HTTP %d %s: %w", method, path, resp.StatusCode, ae.Code, payment.ErrUnknownOutcome)
	case ae.Code == "PROVIDER_ERROR" || ae.Code == "FAILED_INTERNAL_SYSTEM_PROCESSING":
		return nil, fmt.Errorf("%s %s: %s: %s: %w", method, path, ae.Code, ae.Message, payment.ErrUnknownOutcome)
	case ae.Code == "NOT_FOUND_PAYMENT" || ae.Code == "NOT_FOUND" || (resp.StatusCode == http.StatusNotFound && ae.Code == ""):
		return nil, fmt.Errorf("%s %s: %w", method, path, payment.ErrNotFound)
	case ae.Code == "":
		return nil, fmt.Errorf("%s %s: HTTP %d without a Toss error body", method, path, resp.StatusCode)
	}
	return nil, fmt.Errorf("%s %s: %w", method, path, &payment.Declined{Code: ae.Code, Message: ae.Message})
}

// errorCode is the Toss code of a refusal returned by call, "" for others.
func errorCode(err error) string {
	if d, ok := payment.AsDeclined(err); ok {
		return d.Code
	}
	return ""
}
