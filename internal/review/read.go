package review

import (
	"context"
	"fmt"
	"time"

	"github.com/mallang/mallang/internal/db"
	"github.com/mallang/mallang/internal/fault"
)

// reviewColumns are the columns of a Review, of reviews r with its line l
// and author u.
const reviewColumns = `r.id, r.line_id, r.order_id, r.product_id, r.user_id, u.name AS author, l.name AS product_name,
	l.options, r.rating, r.body, r.points, r.likes, r.hidden_at, r.hidden_reason, r.created_at
	FROM reviews r JOIN order_lines l ON l.id = r.line_id JOIN users u ON u.id = r.user_id`

type fullRow struct {
	ID           int64    `db:"id"`
	LineID       int64    `db:"line_id"`
	OrderID      int64    `db:"order_id"`
	ProductID    int64    `db:"product_id"`
	UserID       int64    `db:"user_id"`
	Author       string   `db:"author"`
	ProductName  string   `db:"product_name"`
	Options      string   `db:"options"`
	Rating       int      `db:"rating"`
	Body         string   `db:"body"`
	Points       int64    `db:"points"`
	Likes        int64    `db:"likes"`
	HiddenAt     *db.Time `db:"hidden_at"`
	HiddenReason string   `db:"hidden_reason"`
	CreatedAt    db.Time  `db:"created_at"`
}

func (r fullRow) review() Review {
	out := Review{ID: r.ID, LineID: r.LineID, OrderID: r.OrderID, ProductID: r.ProductID, UserID: r.UserID,
		Author: mask(r.Author), ProductName: r.ProductName, Options: r.Options, Rating: r.Rating, Body: r.Body,
		Points: r.Points, Likes: r.Likes, HiddenReason: r.HiddenReason, CreatedAt: time.Time(r.CreatedAt).UTC()}
	if r.HiddenAt != nil {
		out.Hidden, out.HiddenAt = true, time.Time(*r.HiddenAt).UTC()
	}
	return out
}

// load reads the reviews where (with args) selects, in order, with their
// photos, and marks those viewer (0: nobody) likes.
func (s *Service) load(ctx context.Context, viewer int64, where, order string, args ...any) ([]Review, error) {
	q := s.d.Read()
	var rows []fullRow
	if err := q.SelectContext(ctx, &rows, q.Rebind(`SELECT `+reviewColumns+` WHERE `+where+` ORDER BY `+order), args...); err != nil {
		return nil, fmt.Errorf("read reviews: %w", err)
	}
	out := make([]Review, len(rows))
	if len(rows) == 0 {
		return out, nil
	}
	ids := make([]int64, len(rows))
	at := map[int64]int{}
	for i, r := range rows {
		out[i], ids[i], at[r.ID] = r.review(), r.ID, i
	}
	var photos []struct {
		ReviewID    int64  `db:"review_id"`
		Key         string `db:"media_key"`
		ContentType string `db:"content_type"`
		ThumbsReady bool   `db:"thumbs_ready"`
	}
	if err := q.SelectContext(ctx, &photos, q.Rebind(`SELECT review_id, media_key, content_type, thumbs_ready FROM review_photos
		WHERE review_id IN (`+db.Placeholders(len(ids))+`) ORDER BY review_id, position`), db.Args(ids)...); err != nil {
		return nil, fmt.Errorf("read review photos: %w", err)
	}
	for _, p := range photos {
		r := &out[at[p.ReviewID]]
		r.Photos = append(r.Photos, Photo{Key: p.Key, ContentType: p.ContentType, ThumbsReady: p.ThumbsReady})
	}
	if viewer > 0 {
		var liked []int64
		if err := q.SelectContext(ctx, &liked, q.Rebind(`SELECT review_id FROM review_likes WHERE user_id = ?
			AND review_id IN (`+db.Placeholders(len(ids))+`)`), append([]any{viewer}, db.Args(ids)...)...); err != nil {
			return nil, fmt.Errorf("read review likes: %w", err)
		}
		for _, id := range liked {
			out[at[id]].Liked = true
		}
	}
	return out, nil
}

// Get returns review id, hidden or not; fault.ErrNotFound when none.
func (s *Service) Get(ctx context.Context, id int64) (Review, error) {
	rs, err := s.load(ctx, 0, "r.id = ?", "r.id", id)
	if err != nil {
		return Review{}, err
	}
	if len(rs) == 0 {
		return Review{}, fmt.Errorf("review %d: %w", id, fault.ErrNotFound)
	}
	return rs[0], nil
}

// Summary returns the review figures of product id as its row keeps them;
// fault.ErrNotFound when no product has that id (or it is deleted).
func (s *Service) Summary(ctx context.Context, productID int64) (Summary, error) {
	q := s.d.Read()
	var sum Summary
	err := q.QueryRowxContext(ctx, q.Rebind(`SELECT review_count, rating_avg FROM products WHERE id = ? AND deleted_at IS NULL`),
		productID).Scan(&sum.Count, &sum.Average)
	if err != nil {
		return Summary{}, fmt.Errorf("review figures of product %d: %w", productID, noRows(err))
	}
	return sum, nil
}

// ForProduct returns page page (from 1; past the last gives the last) of
// product id's visible reviews in order sort, each marked when viewer
// likes it; fault.ErrNotFound for an unknown product.
func (s *Service) ForProduct(ctx context.Context, productID int64, sort Sort, page int, viewer int64) (Page, error) {
	sum, err := s.Summary(ctx, productID)
	if err != nil {
		return Page{}, err
	}
	return s.PageOf(ctx, productID, sum, sort, page, viewer)
}

// PageOf is ForProduct for a caller that has just read the product's
// review figures (the product page has them in the product's row): it
// reads the page only, and does not look for the product.
func (s *Service) PageOf(ctx context.Context, productID int64, sum Summary, sort Sort, page int, viewer int64) (Page, error) {
	var err error
	pages := max(1, int((sum.Count+PerPage-1)/PerPage))
	page = min(max(page, 1), pages)
	p := Page{Summary: sum, Page: page, Pages: pages, Sort: ParseSort(string(sort))}
	a := db.OpaqueArg(s.d.Read())
	p.Reviews, err = s.load(ctx, viewer, "r.product_id = "+a+" AND r.hidden_at IS NULL", p.Sort.orderBy()+" LIMIT "+a+" OFFSET "+a,
		productID, PerPage, (page-1)*PerPage)
	if err != nil {
		return Page{}, fmt.Errorf("reviews of product %d: %w", productID, err)
	}
	return p, nil
}

// Mine returns customer userID's reviews, newest first, hidden ones too
// (with the staff's reason).
func (s *Service) Mine(ctx context.Context, userID int64) ([]Review, error) {
	return s.load(ctx, 0, "r.user_id = ?", "r.id DESC LIMIT ?", userID, MaxList)
}

// List returns reviews for staff, newest first: the visible ones, or the
// hidden ones with f.Hidden.
func (s *Service) List(ctx context.Context, f Filter) ([]Review, error) {
	if f.Limit <= 0 || f.Limit > MaxList {
		f.Limit = MaxList
	}
	where := "r.hidden_at IS NULL"
	if f.Hidden {
		where = "r.hidden_at IS NOT NULL"
	}
	return s.load(ctx, 0, where, "r.id DESC LIMIT ?", f.Limit)
}

// lineColumns are the columns of a Line: order lines l of orders o, with the
// time the order was delivered.
const lineColumns = `l.id, l.order_id, o.number, l.product_id, l.name, l.options,
	(SELECT MAX(h.created_at) FROM order_history h WHERE h.order_id = o.id AND h.to_status = 'delivered') AS delivered_at
	FROM order_lines l JOIN orders o ON o.id = l.order_id`

type lineOut struct {
	ID          int64    `db:"id"`
	OrderID     int64    `db:"order_id"`
	Number      string   `db:"number"`
	ProductID   int64    `db:"product_id"`
	Name        string   `db:"name"`
	Options     string   `db:"options"`
	DeliveredAt *db.Time `db:"delivered_at"`
}

func (l lineOut) line() Line {
	out := Line{ID: l.ID, OrderID: l.OrderID, Number: l.Number, ProductID: l.ProductID, ProductName: l.Name, Options: l.Options}
	if l.DeliveredAt != nil {
		out.DeliveredAt = time.Time(*l.DeliveredAt).UTC()
	}
	return out
}

// toWrite is the condition on lines l of orders o that a customer may
// review and has not.
const toWrite = `l.status IN ('delivered', 'completed') AND l.gift = FALSE
	AND NOT EXISTS (SELECT 1 FROM reviews r WHERE r.line_id = l.id)`

// ToWrite returns customer userID's lines delivered or confirmed and not
// yet reviewed, newest order first.
func (s *Service) ToWrite(ctx context.Context, userID int64) ([]Line, error) {
	q := s.d.Read()
	var rows []lineOut
	if err := q.SelectContext(ctx, &rows, q.Rebind(`SELECT `+lineColumns+` WHERE o.user_id = ? AND `+toWrite+`
		ORDER BY o.id DESC, l.id LIMIT ?`), userID, MaxList); err != nil {
		return nil, fmt.Errorf("lines user %d may review: %w", userID, err)
	}
	out := make([]Line, len(rows))
	for i, r := range rows {
		out[i] = r.line()
	}
	return out, nil
}

// Line returns customer userID's line id if they may review it now:
// fault.ErrNotFound for another's line, ErrNotDelivered or ErrReviewed.
func (s *Service) Line(ctx context.Context, userID, id int64) (Line, error) {
	l, err := eligibleLine(ctx, s.d.Read(), userID, id)
	switch {
	case err != nil:
		return Line{}, fmt.Errorf("line %d: %w", id, err)
	case !l.delivered():
		return Line{}, fmt.Errorf("line %d: %w", id, ErrNotDelivered)
	case l.Reviewed:
		return Line{}, fmt.Errorf("line %d: %w", id, ErrReviewed)
	}
	return Line{ID: l.ID, OrderID: l.OrderID, Number: l.Number, ProductID: l.ProductID, ProductName: l.Name, Options: l.Options}, nil
}
