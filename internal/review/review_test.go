package review_test

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/color"
	"image/png"
	"io"
	"log/slog"
	"reflect"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/mallang/mallang/internal/audit"
	"github.com/mallang/mallang/internal/audit/audittest"
	"github.com/mallang/mallang/internal/db"
	"github.com/mallang/mallang/internal/db/dbtest"
	"github.com/mallang/mallang/internal/fake"
	"github.com/mallang/mallang/internal/fault"
	"github.com/mallang/mallang/internal/notify/notifytest"
	"github.com/mallang/mallang/internal/points"
	"github.com/mallang/mallang/internal/review"
)

type fixture struct {
	d      *db.DB
	clock  *fake.Clock
	points *points.Service
	rules  review.Rules
	media  *store
	thumbs *thumbs
	s      *review.Service
	prod   int64
	n      int
}

// store is a media bucket in memory.
type store struct {
	mu   sync.Mutex
	puts map[string]string
}

func (s *store) Put(_ context.Context, key, contentType string, r io.Reader) error {
	if _, err := io.ReadAll(r); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.puts[key] = contentType
	return nil
}

// thumbs records the keys whose thumbnails were asked for.
type thumbs struct {
	mu   sync.Mutex
	keys []string
}

func (t *thumbs) EnqueueKeyThumbnails(_ context.Context, _ db.Querier, key string) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.keys = append(t.keys, key)
	return nil
}

// contacts reads a customer's address and name from the users table.
type contacts struct{}

func (contacts) Contact(ctx context.Context, q db.Querier, id int64) (string, string, error) {
	var u struct {
		Email string `db:"email"`
		Name  string `db:"name"`
	}
	err := q.GetContext(ctx, &u, q.Rebind(`SELECT email, name FROM users WHERE id = ?`), id)
	return u.Email, u.Name, err
}

func setup(t *testing.T) *fixture {
	t.Helper()
	f := &fixture{d: dbtest.New(t), clock: fake.NewClock(time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)),
		rules: review.Rules{TextPoints: 100, PhotoPoints: 500, RequestAfterDays: 3},
		media: &store{puts: map[string]string{}}, thumbs: &thumbs{}}
	f.points = points.New(f.d, f.clock.Now)
	f.s = review.New(f.d, review.Deps{Points: f.points, Media: f.media, Thumbs: f.thumbs, Audit: audit.New(f.d, f.clock.Now),
		Mailer: notifytest.Outbox(f.d, f.clock.Now), Customers: contacts{}},
		func(context.Context) review.Rules { return f.rules }, f.clock.Now, slog.New(slog.DiscardHandler), "https://shop.example")
	f.exec(t, `INSERT INTO categories (slug, name) VALUES ('food', '식품')`)
	f.prod = f.insert(t, `INSERT INTO products (seller_id, category_id, name) VALUES (1, (SELECT id FROM categories WHERE slug = 'food'), '말랑 초콜릿') RETURNING id`)
	return f
}

func (f *fixture) exec(t *testing.T, query string, args ...any) {
	t.Helper()
	if _, err := f.d.Write().ExecContext(t.Context(), f.d.Write().Rebind(query), args...); err != nil {
		t.Fatal(err)
	}
}

func (f *fixture) insert(t *testing.T, query string, args ...any) int64 {
	t.Helper()
	var id int64
	if err := f.d.Write().GetContext(t.Context(), &id, f.d.Write().Rebind(query), args...); err != nil {
		t.Fatal(err)
	}
	return id
}

func (f *fixture) user(t *testing.T, name string) int64 {
	t.Helper()
	f.n++
	return f.insert(t, `INSERT INTO users (email, name, role, active) VALUES (?, ?, 'customer', TRUE) RETURNING id`,
		"c"+strconv.Itoa(f.n)+"@example.com", name)
}

// line gives userID an order of the product with one line in status.
func (f *fixture) line(t *testing.T, userID int64, status string) int64 {
	t.Helper()
	f.n++
	oid := f.insert(t, `INSERT INTO orders (number, user_id, status, channel, idempotency_key, payment_method, subtotal_minor, total_minor, breakdown)
		VALUES (?, ?, ?, 'pc_web', ?, 'card', 1000, 1000, '{}') RETURNING id`, "N"+strconv.Itoa(f.n), userID, status, "k"+strconv.Itoa(f.n))
	return f.insert(t, `INSERT INTO order_lines (order_id, variant_id, product_id, seller_id, name, unit_price_minor, quantity, line_total_minor, status)
		VALUES (?, 1, ?, 1, '말랑 초콜릿', 1000, 1, 1000, ?) RETURNING id`, oid, f.prod, status)
}

func (f *fixture) balance(t *testing.T, uid int64) int64 {
	t.Helper()
	b, err := f.points.Balance(t.Context(), uid)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func (f *fixture) summary(t *testing.T) review.Summary {
	t.Helper()
	s, err := f.s.Summary(t.Context(), f.prod)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func pngPhoto(t *testing.T) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 4, 4))
	img.Set(1, 1, color.RGBA{R: 200, A: 255})
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

const body = "달콤하고 맛있어요. 또 살게요!"

// TestWhoMayReview: only the customer's own delivered or confirmed line
// may be reviewed, once; bad input is refused field by field and leaves
// nothing behind.
func TestWhoMayReview(t *testing.T) {
	t.Parallel()
	f := setup(t)
	kim, lee := f.user(t, "김말랑"), f.user(t, "이말랑")
	delivered, completed := f.line(t, kim, "delivered"), f.line(t, kim, "completed")
	shipped, paid := f.line(t, kim, "shipped"), f.line(t, kim, "paid")
	refunded := f.line(t, kim, "refunded")
	tests := []struct {
		name   string
		in     review.CreateInput
		want   error
		fields []string
	}{
		{"delivered", review.CreateInput{UserID: kim, LineID: delivered, Rating: 5, Body: body}, nil, nil},
		{"twice", review.CreateInput{UserID: kim, LineID: delivered, Rating: 4, Body: body}, review.ErrReviewed, nil},
		{"confirmed", review.CreateInput{UserID: kim, LineID: completed, Rating: 3, Body: body}, nil, nil},
		{"shipped, not delivered", review.CreateInput{UserID: kim, LineID: shipped, Rating: 5, Body: body}, review.ErrNotDelivered, nil},
		{"paid", review.CreateInput{UserID: kim, LineID: paid, Rating: 5, Body: body}, review.ErrNotDelivered, nil},
		{"refunded", review.CreateInput{UserID: kim, LineID: refunded, Rating: 5, Body: body}, review.ErrNotDelivered, nil},
		{"another's line", review.CreateInput{UserID: lee, LineID: completed, Rating: 5, Body: body}, fault.ErrNotFound, nil},
		{"no such line", review.CreateInput{UserID: kim, LineID: 99999, Rating: 5, Body: body}, fault.ErrNotFound, nil},
		{"bad input", review.CreateInput{UserID: kim, LineID: shipped, Rating: 6, Body: "짧아요",
			Photos: []review.Upload{{Data: []byte("not an image")}}}, nil, []string{"rating", "body", "photos"}},
		{"too many photos", review.CreateInput{UserID: kim, LineID: shipped, Rating: 0, Body: body,
			Photos: make([]review.Upload, review.MaxPhotos+1)}, nil, []string{"rating", "photos"}},
	}
	for _, tt := range tests {
		_, err := f.s.Create(t.Context(), tt.in)
		if tt.fields != nil {
			inv, ok := fault.AsInvalid(err)
			if !ok {
				t.Fatalf("%s: err = %v, want invalid", tt.name, err)
			}
			for _, k := range tt.fields {
				if inv.Fields[k] == "" {
					t.Errorf("%s: no message for %s in %v", tt.name, k, inv.Fields)
				}
			}
			continue
		}
		if !errors.Is(err, tt.want) || (tt.want == nil && err != nil) {
			t.Fatalf("%s: err = %v, want %v", tt.name, err, tt.want)
		}
	}
	if got := f.summary(t); got != (review.Summary{Count: 2, Average: 400}) {
		t.Fatalf("summary = %+v, want 2 reviews averaging 4.00", got)
	}
	if got := f.balance(t, kim); got != 200 {
		t.Fatalf("balance = %d, want 200 for two text reviews", got)
	}
	if n := len(audittest.Entries(t, f.d, "review.created")); n != 2 {
		t.Fatalf("%d review.created entries, want 2", n)
	}
	// What is left to write is what is delivered and not reviewed: none.
	lines, err := f.s.ToWrite(t.Context(), kim)
	if err != nil || len(lines) != 0 {
		t.Fatalf("to write = %v, %v; want none", lines, err)
	}
}

// TestPointsOnceUnderRace: many requests for one line at once make one
// review and credit its photo points once.
func TestPointsOnceUnderRace(t *testing.T) {
	t.Parallel()
	f := setup(t)
	kim := f.user(t, "김말랑")
	line := f.line(t, kim, "delivered")
	const n = 12
	var wg sync.WaitGroup
	errs := make([]error, n)
	photo := pngPhoto(t)
	for i := range n {
		wg.Go(func() {
			_, errs[i] = f.s.Create(context.Background(), review.CreateInput{UserID: kim, LineID: line, Rating: 5, Body: body,
				Photos: []review.Upload{{Data: photo}}})
		})
	}
	wg.Wait()
	won := 0
	for _, err := range errs {
		switch {
		case err == nil:
			won++
		case !errors.Is(err, review.ErrReviewed):
			t.Fatalf("a racing review: %v", err)
		}
	}
	if won != 1 {
		t.Fatalf("%d reviews written, want 1", won)
	}
	if got := f.balance(t, kim); got != 500 {
		t.Fatalf("balance = %d, want the photo points once (500)", got)
	}
	if got := f.summary(t); got != (review.Summary{Count: 1, Average: 500}) {
		t.Fatalf("summary = %+v", got)
	}
	mine, err := f.s.Mine(t.Context(), kim)
	if err != nil || len(mine) != 1 || len(mine[0].Photos) != 1 || mine[0].Points != 500 || mine[0].Author != "김**" {
		t.Fatalf("mine = %+v, %v", mine, err)
	}
	if len(f.media.puts) != 1 || len(f.thumbs.keys) == 0 || f.thumbs.keys[0] != mine[0].Photos[0].Key {
		t.Fatalf("stored %v, thumbnails asked for %v", f.media.puts, f.thumbs.keys)
	}
	if err := f.s.SetThumbsReady(t.Context(), mine[0].Photos[0].Key); err != nil {
		t.Fatal(err)
	}
	r, err := f.s.Get(t.Context(), mine[0].ID)
	if err != nil || !r.Photos[0].ThumbsReady {
		t.Fatalf("after the thumbnails: %+v, %v", r, err)
	}
}

// TestHideAndDelete: a hidden review leaves its product and average and
// its author is mailed; the author cannot delete a review that earned
// points, and can delete one that did not, which leaves the figures too.
func TestHideAndDelete(t *testing.T) {
	t.Parallel()
	f := setup(t)
	kim, lee := f.user(t, "김말랑"), f.user(t, "이말랑")
	f.exec(t, `UPDATE users SET email = 'kim@example.com' WHERE id = ?`, kim)
	five, err := f.s.Create(t.Context(), review.CreateInput{UserID: kim, LineID: f.line(t, kim, "delivered"), Rating: 5, Body: body})
	if err != nil {
		t.Fatal(err)
	}
	f.rules.TextPoints = 0
	two, err := f.s.Create(t.Context(), review.CreateInput{UserID: lee, LineID: f.line(t, lee, "delivered"), Rating: 2, Body: body})
	if err != nil {
		t.Fatal(err)
	}
	if got := f.summary(t); got != (review.Summary{Count: 2, Average: 350}) {
		t.Fatalf("summary = %+v, want 2 at 3.50", got)
	}
	staff := audit.Actor{UserID: f.user(t, "직원"), Email: "staff@example.com"}
	steps := []struct {
		name    string
		do      func() error
		want    error
		summary review.Summary
	}{
		{"hide without a reason", func() error { _, err := f.s.Hide(t.Context(), five.ID, staff, " "); return err }, &fault.Invalid{}, review.Summary{Count: 2, Average: 350}},
		{"hide", func() error { _, err := f.s.Hide(t.Context(), five.ID, staff, "욕설이 있어요"); return err }, nil, review.Summary{Count: 1, Average: 200}},
		{"hide again", func() error { _, err := f.s.Hide(t.Context(), five.ID, staff, "욕설"); return err }, review.ErrHidden, review.Summary{Count: 1, Average: 200}},
		{"author deletes a review with points", func() error { return f.s.Delete(t.Context(), kim, five.ID) }, review.ErrEarned, review.Summary{Count: 1, Average: 200}},
		{"another deletes it", func() error { return f.s.Delete(t.Context(), kim, two.ID) }, fault.ErrNotFound, review.Summary{Count: 1, Average: 200}},
		{"author deletes one without points", func() error { return f.s.Delete(t.Context(), lee, two.ID) }, nil, review.Summary{}},
	}
	for _, st := range steps {
		err := st.do()
		var inv *fault.Invalid
		switch {
		case errors.As(st.want, &inv):
			if _, ok := fault.AsInvalid(err); !ok {
				t.Fatalf("%s: err = %v, want invalid", st.name, err)
			}
		case !errors.Is(err, st.want) || (st.want == nil && err != nil):
			t.Fatalf("%s: err = %v, want %v", st.name, err, st.want)
		}
		if got := f.summary(t); got != st.summary {
			t.Fatalf("%s: summary = %+v, want %+v", st.name, got, st.summary)
		}
	}
	page, err := f.s.ForProduct(t.Context(), f.prod, review.SortNewest, 1, 0)
	if err != nil || len(page.Reviews) != 0 {
		t.Fatalf("the product shows %+v, %v; want no review", page.Reviews, err)
	}
	if _, err := f.s.ForProduct(t.Context(), 99999, review.SortNewest, 1, 0); !errors.Is(err, fault.ErrNotFound) {
		t.Fatalf("reviews of no product: %v", err)
	}
	var mails int
	if err := f.d.Read().GetContext(t.Context(), &mails, f.d.Read().Rebind(`SELECT COUNT(*) FROM outbox WHERE to_address = 'kim@example.com'
		AND subject LIKE ? AND text_body LIKE ?`), "%숨김%", "%욕설이 있어요%"); err != nil || mails != 1 {
		t.Fatalf("%d mails to the author (%v), want 1", mails, err)
	}
	if n := len(audittest.Entries(t, f.d, "review.hidden")); n != 1 {
		t.Fatalf("%d review.hidden entries", n)
	}
	// The line is free again, and a new review earns no points twice.
	f.rules.TextPoints = 100
	lines, err := f.s.ToWrite(t.Context(), lee)
	if err != nil || len(lines) != 1 {
		t.Fatalf("to write = %v, %v", lines, err)
	}
}

// TestLikes: one like per customer, never one's own, counted on the
// review; the list sorted by likes puts it first.
func TestLikes(t *testing.T) {
	t.Parallel()
	f := setup(t)
	kim, lee, park := f.user(t, "김말랑"), f.user(t, "이말랑"), f.user(t, "박말랑")
	r1, err := f.s.Create(t.Context(), review.CreateInput{UserID: kim, LineID: f.line(t, kim, "delivered"), Rating: 3, Body: body})
	if err != nil {
		t.Fatal(err)
	}
	r2, err := f.s.Create(t.Context(), review.CreateInput{UserID: lee, LineID: f.line(t, lee, "delivered"), Rating: 4, Body: body})
	if err != nil {
		t.Fatal(err)
	}
	steps := []struct {
		name     string
		user, id int64
		want     error
	}{
		{"lee likes kim's", lee, r1.ID, nil},
		{"lee again", lee, r1.ID, review.ErrLiked},
		{"kim likes their own", kim, r1.ID, review.ErrOwn},
		{"park likes kim's", park, r1.ID, nil},
		{"no such review", park, 99999, fault.ErrNotFound},
	}
	for _, st := range steps {
		if err := f.s.Like(t.Context(), st.user, st.id); !errors.Is(err, st.want) || (st.want == nil && err != nil) {
			t.Fatalf("%s: err = %v, want %v", st.name, err, st.want)
		}
	}
	for _, tt := range []struct {
		sort  review.Sort
		first int64
	}{{review.SortNewest, r2.ID}, {review.SortLikes, r1.ID}, {review.SortRating, r2.ID}} {
		page, err := f.s.ForProduct(t.Context(), f.prod, tt.sort, 1, lee)
		if err != nil || len(page.Reviews) != 2 || page.Reviews[0].ID != tt.first {
			t.Fatalf("sorted by %s: %+v, %v", tt.sort, page.Reviews, err)
		}
		for _, r := range page.Reviews {
			if r.ID == r1.ID && (r.Likes != 2 || !r.Liked) {
				t.Fatalf("kim's review read for lee: likes %d, liked %v", r.Likes, r.Liked)
			}
		}
		// The product page passes the figures of the product's row.
		known, err := f.s.PageOf(t.Context(), f.prod, page.Summary, tt.sort, 1, lee)
		if err != nil || !reflect.DeepEqual(known, page) {
			t.Fatalf("sorted by %s with the figures known: %+v, %v; want %+v", tt.sort, known, err, page)
		}
	}
}

// TestReviewRequest: the request mail goes once per line, N days after
// delivery, never for a reviewed line, and not at all while the shop's
// setting is 0; a second run mails nothing.
func TestReviewRequest(t *testing.T) {
	t.Parallel()
	f := setup(t)
	kim := f.user(t, "김말랑")
	f.exec(t, `UPDATE users SET email = 'kim@example.com' WHERE id = ?`, kim)
	delivered := func(line int64, at time.Time) {
		t.Helper()
		f.exec(t, `INSERT INTO order_history (order_id, line_id, from_status, to_status, actor_kind, created_at)
			SELECT order_id, NULL, 'shipped', 'delivered', 'system', ? FROM order_lines WHERE id = ?`, at, line)
	}
	waiting, reviewed, twice := f.line(t, kim, "delivered"), f.line(t, kim, "completed"), f.line(t, kim, "delivered")
	start := f.clock.Now()
	delivered(waiting, start)
	delivered(reviewed, start)
	delivered(twice, start)
	delivered(twice, start.Add(time.Hour)) // delivered again after a refused return
	if _, err := f.s.Create(t.Context(), review.CreateInput{UserID: kim, LineID: reviewed, Rating: 5, Body: body}); err != nil {
		t.Fatal(err)
	}
	mails := func() int {
		t.Helper()
		var n int
		if err := f.d.Read().GetContext(t.Context(), &n, f.d.Read().Rebind(`SELECT COUNT(*) FROM outbox WHERE to_address = 'kim@example.com'
			AND subject LIKE ?`), "%리뷰를 남겨 주세요%"); err != nil {
			t.Fatal(err)
		}
		return n
	}
	steps := []struct {
		name    string
		advance time.Duration
		days    int
		sent    int64
		mails   int
	}{
		{"too early", 2 * 24 * time.Hour, 3, 0, 0},
		{"switched off", 2 * 24 * time.Hour, 0, 0, 0},
		{"due", 0, 3, 2, 2},
		{"again", time.Hour, 3, 0, 2},
		{"long after", 30 * 24 * time.Hour, 3, 0, 2},
	}
	for _, st := range steps {
		f.clock.Advance(st.advance)
		f.rules.RequestAfterDays = st.days
		n, err := f.s.Request(t.Context())
		if err != nil || n != st.sent || mails() != st.mails {
			t.Fatalf("%s: sent %d (%v), %d mails; want %d, %d", st.name, n, err, mails(), st.sent, st.mails)
		}
	}
}
