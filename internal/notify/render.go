package notify

import (
	"bytes"
	"embed"
	"fmt"
	htmltemplate "html/template"
	"net/url"
	"strings"
	texttemplate "text/template"

	"github.com/mallang/mallang/internal/fault"
)

// Template names an embedded email template: templates/NAME.txt defines
// "subject" and "text" (text/template), templates/NAME.html is the HTML part
// (html/template, inline styles only).
type Template string

// The templates.
const (
	// VerifyEmail asks a new customer to open the one-time link that
	// activates the account. Its data is a LinkData.
	VerifyEmail Template = "verify-email"
	// ResetPassword carries the one-time link that sets a new password. Its
	// data is a LinkData.
	ResetPassword Template = "reset-password"
	// AccountExists answers a sign-up with an address that already has an
	// account: the page says the same to everyone, and only the mailbox
	// owner learns the account exists. Its data is a LinkData whose URL is
	// a password-reset link.
	AccountExists Template = "account-exists"
	// AccountLocked tells the owner that failed sign-ins blocked the
	// account for a while. Its data is a LockedData.
	AccountLocked Template = "account-locked"
	// OrderRefunded tells the customer a refund went through, worded for
	// how the money went back (a card cancel, a transfer to their account).
	// Its data is a payment.RefundedData.
	OrderRefunded Template = "order-refunded"
	// OrderRefundPending tells the customer that money they paid by bank
	// transfer will be sent to the account they gave (환불 대기), and that
	// another mail follows when it is. Its data is a
	// payment.RefundPendingData.
	OrderRefundPending Template = "order-refund-pending"
)

// LinkData fills the templates that carry a one-time link.
type LinkData struct {
	Name  string // the customer's name; may be empty
	URL   string // the absolute one-time link (http or https)
	Hours int    // how long the link works
}

// VerifyEmailData is the data of VerifyEmail.
type VerifyEmailData = LinkData

// Validate returns a *fault.Invalid unless URL is an absolute http or https
// link and Hours is positive.
func (v LinkData) Validate() error {
	var inv fault.Invalid
	checkURL(&inv, v.URL)
	if v.Hours < 1 {
		inv.Add("hours", "must be at least 1")
	}
	return inv.Err()
}

// LockedData fills AccountLocked.
type LockedData struct {
	Name    string // may be empty
	Minutes int    // how long signing in stays blocked
	URL     string // the absolute password-reset page
}

// Validate returns a *fault.Invalid unless URL is an absolute http or https
// link and Minutes is positive.
func (v LockedData) Validate() error {
	var inv fault.Invalid
	checkURL(&inv, v.URL)
	if v.Minutes < 1 {
		inv.Add("minutes", "must be at least 1")
	}
	return inv.Err()
}

func checkURL(inv *fault.Invalid, s string) {
	if u, err := url.Parse(s); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		inv.Add("url", "must be an absolute http or https link")
	}
}

//go:embed templates
var templateFiles embed.FS

// Render fills tmpl with data and returns the Message without a recipient:
// the caller sets To. shop is the shop's name, which the templates show
// (as {{shop}}) in the subject and the heading; services render through
// Outbox.Render, which passes the name staff set in the settings. When data
// has a Validate method (as VerifyEmailData does) Render calls it first and
// returns its error. The HTML part is escaped by html/template, so data and
// shop may hold user input. A missing field in data is an error. Templates
// are parsed at each call: mail is rare next to page views.
func Render(shop string, tmpl Template, data any) (Message, error) {
	if v, ok := data.(interface{ Validate() error }); ok {
		if err := v.Validate(); err != nil {
			return Message{}, fmt.Errorf("render %s: %w", tmpl, err)
		}
	}
	funcs := templateFuncs()
	funcs["shop"] = func() string { return shop }
	txt, err := texttemplate.New(string(tmpl)).Funcs(funcs).Option("missingkey=error").
		ParseFS(templateFiles, "templates/"+string(tmpl)+".txt")
	if err != nil {
		return Message{}, fmt.Errorf("render %s: %w", tmpl, err)
	}
	html, err := htmltemplate.New(string(tmpl)).Funcs(funcs).Option("missingkey=error").
		ParseFS(templateFiles, "templates/"+string(tmpl)+".html")
	if err != nil {
		return Message{}, fmt.Errorf("render %s: %w", tmpl, err)
	}
	var subject, text, body bytes.Buffer
	if err := txt.ExecuteTemplate(&subject, "subject", data); err != nil {
		return Message{}, fmt.Errorf("render %s subject: %w", tmpl, err)
	}
	if err := txt.ExecuteTemplate(&text, "text", data); err != nil {
		return Message{}, fmt.Errorf("render %s text: %w", tmpl, err)
	}
	if err := html.ExecuteTemplate(&body, string(tmpl)+".html", data); err != nil {
		return Message{}, fmt.Errorf("render %s html: %w", tmpl, err)
	}
	m := Message{
		Subject: strings.Join(strings.Fields(subject.String()), " "),
		Text:    text.String(),
		HTML:    body.String(),
	}
	if u, ok := data.(Unsubscribable); ok && u.UnsubscribeLink() != "" {
		m.Headers = map[string]string{HeaderListUnsubscribe: "<" + u.UnsubscribeLink() + ">",
			HeaderListUnsubscribePost: "List-Unsubscribe=One-Click"}
	}
	return m, nil
}
