package backoffice_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mallang/mallang/internal/account"
	"github.com/mallang/mallang/internal/catalog/catalogtest"
)

// Staff answer a private product question from the waiting queue, which
// counts it and shows its age; the asker is mailed; the question leaves
// the queue and the dashboard's to-do; staff without the customers
// permission get 403 and see no link to it.
func TestQuestionsSection(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := e.customerOf(t, "minji@example.com")
	ctx := context.Background()
	f := catalogtest.Seed(t, e.shop.Catalog, 1)
	q, err := e.shop.Questions().Ask(ctx, c.ID, f.Products[0], "선물 포장이 되나요?", true)
	if err != nil {
		t.Fatal(err)
	}
	w := e.d.Write()
	if _, err := w.ExecContext(ctx, w.Rebind(`UPDATE product_questions SET created_at = ? WHERE id = ?`), e.clock.Now().Add(-2*time.Hour-time.Minute), q.ID); err != nil {
		t.Fatal(err)
	}
	e.user(t, "cs@example.com", account.Staff, account.PermCustomers)
	b, _ := e.staffIn("cs@example.com")
	st, body := b.get(bo + "/")
	must(t, st, http.StatusOK, body)
	contains(t, body, "답변을 기다리는 상품 문의", bo+"/questions")
	st, body = b.get(bo + "/questions")
	must(t, st, http.StatusOK, body)
	contains(t, body, "선물 포장이 되나요?", "2시간 전", "답변 대기 1건", "비밀글")

	page := bo + "/questions/" + strconv.FormatInt(q.ID, 10)
	st, body = b.post(page+"/answer", url.Values{"answer": {"  "}})
	must(t, st, http.StatusUnprocessableEntity, body)
	st, body = b.post(page+"/answer", url.Values{"answer": {"네, 무료로 포장해 드립니다."}})
	must(t, st, http.StatusOK, body)
	contains(t, body, "답변을 보냈습니다", "답변 완료", "네, 무료로 포장해 드립니다.")
	mails, err := e.outbox.List(ctx, 10, 0)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, m := range mails {
		found = found || (m.To == c.Email && strings.Contains(m.Subject, "상품 문의에 답변을 드렸습니다") && strings.Contains(m.Text, "무료로 포장"))
	}
	if !found {
		t.Fatalf("no answer mail in the outbox: %+v", mails)
	}
	if n := e.auditCount(t, "question.answered"); n != 1 {
		t.Errorf("%d audit entries of the answer, want 1", n)
	}
	st, body = b.get(bo + "/questions")
	must(t, st, http.StatusOK, body)
	contains(t, body, "답변 대기 0건", "답변을 기다리는 상품 문의가 없습니다.")
	st, body = b.get(bo + "/questions?all=1")
	contains(t, body, "선물 포장이 되나요?", "답변 완료")

	e.user(t, "orders@example.com", account.Staff, account.PermOrders, account.PermCatalog)
	o, _ := e.staffIn("orders@example.com")
	for _, tt := range []struct{ method, path string }{{"GET", bo + "/questions"}, {"GET", page}, {"POST", page + "/answer"}} {
		if tt.method == "GET" {
			st, body = o.get(tt.path)
		} else {
			st, body = o.post(tt.path, url.Values{"answer": {"x"}})
		}
		must(t, st, http.StatusForbidden, body)
	}
	if n := e.auditCount(t, "question.answered") + e.auditCount(t, "question.answer_edited"); n != 1 {
		t.Errorf("a refused answer was recorded: %d entries", n)
	}
	st, body = o.get(bo + "/")
	must(t, st, http.StatusOK, body)
	lacks(t, body, bo+"/questions")
}
