package backoffice_test

import (
	"net/http"
	"net/url"
	"strconv"
	"testing"

	"github.com/mallang/mallang/internal/account"
	"github.com/mallang/mallang/internal/review"
)

// Staff with the content permission find a customer's review, are told
// on the field when the reason is missing, and hide it with a reason: it
// leaves the visible list and the product's figures, the author is mailed
// the reason, and the hiding is audited with the staff member.
func TestHideReview(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := t.Context()
	cust := e.user(t, "buyer@example.com", account.Customer)
	q := e.d.Write()
	insert := func(query string, args ...any) int64 {
		t.Helper()
		var id int64
		if err := q.GetContext(ctx, &id, q.Rebind(query), args...); err != nil {
			t.Fatal(err)
		}
		return id
	}
	cat := insert(`INSERT INTO categories (slug, name) VALUES ('tea', '차') RETURNING id`)
	product := insert(`INSERT INTO products (seller_id, category_id, name) VALUES (1, ?, '말랑 녹차') RETURNING id`, cat)
	o := insert(`INSERT INTO orders (number, user_id, status, channel, idempotency_key, payment_method, subtotal_minor, total_minor, breakdown)
		VALUES ('20261201-REVIEW01', ?, 'delivered', 'pc_web', 'k1', 'card', 1000, 1000, '{}') RETURNING id`, cust.ID)
	line := insert(`INSERT INTO order_lines (order_id, variant_id, product_id, seller_id, name, unit_price_minor, quantity, line_total_minor, status)
		VALUES (?, 1, ?, 1, '말랑 녹차', 1000, 1, 1000, 'delivered') RETURNING id`, o, product)
	rv, err := e.shop.Reviews().Create(ctx, review.CreateInput{UserID: cust.ID, LineID: line, Rating: 2, Body: "향이 너무 약해요. 실망입니다."})
	if err != nil {
		t.Fatal(err)
	}
	e.user(t, "content@example.com", account.Staff, account.PermContent)
	b, _ := e.staffIn("content@example.com")
	st, body := b.get(bo + "/reviews")
	must(t, st, http.StatusOK, body)
	contains(t, body, `data-testid="review-row"`, "말랑 녹차", "향이 너무 약해요", "2점", `href="`+bo+`/reviews"`)

	hide := bo + "/reviews/" + strconv.FormatInt(rv.ID, 10) + "/hide"
	st, body = b.post(hide, url.Values{"reason": {" "}})
	must(t, st, http.StatusUnprocessableEntity, body)
	contains(t, body, `data-testid="error-reason"`, "필수 항목입니다")

	st, body = b.post(hide, url.Values{"reason": {"광고성 내용"}})
	must(t, st, http.StatusOK, body)
	contains(t, body, "리뷰를 숨기고 작성자에게 메일로 알렸습니다.", `data-testid="no-reviews"`)
	st, body = b.get(bo + "/reviews?show=hidden")
	must(t, st, http.StatusOK, body)
	contains(t, body, "향이 너무 약해요", "광고성 내용")
	st, body = b.post(hide, url.Values{"reason": {"또"}})
	must(t, st, http.StatusConflict, body)
	contains(t, body, "이미 숨겨진 리뷰입니다.")

	sum, err := e.shop.Reviews().Summary(ctx, product)
	if err != nil || sum != (review.Summary{}) {
		t.Fatalf("the product's figures after hiding: %+v, %v", sum, err)
	}
	var mails int
	if err := e.d.Read().GetContext(ctx, &mails, e.d.Read().Rebind(`SELECT COUNT(*) FROM outbox WHERE to_address = ? AND text_body LIKE ?`),
		"buyer@example.com", "%광고성 내용%"); err != nil || mails != 1 {
		t.Fatalf("%d mails to the author (%v)", mails, err)
	}
	entries := e.auditEntries(t, "review.hidden", 1)
	if entries[0].ActorEmail != "content@example.com" {
		t.Fatalf("audited as %q", entries[0].ActorEmail)
	}

	// The hidden list offers the button that shows the review again.
	show := bo + "/reviews/" + strconv.FormatInt(rv.ID, 10) + "/show"
	st, body = b.get(bo + "/reviews?show=hidden")
	must(t, st, http.StatusOK, body)
	contains(t, body, `data-testid="show-review"`, `action="`+show+`"`, "다시 공개")
	e.user(t, "orders@example.com", account.Staff, account.PermOrders)
	other, _ := e.staffIn("orders@example.com")
	st, body = other.post(show, nil)
	must(t, st, http.StatusForbidden, body)

	st, body = b.post(show, nil)
	must(t, st, http.StatusOK, body)
	contains(t, body, "리뷰를 다시 공개했습니다.", `data-testid="no-reviews"`)
	st, body = b.post(show, nil)
	must(t, st, http.StatusConflict, body)
	contains(t, body, "이미 공개된 리뷰입니다.")
	if sum, err := e.shop.Reviews().Summary(ctx, product); err != nil || sum.Count != 1 {
		t.Fatalf("the product's figures after showing: %+v, %v", sum, err)
	}
	if entries := e.auditEntries(t, "review.shown", 1); entries[0].ActorEmail != "content@example.com" {
		t.Fatalf("shown audited as %q", entries[0].ActorEmail)
	}
}
