package web

import (
	"fmt"
	"io"
	"net/http"

	"github.com/mallang/mallang/internal/fault"
)

// form is a page whose body is one form: the account pages are all built
// from it, so every one labels its fields, marks the wrong ones and says
// why in the same accessible way.
type form struct {
	TestID string
	Title  string
	Intro  string
	Action string
	Fields []field
	Submit string
	// Danger styles the submit button as destructive (delete account).
	Danger bool
	// Error is a message about the whole form (wrong password, too many
	// attempts); Done a success message shown above it.
	Error string
	Done  string
	// Links go below the form ("forgot your password?").
	Links []link
	// Postcode, when set, is the label of the postcode search button shown
	// next to the postcode field (the address form).
	Postcode string
}

// field is one input of a form.
type field struct {
	Name         string
	Label        string
	Type         string // text, email, password, tel, checkbox, hidden
	Value        string
	Checked      bool
	Required     bool
	Autocomplete string
	Hint         string
	Error        string
	MaxLength    int
	InputMode    string
}

// setErrors puts the messages of inv on the fields they name, translated,
// and returns the messages for names no field has.
func (f *form) setErrors(lc *locale, inv *fault.Invalid) []string {
	var rest []string
	for name, msg := range inv.Fields {
		found := false
		for i := range f.Fields {
			if f.Fields[i].Name == name {
				f.Fields[i].Error = lc.T(msg)
				found = true
			}
		}
		if !found {
			rest = append(rest, lc.T(msg))
		}
	}
	return rest
}

// accountPage is a page of the account area: not indexed, never cached.
func (h *Handler) accountPage(r *http.Request, lc *locale, title, path string) *page {
	p := h.newPage(r, lc, h.tree.Load(), title, path, nil)
	p.NoIndex = true
	return p
}

// private wraps the handlers of the account area: the session is loaded and
// saved, and no response is cached anywhere, since it may hold personal
// data, a one-time token or a form with errors.
func (h *Handler) private(next http.Handler) http.Handler {
	return h.sessions.LoadAndSave(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		next.ServeHTTP(w, r)
	}))
}

// formPhotos reads the files of the "photos" inputs of r's parsed
// multipart form: empty inputs are skipped, one more than most is kept so
// the service can say there are too many, and each is read to maxSize+1
// bytes so the service can say one is too large. A file that cannot be read
// is errBadForm.
func formPhotos(r *http.Request, most int, maxSize int64) ([][]byte, error) {
	if r.MultipartForm == nil {
		return nil, nil
	}
	var out [][]byte
	for i, fh := range r.MultipartForm.File["photos"] {
		if i > most || fh.Size == 0 {
			continue
		}
		f, err := fh.Open()
		if err != nil {
			return nil, fmt.Errorf("%w: %w", errBadForm, err)
		}
		data, err := io.ReadAll(io.LimitReader(f, maxSize+1))
		_ = f.Close()
		if err != nil {
			return nil, fmt.Errorf("%w: %w", errBadForm, err)
		}
		out = append(out, data)
	}
	return out, nil
}
