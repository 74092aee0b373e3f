// Package solapi is the messaging.Sender of SOLAPI (formerly CoolSMS), a
// Korean provider whose one REST call sends 알림톡, SMS and LMS
// (decision 0067): POST {BaseURL}/messages/v4/send, signed with the
// account's API key and secret in the Authorization header. The adapter
// only talks HTTP and translates; the fake of the documented API is in
// solapitest.
package solapi

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/mallang/mallang/internal/messaging"
)

// DefaultBaseURL is SOLAPI's API.
const DefaultBaseURL = "https://api.solapi.com"

// sendPath sends one message.
const sendPath = "/messages/v4/send"

// accepted is the statusCode of a message SOLAPI took (정상 접수).
const accepted = "2000"

// smsBytes is the longest SMS in EUC-KR bytes; a longer text is an LMS.
const smsBytes = 90

// Config holds the account's keys from SOLAPI's console and the API's
// address (DefaultBaseURL when empty).
type Config struct {
	APIKey    string
	APISecret string
	BaseURL   string
}

// Client sends messages through SOLAPI. It is safe for concurrent use.
type Client struct {
	cfg    Config
	client *http.Client
	now    func() time.Time
}

// New returns a client with cfg's keys that calls through client (which
// carries the timeout) and signs with the time now gives.
func New(cfg Config, client *http.Client, now func() time.Time) *Client {
	if cfg.BaseURL == "" {
		cfg.BaseURL = DefaultBaseURL
	}
	cfg.BaseURL = strings.TrimRight(cfg.BaseURL, "/")
	return &Client{cfg: cfg, client: client, now: now}
}

// kakaoOptions is SOLAPI's message.kakaoOptions.
type kakaoOptions struct {
	PfID       string            `json:"pfId"`
	TemplateID string            `json:"templateId"`
	Variables  map[string]string `json:"variables,omitempty"`
	// DisableSms switches off the text SOLAPI sends when the 알림톡
	// cannot be delivered (대체 발송).
	DisableSms bool `json:"disableSms"`
}

// message is SOLAPI's message object.
type message struct {
	To           string        `json:"to"`
	From         string        `json:"from"`
	Text         string        `json:"text,omitempty"`
	Type         string        `json:"type"`
	Subject      string        `json:"subject,omitempty"`
	KakaoOptions *kakaoOptions `json:"kakaoOptions,omitempty"`
}

// SendAlimtalk sends m as an ATA message of its template; with
// FallbackText off, SOLAPI sends no text in its place.
func (c *Client) SendAlimtalk(ctx context.Context, m messaging.Alimtalk) (messaging.Receipt, error) {
	return c.send(ctx, message{To: m.To, From: m.From, Type: "ATA", KakaoOptions: &kakaoOptions{
		PfID: m.SenderKey, TemplateID: m.Template, Variables: m.Variables, DisableSms: !m.FallbackText}})
}

// SendText sends m as an SMS when it fits 90 bytes and has no subject,
// else as an LMS.
func (c *Client) SendText(ctx context.Context, m messaging.Text) (messaging.Receipt, error) {
	typ := "LMS"
	if m.Subject == "" && eucKRLen(m.Body) <= smsBytes {
		typ = "SMS"
	}
	return c.send(ctx, message{To: m.To, From: m.From, Text: m.Body, Subject: m.Subject, Type: typ})
}

// answer is SOLAPI's answer to a send: the message's status on success,
// errorCode and errorMessage on failure.
type answer struct {
	MessageID     string `json:"messageId"`
	StatusCode    string `json:"statusCode"`
	StatusMessage string `json:"statusMessage"`
	ErrorCode     string `json:"errorCode"`
	ErrorMessage  string `json:"errorMessage"`
}

// send posts one message and maps the answer:
//
//	200 with statusCode 2000          the Receipt
//	200 with another statusCode       *messaging.Refused (the status)
//	4xx but 429                       *messaging.Refused (errorCode)
//	429, 5xx, transport error         an error to retry
//
// Errors never carry the number, the text or the keys.
func (c *Client) send(ctx context.Context, m message) (messaging.Receipt, error) {
	body, err := json.Marshal(struct {
		Message message `json:"message"`
	}{m})
	if err != nil {
		return messaging.Receipt{}, fmt.Errorf("solapi: encode message: %w", err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.cfg.BaseURL+sendPath, bytes.NewReader(body))
	if err != nil {
		return messaging.Receipt{}, fmt.Errorf("solapi: build request: %w", err)
	}
	auth, err := c.authorization()
	if err != nil {
		return messaging.Receipt{}, err
	}
	req.Header.Set("Authorization", auth)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	resp, err := c.client.Do(req)
	if err != nil {
		return messaging.Receipt{}, fmt.Errorf("solapi: send %s: %w", m.Type, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return messaging.Receipt{}, fmt.Errorf("solapi: send %s: read answer: %w", m.Type, err)
	}
	var a answer
	_ = json.Unmarshal(raw, &a) // a body that is not SOLAPI's leaves a empty
	switch {
	case resp.StatusCode == http.StatusOK && a.StatusCode == accepted:
		return messaging.Receipt{MessageID: a.MessageID}, nil
	case resp.StatusCode == http.StatusOK:
		return messaging.Receipt{}, &messaging.Refused{Status: resp.StatusCode, Code: a.StatusCode, Message: a.StatusMessage}
	case resp.StatusCode >= 400 && resp.StatusCode < 500 && resp.StatusCode != http.StatusTooManyRequests:
		return messaging.Receipt{}, &messaging.Refused{Status: resp.StatusCode, Code: a.ErrorCode, Message: a.ErrorMessage}
	}
	return messaging.Receipt{}, fmt.Errorf("solapi: send %s: HTTP %d %s", m.Type, resp.StatusCode, a.ErrorCode)
}

// authorization is the documented header: HMAC-SHA256 of the date (ISO
// 8601, UTC) followed by a fresh random salt, keyed with the API secret, in
// hex. SOLAPI refuses a signature used twice within 15 minutes, so every
// request has its own salt.
func (c *Client) authorization() (string, error) {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("solapi: salt: %w", err)
	}
	salt := hex.EncodeToString(b)
	date := c.now().UTC().Format(time.RFC3339)
	mac := hmac.New(sha256.New, []byte(c.cfg.APISecret))
	mac.Write([]byte(date + salt))
	return "HMAC-SHA256 apiKey=" + c.cfg.APIKey + ", date=" + date + ", salt=" + salt +
		", signature=" + hex.EncodeToString(mac.Sum(nil)), nil
}

// eucKRLen is the length of s as carriers count it for an SMS: one byte
// for ASCII, two for anything else (Hangul is two bytes in EUC-KR).
func eucKRLen(s string) int {
	n := 0
	for _, r := range s {
		if r < 0x80 {
			n++
		} else {
			n += 2
		}
	}
	return n
}
