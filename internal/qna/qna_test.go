package qna_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/mallang/mallang/internal/audit"
	"github.com/mallang/mallang/internal/catalog"
	"github.com/mallang/mallang/internal/catalog/catalogtest"
	"github.com/mallang/mallang/internal/db"
	"github.com/mallang/mallang/internal/db/dbtest"
	"github.com/mallang/mallang/internal/fake"
	"github.com/mallang/mallang/internal/fault"
	"github.com/mallang/mallang/internal/notify/notifytest"
	"github.com/mallang/mallang/internal/qna"
)

type contacts struct{}

func (contacts) Contact(ctx context.Context, q db.Querier, id int64) (string, string, error) {
	var r struct {
		Email string `db:"email"`
		Name  string `db:"name"`
	}
	if err := q.GetContext(ctx, &r, q.Rebind(`SELECT email, name FROM users WHERE id = ?`), id); err != nil {
		return "", "", fault.ErrNotFound
	}
	return r.Email, r.Name, nil
}

type fixture struct {
	d   *db.DB
	s   *qna.Service
	pid int64
}

func setup(t *testing.T) *fixture {
	t.Helper()
	d := dbtest.New(t)
	clock := fake.NewClock(time.Date(2026, 12, 7, 3, 0, 0, 0, time.UTC))
	log := slog.New(slog.DiscardHandler)
	cat := catalog.NewService(d, clock.Now, log, &catalogtest.Thumbs{})
	fx := catalogtest.Seed(t, cat, 1)
	s := qna.New(d, qna.Deps{Products: cat, Audit: audit.New(d, clock.Now), Mailer: notifytest.Outbox(d, clock.Now),
		Customers: contacts{}}, qna.Config{BaseURL: "https://shop.example"}, clock.Now, log)
	return &fixture{d: d, s: s, pid: fx.Products[0]}
}

func (f *fixture) user(t *testing.T, email, name string) int64 {
	t.Helper()
	var id int64
	err := f.d.Write().GetContext(t.Context(), &id, f.d.Write().Rebind(
		`INSERT INTO users (email, name, role, active) VALUES (?, ?, 'customer', TRUE) RETURNING id`), email, name)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// TestAskChecksTheQuestion: a question needs text within the limit and a
// product on sale; nothing is stored otherwise.
func TestAskChecksTheQuestion(t *testing.T) {
	t.Parallel()
	f := setup(t)
	uid := f.user(t, "a@example.com", "김말랑")
	tests := []struct {
		name    string
		product int64
		body    string
		field   string
		want    error
	}{
		{"empty", f.pid, "  ", "body", nil},
		{"too long", f.pid, strings.Repeat("가", qna.MaxBody+1), "body", nil},
		{"control characters", f.pid, "a\x00b", "body", nil},
		{"unknown product", f.pid + 99, "배송은 언제 되나요?", "", fault.ErrNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := f.s.Ask(t.Context(), uid, tt.product, tt.body, false)
			if tt.field != "" {
				if inv, ok := fault.AsInvalid(err); !ok || inv.Fields[tt.field] == "" {
					t.Fatalf("Ask = %v, want invalid %s", err, tt.field)
				}
			} else if !errors.Is(err, tt.want) {
				t.Fatalf("Ask = %v, want %v", err, tt.want)
			}
		})
	}
	if n, _ := f.s.CountForProduct(t.Context(), f.pid); n != 0 {
		t.Errorf("%d questions stored after refusals", n)
	}
}

// TestQuestionCountFollowsQuestions: the product's question count, which
// the product page reads with the product, moves with every question
// stored, however many are asked at once, and not with a refused one.
func TestQuestionCountFollowsQuestions(t *testing.T) {
	t.Parallel()
	f := setup(t)
	uid := f.user(t, "a@example.com", "김말랑")
	const asks = 8
	var g errgroup.Group
	for i := range asks {
		g.Go(func() error {
			_, err := f.s.Ask(t.Context(), uid, f.pid, fmt.Sprintf("질문 %d", i), i%2 == 0)
			return err
		})
	}
	if err := g.Wait(); err != nil {
		t.Fatal(err)
	}
	if _, err := f.s.Ask(t.Context(), uid, f.pid, " ", false); err == nil {
		t.Fatal("an empty question was stored")
	}
	var rows int
	if err := f.d.Read().GetContext(t.Context(), &rows, f.d.Read().Rebind(`SELECT COUNT(*) FROM product_questions WHERE product_id = ?`), f.pid); err != nil {
		t.Fatal(err)
	}
	n, err := f.s.CountForProduct(t.Context(), f.pid)
	if err != nil {
		t.Fatal(err)
	}
	if n != asks || rows != asks {
		t.Errorf("count %d, %d questions stored, want %d of each", n, rows, asks)
	}
}

// TestPrivateQuestionsAreReadByAuthorAndStaff: a private question's text
// is read by its author and staff only; a visitor and another customer see
// that it is private, and its answer stays hidden too.
func TestPrivateQuestionsAreReadByAuthorAndStaff(t *testing.T) {
	t.Parallel()
	f := setup(t)
	author, other := f.user(t, "a@example.com", "김말랑"), f.user(t, "b@example.com", "이몽룡")
	staff := f.user(t, "staff@example.com", "관리자")
	if _, err := f.s.Ask(t.Context(), author, f.pid, "공개 질문입니다", false); err != nil {
		t.Fatal(err)
	}
	priv, err := f.s.Ask(t.Context(), author, f.pid, "제 주소로 보내 주세요", true)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.s.Answer(t.Context(), audit.Actor{UserID: staff}, priv.ID, "네, 그렇게 보내 드릴게요"); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		v        qna.Viewer
		readable bool
	}{
		{"visitor", qna.Viewer{}, false},
		{"another customer", qna.Viewer{UserID: other}, false},
		{"the author", qna.Viewer{UserID: author}, true},
		{"staff", qna.Viewer{Staff: true}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			qs, err := f.s.ForProduct(t.Context(), f.pid, tt.v, 0, 0)
			if err != nil {
				t.Fatal(err)
			}
			if len(qs) != 2 {
				t.Fatalf("%d questions, want 2", len(qs))
			}
			p, pub := qs[0], qs[1] // the latest first
			if pub.Hidden || pub.Body != "공개 질문입니다" {
				t.Errorf("public question %+v", pub)
			}
			if p.Hidden == tt.readable || (p.Body != "") != tt.readable || (p.Answer != "") != tt.readable {
				t.Errorf("private question: hidden %v, body %q, answer %q; readable should be %v", p.Hidden, p.Body, p.Answer, tt.readable)
			}
			if !p.Answered() || p.Author != "김**" {
				t.Errorf("private question: answered %v, author %q; want answered by 김**", p.Answered(), p.Author)
			}
		})
	}
}

// TestAnswerMailsTheAsker: an answer is stored, audited and mailed to the
// asker; the waiting count falls; an edit is audited as such and mailed
// again; a blank answer is refused.
func TestAnswerMailsTheAsker(t *testing.T) {
	t.Parallel()
	f := setup(t)
	author := f.user(t, "a@example.com", "김말랑")
	staff := f.user(t, "staff@example.com", "관리자")
	q, err := f.s.Ask(t.Context(), author, f.pid, "사이즈가 어떻게 되나요?", true)
	if err != nil {
		t.Fatal(err)
	}
	count := func() int {
		n, err := f.s.CountWaiting(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	if n := count(); n != 1 {
		t.Fatalf("waiting %d, want 1", n)
	}
	if _, err := f.s.Answer(t.Context(), audit.Actor{UserID: staff}, q.ID, " "); err == nil {
		t.Fatal("a blank answer was taken")
	}
	for i, answer := range []string{"프리 사이즈입니다", "프리 사이즈(55~66)입니다"} {
		got, err := f.s.Answer(t.Context(), audit.Actor{UserID: staff, Email: "staff@example.com"}, q.ID, answer)
		if err != nil {
			t.Fatal(err)
		}
		if got.Answer != answer || got.AnsweredBy != staff {
			t.Errorf("answer %d: %+v", i, got)
		}
		var mails []struct {
			To   string `db:"to_address"`
			Text string `db:"text_body"`
		}
		if err := f.d.Read().SelectContext(t.Context(), &mails, `SELECT to_address, text_body FROM outbox ORDER BY id`); err != nil {
			t.Fatal(err)
		}
		if len(mails) != i+1 || mails[i].To != "a@example.com" || !strings.Contains(mails[i].Text, answer) {
			t.Errorf("after answer %d, mails %+v", i, mails)
		}
	}
	if n := count(); n != 0 {
		t.Errorf("waiting %d after the answer, want 0", n)
	}
	var actions []string
	if err := f.d.Read().SelectContext(t.Context(), &actions, `SELECT action FROM audit_log ORDER BY id`); err != nil {
		t.Fatal(err)
	}
	if strings.Join(actions, ",") != "question.answered,question.answer_edited" {
		t.Errorf("audit %v", actions)
	}
	if _, err := f.s.Answer(t.Context(), audit.Actor{UserID: staff}, q.ID+5, "답"); !errors.Is(err, fault.ErrNotFound) {
		t.Errorf("answer of an unknown question: %v", err)
	}
	mine, err := f.s.Mine(t.Context(), author, 0, 0)
	if err != nil || len(mine) != 1 || mine[0].Hidden || mine[0].ProductName == "" {
		t.Errorf("Mine = %+v, %v", mine, err)
	}
}
