// Package qna keeps product questions (상품 문의): a signed-in customer
// asks about a product on its page, optionally privately (비밀글: only the
// author and staff read it; everyone else sees that it is private), staff
// answer in the back office, and the asker is mailed in the answer's
// transaction. Every answer is audited with the staff member who wrote it.
// Sellers have no accounts tied to their products yet, so staff alone
// answer. See docs/decisions/0065-wishlist-and-product-questions.md.
package qna

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/mallang/mallang/internal/audit"
	"github.com/mallang/mallang/internal/catalog"
	"github.com/mallang/mallang/internal/db"
	"github.com/mallang/mallang/internal/fault"
	"github.com/mallang/mallang/internal/notify"
	"github.com/mallang/mallang/internal/wiring"
)

// Limits of what customers and staff write.
const (
	MaxBody   = 2000 // characters of a question
	MaxAnswer = 5000 // characters of an answer
	MaxList   = 100  // questions per page at most
)

// Question is one product question with its answer.
type Question struct {
	ID          int64
	ProductID   int64
	ProductName string
	UserID      int64
	// Author is the asker's name as others see it, masked ("김**").
	Author string
	Body   string
	// Private questions are read only by their author and staff.
	Private bool
	// Hidden is set when the question is private and the viewer may not
	// read it: Body and Answer are then empty.
	Hidden     bool
	Answer     string // "" while it waits
	AnsweredBy int64
	AnsweredAt time.Time // zero while it waits
	CreatedAt  time.Time
}

// Answered reports whether staff answered the question.
func (q Question) Answered() bool { return !q.AnsweredAt.IsZero() }

// Viewer is who reads a product's questions: a visitor (UserID 0), a
// customer, or staff.
type Viewer struct {
	UserID int64
	Staff  bool
}

// mayRead reports whether v may read q's text.
func (v Viewer) mayRead(q Question) bool {
	return !q.Private || v.Staff || (v.UserID != 0 && v.UserID == q.UserID)
}

// Products finds a product (*catalog.Service).
type Products interface {
	Product(ctx context.Context, id int64) (catalog.ProductDetail, error)
}

// Audit records a change in its transaction (*audit.Log).
type Audit interface {
	Record(ctx context.Context, q db.Querier, e audit.Entry) error
}

// Deps are what the service uses; every one is required.
type Deps struct {
	Products  Products
	Audit     Audit
	Mailer    notify.Mailer
	Customers notify.Contacts
}

// Config holds the shop's public address, for the link in the answer
// mail.
type Config struct {
	BaseURL string
}

// Service keeps product questions. It is safe for concurrent use.
type Service struct {
	d    *db.DB
	deps Deps
	cfg  Config
	now  func() time.Time
	log  *slog.Logger
}

// New returns the service; it panics naming a missing dependency.
func New(d *db.DB, deps Deps, cfg Config, now func() time.Time, log *slog.Logger) *Service {
	if m := wiring.Missing("Products", deps.Products, "Audit", deps.Audit, "Mailer", deps.Mailer,
		"Customers", deps.Customers); len(m) > 0 {
		panic("qna: New without " + strings.Join(m, ", "))
	}
	if d == nil || now == nil || log == nil {
		panic("qna: New without a database, clock or logger")
	}
	cfg.BaseURL = strings.TrimRight(cfg.BaseURL, "/")
	return &Service{d: d, deps: deps, cfg: cfg, now: now, log: log}
}

// URL is where product productID's questions are read.
func (s *Service) URL(productID int64) string {
	return s.cfg.BaseURL + "/products/" + strconv.FormatInt(productID, 10) + "#questions"
}

// checkText trims s and checks it: required, at most max characters, no
// control characters but line breaks and tabs.
func checkText(v *fault.Invalid, field, s string, max int) string {
	s = strings.TrimSpace(s)
	switch {
	case s == "":
		v.Add(field, "is required")
	case utf8.RuneCountInString(s) > max:
		v.Add(field, fmt.Sprintf("must be at most %d characters", max))
	case strings.IndexFunc(s, func(r rune) bool { return unicode.IsControl(r) && r != '\n' && r != '\r' && r != '\t' }) >= 0:
		v.Add(field, "must not contain control characters")
	}
	return s
}

// Ask stores customer userID's question on product productID. Errors:
// *fault.Invalid naming "body"; fault.ErrNotFound for a product not on the
// storefront.
func (s *Service) Ask(ctx context.Context, userID, productID int64, body string, private bool) (Question, error) {
	v := &fault.Invalid{}
	body = checkText(v, "body", body, MaxBody)
	if err := v.Err(); err != nil {
		return Question{}, err
	}
	p, err := s.deps.Products.Product(ctx, productID)
	if err != nil {
		return Question{}, fmt.Errorf("ask about product %d: %w", productID, err)
	}
	if p.Status != catalog.Active {
		return Question{}, fmt.Errorf("ask about product %d, which is %s: %w", productID, p.Status, fault.ErrNotFound)
	}
	now := s.now().UTC()
	var id int64
	err = s.d.InTx(ctx, func(q db.Querier) error {
		var err error
		if id, err = insertQuestion(ctx, q, productID, userID, body, private, now); err != nil {
			return err
		}
		return countQuestion(ctx, q, productID)
	})
	if err != nil {
		return Question{}, fmt.Errorf("ask about product %d: %w", productID, err)
	}
	s.log.InfoContext(ctx, "product question asked", "question_id", id, "product_id", productID, "user_id", userID)
	return s.Get(ctx, id)
}

// Get returns question id as staff read it, or fault.ErrNotFound.
func (s *Service) Get(ctx context.Context, id int64) (Question, error) {
	r, err := questionByID(ctx, s.d.Read(), id)
	if err != nil {
		return Question{}, err
	}
	return r.question(Viewer{Staff: true}), nil
}

// ForProduct returns product productID's questions, the latest first, as
// v may read them: private ones of others come Hidden.
func (s *Service) ForProduct(ctx context.Context, productID int64, v Viewer, limit, offset int) ([]Question, error) {
	limit, offset = page(limit, offset)
	rs, err := questionsOfProduct(ctx, s.d.Read(), productID, limit, offset)
	if err != nil {
		return nil, err
	}
	return questions(rs, v), nil
}

// CountForProduct returns how many questions product productID has, as
// counted in the product's row (catalog.ProductDetail.Questions).
func (s *Service) CountForProduct(ctx context.Context, productID int64) (int, error) {
	return questionCount(ctx, s.d.Read(), productID)
}

// Mine returns customer userID's questions, the latest first.
func (s *Service) Mine(ctx context.Context, userID int64, limit, offset int) ([]Question, error) {
	limit, offset = page(limit, offset)
	rs, err := questionsOfUser(ctx, s.d.Read(), userID, limit, offset)
	if err != nil {
		return nil, err
	}
	return questions(rs, Viewer{UserID: userID}), nil
}

// List returns the staff's queue: with waiting, only the questions not
// answered yet, the longest waiting first; otherwise every question, the
// latest first.
func (s *Service) List(ctx context.Context, waiting bool, limit, offset int) ([]Question, error) {
	limit, offset = page(limit, offset)
	rs, err := queue(ctx, s.d.Read(), waiting, limit, offset)
	if err != nil {
		return nil, err
	}
	return questions(rs, Viewer{Staff: true}), nil
}

// CountWaiting returns how many questions wait for an answer (the back
// office's queue and dashboard show it).
func (s *Service) CountWaiting(ctx context.Context) (int, error) {
	return countWhere(ctx, s.d.Read(), `answered_at IS NULL`)
}

// Answer stores staff member by's answer to question id, or replaces the
// one given before, and mails the asker in the same transaction (a
// customer who is gone gets no mail and the answer stands). It records
// "question.answered" or "question.answer_edited". Errors:
// *fault.Invalid naming "answer"; fault.ErrNotFound.
func (s *Service) Answer(ctx context.Context, by audit.Actor, id int64, answer string) (Question, error) {
	v := &fault.Invalid{}
	answer = checkText(v, "answer", answer, MaxAnswer)
	if by.UserID < 1 {
		v.Add("actor", "is required")
	}
	if err := v.Err(); err != nil {
		return Question{}, err
	}
	now := s.now().UTC()
	err := s.d.InTx(ctx, func(q db.Querier) error {
		r, err := questionByID(ctx, q, id)
		if err != nil {
			return err
		}
		edited := r.AnsweredAt.Valid
		if err := setAnswer(ctx, q, id, answer, by.UserID, now); err != nil {
			return err
		}
		action := "question.answered"
		if edited {
			action = "question.answer_edited"
		}
		if err := s.deps.Audit.Record(ctx, q, by.Entry(action, "product_question", strconv.FormatInt(id, 10),
			map[string]any{"product_id": r.ProductID, "user_id": r.UserID, "before": r.Answer, "answer": answer})); err != nil {
			return err
		}
		err = notify.SendToCustomer(ctx, s.deps.Mailer, q, s.deps.Customers, r.UserID, notify.QuestionAnswered, func(name string) any {
			return notify.QuestionData{Name: name, Product: r.ProductName, Question: r.Body, Answer: answer, URL: s.URL(r.ProductID)}
		})
		if errors.Is(err, notify.ErrUnwritable) {
			s.log.ErrorContext(ctx, "question mail not sent", "question_id", id, "err", err)
			return nil
		}
		return err
	})
	if err != nil {
		return Question{}, fmt.Errorf("answer question %d: %w", id, err)
	}
	s.log.InfoContext(ctx, "product question answered", "question_id", id, "actor_id", by.UserID)
	return s.Get(ctx, id)
}

// page bounds a page's size and offset.
func page(limit, offset int) (int, int) {
	if limit <= 0 {
		limit = 20
	}
	return min(limit, MaxList), max(offset, 0)
}

// questions turns rows into questions as v reads them.
func questions(rs []row, v Viewer) []Question {
	out := make([]Question, len(rs))
	for i, r := range rs {
		out[i] = r.question(v)
	}
	return out
}

// mask shows a name as others see it: its first character and two stars.
func mask(name string) string {
	r, _ := utf8.DecodeRuneInString(strings.TrimSpace(name))
	if r == utf8.RuneError {
		return "***"
	}
	return string(r) + "**"
}
