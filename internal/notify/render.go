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
	// activates the account. Its data is a VerifyEmailData.
	VerifyEmail Template = "verify-email"
)

// VerifyEmailData fills the VerifyEmail template.
type VerifyEmailData struct {
	Name  string // the customer's name; may be empty
	URL   string // the absolute one-time link (http or https)
	Hours int    // how long the link works
}

// Validate returns a *fault.Invalid unless URL is an absolute http or https
// link and Hours is positive.
func (v VerifyEmailData) Validate() error {
	var inv fault.Invalid
	if u, err := url.Parse(v.URL); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		inv.Add("url", "must be an absolute http or https link")
	}
	if v.Hours < 1 {
		inv.Add("hours", "must be at least 1")
	}
	return inv.Err()
}

//go:embed templates
var templateFiles embed.FS

// Render fills tmpl with data and returns the Message without a recipient:
// the caller sets To. When data has a Validate method (as VerifyEmailData
// does) Render calls it first and returns its error. The HTML part is escaped
// by html/template, so data may hold user input. A missing field in data is
// an error. Templates are parsed at each call: mail is rare next to page
// views.
func Render(tmpl Template, data any) (Message, error) {
	if v, ok := data.(interface{ Validate() error }); ok {
		if err := v.Validate(); err != nil {
			return Message{}, fmt.Errorf("render %s: %w", tmpl, err)
		}
	}
	txt, err := texttemplate.New(string(tmpl)).Option("missingkey=error").
		ParseFS(templateFiles, "templates/"+string(tmpl)+".txt")
	if err != nil {
		return Message{}, fmt.Errorf("render %s: %w", tmpl, err)
	}
	html, err := htmltemplate.New(string(tmpl)).Option("missingkey=error").
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
	return Message{
		Subject: strings.Join(strings.Fields(subject.String()), " "),
		Text:    text.String(),
		HTML:    body.String(),
	}, nil
}
