package inquiry

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/mallang/mallang/internal/audit"
	"github.com/mallang/mallang/internal/db"
	"github.com/mallang/mallang/internal/fault"
	"github.com/mallang/mallang/internal/media"
	"github.com/mallang/mallang/internal/notify"
	"github.com/mallang/mallang/internal/order"
	"github.com/mallang/mallang/internal/wiring"
)

// Orders finds one of a customer's orders by number, fault.ErrNotFound for
// another's; *order.Service implements it.
type Orders interface {
	ByNumber(ctx context.Context, userID int64, number string) (order.Order, error)
}

// Media stores the photos (*media.Store).
type Media interface {
	Put(ctx context.Context, key, contentType string, r io.Reader) error
}

// Audit records a change in the transaction that makes it (*audit.Log).
type Audit interface {
	Record(ctx context.Context, q db.Querier, e audit.Entry) error
}

// Deps are what the service uses; every one is required.
type Deps struct {
	Orders    Orders
	Media     Media
	Audit     Audit
	Mailer    notify.Mailer
	Customers notify.Contacts
}

// Config holds the addresses the service's mails link to and send to.
type Config struct {
	// BaseURL is the shop's public address, for the link in the answer
	// mail.
	BaseURL string
	// AdminURL is the back office's address (BaseURL + its path), for the
	// inquiry's link in the staff mail.
	AdminURL string
	// StaffEmail receives the staff mail of a new inquiry; empty sends
	// none.
	StaffEmail string
}

// Service keeps inquiries and answer templates. It is safe for concurrent
// use.
type Service struct {
	d    *db.DB
	deps Deps
	cfg  Config
	now  func() time.Time
	log  *slog.Logger
}

// NewService returns the service; it panics naming a missing dependency.
func NewService(d *db.DB, deps Deps, cfg Config, now func() time.Time, log *slog.Logger) *Service {
	if m := wiring.Missing("Orders", deps.Orders, "Media", deps.Media, "Audit", deps.Audit, "Mailer", deps.Mailer,
		"Customers", deps.Customers); len(m) > 0 {
		panic("inquiry: NewService without " + strings.Join(m, ", "))
	}
	if log == nil {
		panic("inquiry: NewService without a logger")
	}
	cfg.BaseURL = strings.TrimRight(cfg.BaseURL, "/")
	cfg.AdminURL = strings.TrimRight(cfg.AdminURL, "/")
	return &Service{d: d, deps: deps, cfg: cfg, now: now, log: log}
}

// stamp is the service's time now, as stored.
func (s *Service) stamp() time.Time { return s.now().UTC().Truncate(time.Microsecond) }

// URL is where the customer reads inquiry id in their account.
func (s *Service) URL(id int64) string {
	return s.cfg.BaseURL + "/account/inquiries/" + strconv.FormatInt(id, 10)
}

// checkText trims a text field and checks it: required, at most max
// characters, no control characters but line breaks and tabs (one line
// only when oneLine).
func checkText(v *fault.Invalid, field, s string, max int, oneLine bool) string {
	s = strings.TrimSpace(s)
	switch {
	case s == "":
		v.Add(field, "is required")
	case utf8.RuneCountInString(s) > max:
		v.Add(field, fmt.Sprintf("must be at most %d characters", max))
	case strings.IndexFunc(s, func(r rune) bool {
		return unicode.IsControl(r) && (oneLine || (r != '\n' && r != '\r' && r != '\t'))
	}) >= 0:
		v.Add(field, "must not contain control characters")
	}
	return s
}

// Ask stores a signed-in customer's inquiry and, in the same transaction,
// mails Config.StaffEmail of it (once: the mail commits with the inquiry). The photos are sniffed (JPEG,
// PNG, GIF or WebP), at most MaxPhotos of MaxPhotoSize each, and stored in
// media before the inquiry's transaction, as return photos are. Errors: a
// *fault.Invalid naming every bad field ("kind", "order" — not one of the
// customer's orders —, "title", "body", "photos"), with nothing stored.
func (s *Service) Ask(ctx context.Context, in AskInput) (Inquiry, error) {
	v := &fault.Invalid{}
	if !in.Kind.Valid() {
		v.Add("kind", "choose a type from the list")
	}
	in.Title = checkText(v, "title", in.Title, MaxTitle, true)
	in.Body = checkText(v, "body", in.Body, MaxBody, false)
	var orderID int64
	number := strings.TrimSpace(in.OrderNumber)
	if number != "" {
		o, err := s.deps.Orders.ByNumber(ctx, in.UserID, number)
		switch {
		case errors.Is(err, fault.ErrNotFound):
			v.Add("order", "is not one of your orders")
		case err != nil:
			return Inquiry{}, err
		default:
			orderID, number = o.ID, o.Number
		}
	}
	type photo struct {
		key, ct string
		data    []byte
	}
	var photos []photo
	if len(in.Photos) > MaxPhotos {
		v.Add("photos", fmt.Sprintf("attach at most %d photos", MaxPhotos))
	} else {
		for i, u := range in.Photos {
			ct, data, err := media.Sniff(bytes.NewReader(u.Data), MaxPhotoSize)
			if inv, ok := fault.AsInvalid(err); ok {
				v.Add("photos", fmt.Sprintf("photo %d: %s", i+1, inv.Fields["image"]))
				continue
			}
			if err != nil {
				return Inquiry{}, err
			}
			photos = append(photos, photo{key: media.ContentKey("inquiries", data, ct), ct: ct, data: data})
		}
	}
	if err := v.Err(); err != nil {
		return Inquiry{}, err
	}
	for _, p := range photos {
		if err := s.deps.Media.Put(ctx, p.key, p.ct, bytes.NewReader(p.data)); err != nil {
			return Inquiry{}, fmt.Errorf("store a photo of an inquiry of user %d: %w", in.UserID, err)
		}
	}
	now := s.stamp()
	r := row{UserID: in.UserID, OrderID: nullID(orderID), Kind: string(in.Kind), Title: in.Title, Body: in.Body,
		Status: string(Open), CreatedAt: now, UpdatedAt: now}
	err := s.d.InTx(ctx, func(q db.Querier) error {
		id, err := insertInquiry(ctx, q, r)
		if err != nil {
			return err
		}
		r.ID = id
		for i, p := range photos {
			if err := insertPhoto(ctx, q, id, p.key, i, now); err != nil {
				return err
			}
		}
		return s.mailStaff(ctx, q, r, number, len(photos))
	})
	if err != nil {
		return Inquiry{}, fmt.Errorf("ask an inquiry for user %d: %w", in.UserID, err)
	}
	s.log.InfoContext(ctx, "inquiry asked", "inquiry_id", r.ID, "user_id", in.UserID)
	out := r.inquiry()
	out.OrderNumber = number
	for _, p := range photos {
		out.Photos = append(out.Photos, p.key)
	}
	return out, nil
}

// Mine returns inquiry id of customer userID, or fault.ErrNotFound when it
// does not exist or is another customer's.
func (s *Service) Mine(ctx context.Context, userID, id int64) (Inquiry, error) {
	in, err := s.Get(ctx, id)
	if err != nil {
		return Inquiry{}, err
	}
	if in.UserID != userID {
		return Inquiry{}, fmt.Errorf("inquiry %d of another customer: %w", id, fault.ErrNotFound)
	}
	return in, nil
}

// ListMine returns customer userID's inquiries, newest first.
func (s *Service) ListMine(ctx context.Context, userID int64, limit, offset int) ([]Inquiry, error) {
	limit, offset = page(limit, offset)
	rs, err := inquiriesOf(ctx, s.d.Read(), userID, limit, offset)
	if err != nil {
		return nil, err
	}
	return s.load(ctx, rs)
}

// Get returns inquiry id, or fault.ErrNotFound.
func (s *Service) Get(ctx context.Context, id int64) (Inquiry, error) {
	r, err := inquiryByID(ctx, s.d.Read(), id)
	if err != nil {
		return Inquiry{}, err
	}
	out, err := s.load(ctx, []row{r})
	if err != nil {
		return Inquiry{}, err
	}
	return out[0], nil
}

// List returns the staff's queue: open inquiries first, the longest
// waiting first, then answered ones, the latest first. It returns
// *fault.Invalid naming "status" or "kind" when f names an unknown one.
func (s *Service) List(ctx context.Context, f Filter) ([]Inquiry, error) {
	if err := f.check(); err != nil {
		return nil, err
	}
	f.Limit, f.Offset = page(f.Limit, f.Offset)
	rs, err := queue(ctx, s.d.Read(), f)
	if err != nil {
		return nil, err
	}
	return s.load(ctx, rs)
}

// Count returns how many inquiries List lists under f on all its pages
// (f's Limit and Offset do not matter), with List's errors.
func (s *Service) Count(ctx context.Context, f Filter) (int, error) {
	if err := f.check(); err != nil {
		return 0, err
	}
	return countQueue(ctx, s.d.Read(), f)
}

// CountMine returns how many inquiries customer userID has asked.
func (s *Service) CountMine(ctx context.Context, userID int64) (int, error) {
	return countOf(ctx, s.d.Read(), userID)
}

// check returns *fault.Invalid naming "status" or "kind" when f names an
// unknown one.
func (f Filter) check() error {
	v := &fault.Invalid{}
	if f.Status != "" && f.Status != Open && f.Status != Answered {
		v.Add("status", "is not a known status")
	}
	if f.Kind != "" && !f.Kind.Valid() {
		v.Add("kind", "is not a known type")
	}
	return v.Err()
}

// CountOpen returns how many inquiries wait for an answer (the dashboard
// shows it).
func (s *Service) CountOpen(ctx context.Context) (int, error) {
	return countOpen(ctx, s.d.Read())
}

// Answer stores staff member by's answer to inquiry id, or replaces the
// answer given before, and mails the customer in the same transaction
// (InquiryAnswered; a customer who is gone gets no mail and the answer
// stands). It records "inquiry.answered" or "inquiry.answer_edited" for by.
// Errors: *fault.Invalid naming "answer"; fault.ErrNotFound.
func (s *Service) Answer(ctx context.Context, by audit.Actor, id int64, answer string) (Inquiry, error) {
	v := &fault.Invalid{}
	answer = checkText(v, "answer", answer, MaxAnswer, false)
	if by.UserID < 1 {
		v.Add("actor", "is required")
	}
	if err := v.Err(); err != nil {
		return Inquiry{}, err
	}
	now := s.stamp()
	var r row
	edited := false
	err := s.d.InTx(ctx, func(q db.Querier) error {
		var err error
		if r, err = inquiryByID(ctx, q, id); err != nil {
			return err
		}
		edited = r.Status == string(Answered)
		if err := setAnswer(ctx, q, id, answer, by.UserID, now); err != nil {
			return err
		}
		action := "inquiry.answered"
		if edited {
			action = "inquiry.answer_edited"
		}
		if err := s.deps.Audit.Record(ctx, q, by.Entry(action, "inquiry", strconv.FormatInt(id, 10),
			map[string]any{"user_id": r.UserID, "title": r.Title, "before": r.Answer, "answer": answer})); err != nil {
			return err
		}
		err = notify.SendToCustomer(ctx, s.deps.Mailer, q, s.deps.Customers, r.UserID, notify.InquiryAnswered, func(name string) any {
			return notify.InquiryData{Name: name, Title: r.Title, Answer: answer, Edited: edited, URL: s.URL(id)}
		})
		if errors.Is(err, notify.ErrUnwritable) {
			s.log.ErrorContext(ctx, "inquiry mail not sent", "inquiry_id", id, "err", err)
			return nil
		}
		return err
	})
	if err != nil {
		return Inquiry{}, fmt.Errorf("answer inquiry %d: %w", id, err)
	}
	s.log.InfoContext(ctx, "inquiry answered", "inquiry_id", id, "actor_id", by.UserID, "edited", edited)
	return s.Get(ctx, id)
}

// load adds the order numbers and photos to rows.
func (s *Service) load(ctx context.Context, rs []row) ([]Inquiry, error) {
	out := make([]Inquiry, len(rs))
	if len(rs) == 0 {
		return out, nil
	}
	ids := make([]int64, len(rs))
	for i, r := range rs {
		ids[i] = r.ID
	}
	photos, err := photosOf(ctx, s.d.Read(), ids)
	if err != nil {
		return nil, err
	}
	for i, r := range rs {
		out[i] = r.inquiry()
		out[i].Photos = photos[r.ID]
	}
	return out, nil
}

// page bounds a page's size and offset.
func page(limit, offset int) (int, int) {
	if limit <= 0 {
		limit = 50
	}
	return min(limit, MaxList), max(offset, 0)
}

// mailStaff tells the shop's staff address of new inquiry r, on q, with a
// link to it in the back office; without an address nothing is sent. A
// mail the template refuses is logged and skipped: the inquiry stands.
func (s *Service) mailStaff(ctx context.Context, q db.Querier, r row, orderNumber string, photos int) error {
	if s.cfg.StaffEmail == "" {
		return nil
	}
	_, customer, err := s.deps.Customers.Contact(ctx, q, r.UserID)
	if errors.Is(err, fault.ErrNotFound) {
		customer = "" // the mail names no one rather than not going
	} else if err != nil {
		return err
	}
	msg, err := s.deps.Mailer.Render(ctx, notify.StaffInquiryAsked, notify.StaffInquiryData{Customer: customer,
		Kind: Kind(r.Kind).Word(), Order: orderNumber, Title: r.Title, Body: r.Body, Photos: photos,
		URL: s.cfg.AdminURL + "/inquiries/" + strconv.FormatInt(r.ID, 10)})
	if err != nil {
		s.log.ErrorContext(ctx, "staff inquiry mail not sent", "inquiry_id", r.ID, "err", err)
		return nil
	}
	msg.To = s.cfg.StaffEmail
	return s.deps.Mailer.Send(ctx, q, msg)
}
