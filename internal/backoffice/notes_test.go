package backoffice_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/mallang/mallang/internal/account"
)

// Staff leave internal notes on an order: a note goes back to the order's
// page (a refresh adds nothing), shows with its author, and an empty one
// is refused on the field; the customer's own order page never shows them.
func TestOrderNotes(t *testing.T) {
	t.Parallel()
	s := newPayEnv(t)
	s.user(t, "orders@example.com", account.Staff, account.PermOrders)
	o := s.place(t, "card", 12000, 1)
	b, _ := s.staffIn("orders@example.com")

	st, body := b.get(orderURL(o))
	must(t, st, http.StatusOK, body)
	contains(t, body, `data-testid="notes"`, "내부 메모", `data-testid="no-notes"`, `action="`+orderURL(o)+`/notes"`)

	st, body = b.post(orderURL(o)+"/notes", url.Values{"body": {"  "}})
	must(t, st, http.StatusUnprocessableEntity, body)
	contains(t, body, `data-testid="error-note"`, "필수 항목입니다")

	st, body = b.post(orderURL(o)+"/notes", url.Values{"body": {"고객이 전화로 문 앞 배송 요청\n<b>경비실</b> 말고"}})
	must(t, st, http.StatusOK, body)
	if got := b.last.Request.URL; got.Path != orderURL(o) || got.Query().Get("note") != "added" {
		t.Fatalf("after the note the browser is at %s, want the order's page", got)
	}
	contains(t, body, "메모를 남겼습니다", `data-testid="note"`, "orders@example.com",
		"고객이 전화로 문 앞 배송 요청\n&lt;b&gt;경비실&lt;/b&gt; 말고")
	if strings.Count(body, `data-testid="note"`) != 1 {
		t.Fatalf("notes on the page:\n%s", body)
	}
	notes, err := s.shop.Orders().Notes(t.Context(), o.ID)
	if err != nil || len(notes) != 1 {
		t.Fatalf("notes = %+v, %v", notes, err)
	}
	s.auditOf(t, "order.note_added", 1)
}
