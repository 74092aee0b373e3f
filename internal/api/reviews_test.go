package api_test

import (
	"bytes"
	"image"
	"image/png"
	"net/http"
	"strconv"
	"testing"

	"github.com/mallang/mallang/internal/account"
	"github.com/mallang/mallang/internal/api"
)

// A customer lists what they may review, reviews a delivered line with a
// photo through the API and earns the photo points; a second review of
// the line is 409, a bad one 422 naming each field, and another's line
// 404. The product's public reviews show it with the average.
func TestReviewsAPI(t *testing.T) {
	t.Parallel()
	f := newShop(t)
	tok, uid := f.customer(t, "review@example.com")
	other, _ := f.customer(t, "other@example.com")
	wantProblem(t, f.do(t, req{method: "GET", path: "/api/v1/me/reviews"}), http.StatusUnauthorized)
	q := f.d.Write()
	insert := func(query string, args ...any) int64 {
		t.Helper()
		var id int64
		if err := q.GetContext(t.Context(), &id, q.Rebind(query), args...); err != nil {
			t.Fatal(err)
		}
		return id
	}
	cat := insert(`INSERT INTO categories (slug, name) VALUES ('tea', '차') RETURNING id`)
	product := insert(`INSERT INTO products (seller_id, category_id, name) VALUES (1, ?, '말랑 녹차') RETURNING id`, cat)
	o := insert(`INSERT INTO orders (number, user_id, status, channel, idempotency_key, payment_method, subtotal_minor, total_minor, breakdown)
		VALUES ('20261201-REVIEWAP', ?, 'delivered', 'api', 'k1', 'card', 1000, 1000, '{}') RETURNING id`, uid)
	line := insert(`INSERT INTO order_lines (order_id, variant_id, product_id, seller_id, name, unit_price_minor, quantity, line_total_minor, status)
		VALUES (?, 1, ?, 1, '말랑 녹차', 1000, 1, 1000, 'delivered') RETURNING id`, o, product)

	lines := decode[[]api.ReviewLine](t, f.do(t, req{method: "GET", path: "/api/v1/me/reviews/to-write", token: tok}), http.StatusOK)
	if len(lines) != 1 || lines[0].LineID != line || lines[0].OrderNumber != "20261201-REVIEWAP" {
		t.Fatalf("to write: %+v", lines)
	}
	var photo bytes.Buffer
	if err := png.Encode(&photo, image.NewGray(image.Rect(0, 0, 4, 4))); err != nil {
		t.Fatal(err)
	}
	type body struct {
		LineID int64    `json:"line_id"`
		Rating int      `json:"rating"`
		Body   string   `json:"body"`
		Photos [][]byte `json:"photos,omitempty"`
	}
	wantProblem(t, f.do(t, req{method: "POST", path: "/api/v1/me/reviews", token: tok, body: body{LineID: line, Rating: 0, Body: "짧음",
		Photos: [][]byte{[]byte("no image")}}}), http.StatusUnprocessableEntity, "body.rating", "body.body", "body.photos")
	wantProblem(t, f.do(t, req{method: "POST", path: "/api/v1/me/reviews", token: other, body: body{LineID: line, Rating: 5,
		Body: "남의 주문인데 리뷰를 써 봅니다."}}), http.StatusNotFound)
	r := decode[api.Review](t, f.do(t, req{method: "POST", path: "/api/v1/me/reviews", token: tok, body: body{LineID: line, Rating: 5,
		Body: "향이 좋고 맛이 깔끔해요.", Photos: [][]byte{photo.Bytes()}}}), http.StatusCreated)
	if r.Points != 500 || len(r.Photos) != 1 || r.Author != "김**" || r.Rating != 5 {
		t.Fatalf("created: %+v", r)
	}
	wantProblem(t, f.do(t, req{method: "POST", path: "/api/v1/me/reviews", token: tok, body: body{LineID: line, Rating: 4,
		Body: "한 번 더 써 봅니다. 두 번째."}}), http.StatusConflict)

	mine := decode[[]api.Review](t, f.do(t, req{method: "GET", path: "/api/v1/me/reviews", token: tok}), http.StatusOK)
	if len(mine) != 1 || mine[0].ID != r.ID {
		t.Fatalf("mine: %+v", mine)
	}
	pg := decode[api.ReviewPage](t, f.do(t, req{method: "GET", path: "/api/v1/products/" + strconv.FormatInt(product, 10) + "/reviews?sort=likes"}), http.StatusOK)
	if pg.Count != 1 || pg.Rating != 500 || len(pg.Reviews) != 1 || pg.Reviews[0].ID != r.ID {
		t.Fatalf("the product's reviews: %+v", pg)
	}
	wantProblem(t, f.do(t, req{method: "GET", path: "/api/v1/products/1/reviews?sort=oldest"}), http.StatusUnprocessableEntity, "query.sort")
	wantProblem(t, f.do(t, req{method: "GET", path: "/api/v1/products/99999/reviews"}), http.StatusNotFound)

	// Staff with the content scope hide the review and show it again; the
	// product's figures follow and each change is audited.
	_, sid := f.customer(t, "content@example.com")
	staff := f.staffToken(t, f.makeStaff(t, sid, account.Staff, account.PermContent)).AccessToken
	_, oid := f.customer(t, "orders@example.com")
	orders := f.staffToken(t, f.makeStaff(t, oid, account.Staff, account.PermOrders)).AccessToken
	id := strconv.FormatInt(r.ID, 10)
	wantProblem(t, f.do(t, req{method: "POST", path: "/api/v1/admin/reviews/" + id + "/hide", token: orders, body: map[string]string{"reason": "광고"}}), http.StatusForbidden)
	wantProblem(t, f.do(t, req{method: "POST", path: "/api/v1/admin/reviews/" + id + "/show", token: staff}), http.StatusConflict)
	wantProblem(t, f.do(t, req{method: "POST", path: "/api/v1/admin/reviews/" + id + "/hide", token: staff, body: map[string]string{"reason": " "}}),
		http.StatusUnprocessableEntity, "body.reason")
	hidden := decode[api.Review](t, f.do(t, req{method: "POST", path: "/api/v1/admin/reviews/" + id + "/hide", token: staff,
		body: map[string]string{"reason": "광고성 내용"}}), http.StatusOK)
	if !hidden.Hidden || hidden.Reason != "광고성 내용" {
		t.Fatalf("hidden: %+v", hidden)
	}
	shown := decode[api.Review](t, f.do(t, req{method: "POST", path: "/api/v1/admin/reviews/" + id + "/show", token: staff}), http.StatusOK)
	if shown.Hidden || shown.Reason != "" {
		t.Fatalf("shown: %+v", shown)
	}
	wantProblem(t, f.do(t, req{method: "POST", path: "/api/v1/admin/reviews/99999/show", token: staff}), http.StatusNotFound)
	pg = decode[api.ReviewPage](t, f.do(t, req{method: "GET", path: "/api/v1/products/" + strconv.FormatInt(product, 10) + "/reviews"}), http.StatusOK)
	if pg.Count != 1 || len(pg.Reviews) != 1 {
		t.Fatalf("the product's reviews after showing: %+v", pg)
	}
	for _, action := range []string{"review.hidden", "review.shown"} {
		var n int
		if err := f.d.Read().GetContext(t.Context(), &n, f.d.Read().Rebind(`SELECT COUNT(*) FROM audit_log WHERE action = ? AND actor_id = ?`), action, sid); err != nil || n != 1 {
			t.Fatalf("%d %s entries (%v)", n, action, err)
		}
	}
}
