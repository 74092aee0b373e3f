package solapi_test

import (
	"context"
	"errors"
	"maps"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/mallang/mallang/internal/fake"
	"github.com/mallang/mallang/internal/messaging"
	"github.com/mallang/mallang/internal/messaging/solapi"
	"github.com/mallang/mallang/internal/messaging/solapi/solapitest"
)

var start = time.Date(2026, 12, 7, 5, 0, 0, 0, time.UTC)

// setup starts a fake with the template "ORDER_SHIPPED" and returns it with
// its clock.
func setup(t *testing.T) (*solapitest.Server, *fake.Clock) {
	t.Helper()
	clock := fake.NewClock(start)
	srv := solapitest.NewServer(clock.Now)
	t.Cleanup(srv.Close)
	srv.Template("ORDER_SHIPPED", "#{주문번호}", "#{송장번호}")
	return srv, clock
}

func client(srv *solapitest.Server, key, secret string, now func() time.Time) *solapi.Client {
	return solapi.New(solapi.Config{APIKey: key, APISecret: secret, BaseURL: srv.URL()},
		&http.Client{Timeout: 5 * time.Second}, now)
}

func shipped(fallback bool) messaging.Alimtalk {
	return messaging.Alimtalk{To: "01012345678", From: solapitest.Sender, SenderKey: solapitest.PfID,
		Template: "ORDER_SHIPPED", Variables: map[string]string{"#{주문번호}": "20261207-0001", "#{송장번호}": "123456789012"},
		FallbackText: fallback}
}

// An 알림톡 reaches SOLAPI signed, with its template, variables and the
// fallback switch as the shop set it.
func TestAlimtalk(t *testing.T) {
	t.Parallel()
	for _, fallback := range []bool{true, false} {
		srv, clock := setup(t)
		c := client(srv, solapitest.APIKey, solapitest.APISecret, clock.Now)
		rc, err := c.SendAlimtalk(t.Context(), shipped(fallback))
		if err != nil {
			t.Fatal(err)
		}
		got := srv.Messages()
		if len(got) != 1 {
			t.Fatalf("fake accepted %d messages, want 1", len(got))
		}
		m := got[0]
		if m.Type != "ATA" || m.To != "01012345678" || m.From != solapitest.Sender || m.PfID != solapitest.PfID ||
			m.TemplateID != "ORDER_SHIPPED" || !maps.Equal(m.Variables, shipped(fallback).Variables) {
			t.Fatalf("fake got %+v", m)
		}
		if m.DisableSms == fallback {
			t.Fatalf("fallback %v sent disableSms %v", fallback, m.DisableSms)
		}
		if rc.MessageID != m.ID {
			t.Fatalf("receipt %q, want the fake's id %q", rc.MessageID, m.ID)
		}
	}
}

// A short text goes as an SMS, a long one as an LMS with its subject.
func TestText(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, body, subject, want string
	}{
		{"short", "주문하신 상품이 출발했습니다.", "", "SMS"},
		{"long", strings.Repeat("가", 46), "", "LMS"},
		{"subject", "짧은 글", "배송 안내", "LMS"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv, clock := setup(t)
			c := client(srv, solapitest.APIKey, solapitest.APISecret, clock.Now)
			if _, err := c.SendText(t.Context(), messaging.Text{To: "01012345678", From: solapitest.Sender, Subject: tt.subject, Body: tt.body}); err != nil {
				t.Fatal(err)
			}
			m := srv.Messages()[0]
			if m.Type != tt.want || m.Text != tt.body || m.Subject != tt.subject {
				t.Fatalf("fake got %+v, want type %s", m, tt.want)
			}
		})
	}
}

// What SOLAPI refuses comes back as *messaging.Refused with its code and
// nothing is sent; a server error is an error that may be retried.
func TestRefusals(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		key     string
		secret  string
		skew    time.Duration
		mutate  func(*messaging.Alimtalk)
		fail    int
		code    string
		refused bool
	}{
		{name: "wrong secret", key: solapitest.APIKey, secret: "not-the-secret-0000", code: "SignatureDoesNotMatch", refused: true},
		{name: "unknown key", key: "NCSUNKNOWN", secret: solapitest.APISecret, code: "InvalidAPIKey", refused: true},
		{name: "clock off", key: solapitest.APIKey, secret: solapitest.APISecret, skew: 20 * time.Minute, code: "RequestTimeTooSkewed", refused: true},
		{name: "unknown template", key: solapitest.APIKey, secret: solapitest.APISecret,
			mutate: func(m *messaging.Alimtalk) { m.Template = "NOPE" }, code: "ValidationError", refused: true},
		{name: "variable missing", key: solapitest.APIKey, secret: solapitest.APISecret,
			mutate: func(m *messaging.Alimtalk) { delete(m.Variables, "#{송장번호}") }, code: "ValidationError", refused: true},
		{name: "sender not registered", key: solapitest.APIKey, secret: solapitest.APISecret,
			mutate: func(m *messaging.Alimtalk) { m.From = "0299999999" }, code: "ValidationError", refused: true},
		{name: "server error", key: solapitest.APIKey, secret: solapitest.APISecret, fail: http.StatusInternalServerError},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv, clock := setup(t)
			if tt.fail != 0 {
				srv.FailNext(solapitest.SendPath, tt.fail)
			}
			now := func() time.Time { return clock.Now().Add(tt.skew) }
			m := shipped(true)
			if tt.mutate != nil {
				tt.mutate(&m)
			}
			_, err := client(srv, tt.key, tt.secret, now).SendAlimtalk(t.Context(), m)
			if err == nil {
				t.Fatal("sent, want an error")
			}
			var r *messaging.Refused
			if errors.As(err, &r) != tt.refused {
				t.Fatalf("err = %v, refused %v", err, tt.refused)
			}
			if tt.refused && r.Code != tt.code {
				t.Fatalf("code %q, want %q", r.Code, tt.code)
			}
			if strings.Contains(err.Error(), tt.secret) || strings.Contains(err.Error(), "01012345678") {
				t.Fatalf("error %q shows a secret or the number", err)
			}
			if n := len(srv.Messages()); n != 0 {
				t.Fatalf("fake accepted %d messages", n)
			}
		})
	}
}

// Every request carries a fresh salt, so two messages in the same second
// are not refused as a reused signature.
func TestFreshSignatures(t *testing.T) {
	t.Parallel()
	srv, clock := setup(t)
	c := client(srv, solapitest.APIKey, solapitest.APISecret, clock.Now)
	for range 3 {
		if _, err := c.SendAlimtalk(context.Background(), shipped(true)); err != nil {
			t.Fatal(err)
		}
	}
	if n := len(srv.Messages()); n != 3 {
		t.Fatalf("accepted %d, want 3", n)
	}
}
