package paypal

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/mallang/mallang/internal/payment"
)

// tokenMargin is how long before PayPal's stated expiry a cached access token
// is dropped, so a call never starts with a token about to lapse in flight.
const tokenMargin = 60 * time.Second

// maxBody bounds what is read of one PayPal response.
const maxBody = 1 << 20

// accessToken is a cached OAuth token. The zero value is no token.
type accessToken struct {
	value   string
	expires time.Time
}

// token returns a valid access token, fetching one when none is cached. The
// lock is held across the fetch so concurrent callers wait for one token
// call instead of each making their own.
func (p *Provider) token(ctx context.Context) (string, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.tok.value != "" && p.now().Before(p.tok.expires) {
		return p.tok.value, nil
	}
	t, err := p.fetchToken(ctx)
	if err != nil {
		return "", err
	}
	p.tok = t
	return t.value, nil
}

// dropToken forgets tok if it is still the cached one (another caller may
// already have replaced it).
func (p *Provider) dropToken(tok string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.tok.value == tok {
		p.tok = accessToken{}
	}
}

func (p *Provider) fetchToken(ctx context.Context) (accessToken, error) {
	form := url.Values{"grant_type": {"client_credentials"}}.Encode()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, p.baseURL+"/v1/oauth2/token", strings.NewReader(form))
	if err != nil {
		return accessToken{}, fmt.Errorf("paypal token: %w", err)
	}
	req.SetBasicAuth(p.clientID, p.secret)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	status, body, err := p.send(req)
	if err != nil {
		return accessToken{}, fmt.Errorf("paypal token: %w", err)
	}
	if status != http.StatusOK {
		// The token endpoint answers in OAuth's shape:
		// {"error":"invalid_client","error_description":"Client Authentication failed"}.
		var e struct {
			Error       string `json:"error"`
			Description string `json:"error_description"`
		}
		_ = json.Unmarshal(body, &e)
		if status >= 500 || status == http.StatusTooManyRequests {
			return accessToken{}, fmt.Errorf("paypal token: HTTP %d: %w", status, payment.ErrUnknownOutcome)
		}
		return accessToken{}, fmt.Errorf("paypal token for client %s: HTTP %d %s %s: %w", p.clientID, status, e.Error, e.Description, ErrCredentials)
	}
	var t struct {
		AccessToken string `json:"access_token"`
		ExpiresIn   int64  `json:"expires_in"`
	}
	if err := json.Unmarshal(body, &t); err != nil || t.AccessToken == "" {
		return accessToken{}, fmt.Errorf("paypal token: unreadable answer: %w", errors.Join(err, payment.ErrUnknownOutcome))
	}
	life := time.Duration(t.ExpiresIn)*time.Second - tokenMargin
	if life < 0 {
		life = 0 // use it for this call only
	}
	return accessToken{value: t.AccessToken, expires: p.now().Add(life)}, nil
}

// send makes one HTTP exchange. A transport error or timeout is
// ErrUnknownOutcome: the request may have reached PayPal.
func (p *Provider) send(req *http.Request) (int, []byte, error) {
	res, err := p.client.Do(req)
	if err != nil {
		return 0, nil, fmt.Errorf("%s %s: %w", req.Method, req.URL.Path, errors.Join(payment.ErrUnknownOutcome, err))
	}
	defer res.Body.Close()
	body, err := io.ReadAll(io.LimitReader(res.Body, maxBody))
	if err != nil {
		return 0, nil, fmt.Errorf("%s %s: reading answer: %w", req.Method, req.URL.Path, errors.Join(payment.ErrUnknownOutcome, err))
	}
	return res.StatusCode, body, nil
}

// call sends one API request with a bearer token and returns the 2xx body,
// or the error the answer maps to (see apiError). in is JSON-encoded when
// non-nil; requestID, when set, goes in PayPal-Request-Id so a retry returns
// the first request's outcome. A 401 drops the cached token and the request
// is sent once more with a fresh one: PayPal may revoke a token before its
// stated expiry.
func (p *Provider) call(ctx context.Context, method, path string, in any, requestID string) ([]byte, error) {
	var payload []byte
	if in != nil {
		var err error
		if payload, err = json.Marshal(in); err != nil {
			return nil, err
		}
	}
	for attempt := 0; ; attempt++ {
		tok, err := p.token(ctx)
		if err != nil {
			return nil, err
		}
		req, err := http.NewRequestWithContext(ctx, method, p.baseURL+path, bytes.NewReader(payload))
		if err != nil {
			return nil, err
		}
		req.Header.Set("Authorization", "Bearer "+tok)
		req.Header.Set("Accept", "application/json")
		// return=representation: the full resource, whose amounts and
		// captures we read; PayPal's default answer may leave them out.
		req.Header.Set("Prefer", "return=representation")
		if method == http.MethodPost {
			req.Header.Set("Content-Type", "application/json")
		}
		if requestID != "" {
			req.Header.Set("PayPal-Request-Id", requestID)
		}
		status, body, err := p.send(req)
		if err != nil {
			return nil, err
		}
		if status == http.StatusUnauthorized && attempt == 0 {
			p.dropToken(tok)
			continue
		}
		if status >= 200 && status < 300 {
			return body, nil
		}
		return body, apiError(status, body)
	}
}

// apiErrorBody is PayPal's error shape.
type apiErrorBody struct {
	Name    string `json:"name"`
	Message string `json:"message"`
	DebugID string `json:"debug_id"`
	Details []struct {
		Issue       string `json:"issue"`
		Description string `json:"description"`
	} `json:"details"`
}

// issue is the most specific code of e: its first detail's issue, else its
// name.
func (e apiErrorBody) issue() string {
	if len(e.Details) > 0 && e.Details[0].Issue != "" {
		return e.Details[0].Issue
	}
	return e.Name
}

// apiError maps a non-2xx answer:
//
//	5xx, 429         → payment.ErrUnknownOutcome
//	401 (after retry) → ErrCredentials
//	404              → payment.ErrNotFound
//	other 4xx        → *payment.Declined{Code: details[0].issue or name}
//
// The debug_id stays in the error text for PayPal's support.
func apiError(status int, body []byte) error {
	var e apiErrorBody
	_ = json.Unmarshal(body, &e)
	switch {
	case status >= 500 || status == http.StatusTooManyRequests:
		return fmt.Errorf("HTTP %d %s (debug_id %s): %w", status, e.Name, e.DebugID, payment.ErrUnknownOutcome)
	case status == http.StatusUnauthorized:
		return fmt.Errorf("HTTP 401 %s (debug_id %s): %w", e.Name, e.DebugID, ErrCredentials)
	case status == http.StatusNotFound:
		return fmt.Errorf("HTTP 404 %s (debug_id %s): %w", e.issue(), e.DebugID, payment.ErrNotFound)
	}
	d := &payment.Declined{Code: e.issue(), Message: e.Message}
	if len(e.Details) > 0 && e.Details[0].Description != "" {
		d.Message = e.Details[0].Description
	}
	if d.Code == "" {
		d.Code = fmt.Sprintf("HTTP_%d", status)
	}
	return fmt.Errorf("HTTP %d (debug_id %s): %w", status, e.DebugID, d)
}

// issueOf is the PayPal issue code a Declined error carries, or "".
func issueOf(err error) string {
	if d, ok := payment.AsDeclined(err); ok {
		return d.Code
	}
	return ""
}
