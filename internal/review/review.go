// Package review is the customers' product reviews: a customer whose order
// line was delivered (or confirmed) reviews it once, with a rating of 1 to
// 5, text and up to MaxPhotos photos, and earns the points the shop's
// settings give (more with photos), once per line. The product keeps the
// count and average of its visible reviews in its own row, changed in the
// review's transaction, so listings show and sort by them without reading
// the reviews. Other customers like a review once each; staff hide one
// with a reason, which takes it off the product and mails its author. See
// docs/decisions/0064-reviews.md.
package review

import (
	"fmt"
	"time"

	"github.com/mallang/mallang/internal/fault"
)

// Limits of a review.
const (
	MinBody      = 10      // characters of the text, at least
	MaxBody      = 2000    // characters of the text, at most
	MaxPhotos    = 5       // photos per review
	MaxPhotoSize = 5 << 20 // bytes per photo
	// MaxRequestBytes is the body limit of the routes that take a review
	// (web form, API JSON): MaxPhotos of MaxPhotoSize, base64 in JSON, and
	// the text.
	MaxRequestBytes = 36 << 20
	MaxReason       = 200 // characters of the staff's reason to hide one
	PerPage         = 10  // reviews on a page of a product's reviews
	MaxList         = 200 // reviews in a list of the customer's or the staff's
)

// PointsValidFor is how long points earned by a review stay spendable, as
// long as points earned by an order.
const PointsValidFor = 365 * 24 * time.Hour

// Errors a customer can meet; each wraps a fault kind.
var (
	// ErrNotDelivered: the line is not delivered or confirmed (yet, or
	// any more: cancelled, returned).
	ErrNotDelivered = fmt.Errorf("only a delivered item can be reviewed: %w", fault.ErrConflict)
	// ErrReviewed: the line has its review already (also when two
	// requests race: one wins).
	ErrReviewed = fmt.Errorf("the item is reviewed already: %w", fault.ErrConflict)
	// ErrEarned: the author cannot delete a review that earned points.
	ErrEarned = fmt.Errorf("a review that earned points cannot be deleted: %w", fault.ErrConflict)
	// ErrLiked: the customer likes the review already.
	ErrLiked = fmt.Errorf("the review is liked already: %w", fault.ErrConflict)
	// ErrOwn: a customer cannot like their own review.
	ErrOwn = fmt.Errorf("a customer cannot like their own review: %w", fault.ErrConflict)
	// ErrHidden: the review is hidden already.
	ErrHidden = fmt.Errorf("the review is hidden already: %w", fault.ErrConflict)
	// ErrShown: the review is not hidden.
	ErrShown = fmt.Errorf("the review is not hidden: %w", fault.ErrConflict)
)

// Rules are the shop's review policy (kept in its settings).
type Rules struct {
	// TextPoints are earned by a review without photos, PhotoPoints by
	// one with at least a photo (0: none).
	TextPoints  int64
	PhotoPoints int64
	// RequestAfterDays: the customer is asked by mail to review a line
	// this many days after its delivery (0: never).
	RequestAfterDays int
}

// Earned is what a review with photos photos earns under r.
func (r Rules) Earned(photos int) int64 {
	if photos > 0 {
		return r.PhotoPoints
	}
	return r.TextPoints
}

// Sort orders a product's reviews.
type Sort string

// The orders of a product's reviews; SortNewest is the default.
const (
	SortNewest Sort = "newest"
	SortRating Sort = "rating" // highest rating first
	SortLikes  Sort = "likes"  // most liked first
)

// orderBy is the ORDER BY of s; the id breaks ties.
func (s Sort) orderBy() string {
	switch s {
	case SortRating:
		return "r.rating DESC, r.id DESC"
	case SortLikes:
		return "r.likes DESC, r.id DESC"
	default:
		return "r.id DESC"
	}
}

// ParseSort returns the sort named s, SortNewest for anything else.
func ParseSort(s string) Sort {
	switch Sort(s) {
	case SortRating, SortLikes:
		return Sort(s)
	}
	return SortNewest
}

// Photo is a photo of a review, stored in media under Key.
type Photo struct {
	Key         string
	ContentType string
	// ThumbsReady: its thumbnails exist (media.ThumbKey).
	ThumbsReady bool
}

// Review is a customer's review of one order line.
type Review struct {
	ID        int64
	LineID    int64
	OrderID   int64
	ProductID int64
	UserID    int64
	// Author is the author's name masked as shops show it ("김**").
	Author string
	// ProductName and Options are the line's, as ordered.
	ProductName string
	Options     string
	Rating      int
	Body        string
	Photos      []Photo
	// Points are what the review earned; a review with points cannot be
	// deleted by its author.
	Points int64
	Likes  int64
	// Liked: the customer the review was read for likes it.
	Liked bool
	// Hidden by staff, with the reason and when.
	Hidden       bool
	HiddenReason string
	HiddenAt     time.Time
	CreatedAt    time.Time
}

// Upload is a photo as the customer sent it, checked by Create.
type Upload struct {
	Data []byte
}

// CreateInput is a customer's review of a line of their order.
type CreateInput struct {
	UserID int64
	LineID int64
	Rating int
	Body   string
	Photos []Upload
}

// Line is an order line a customer can review (or reviewed).
type Line struct {
	ID          int64
	OrderID     int64
	Number      string // the order's number
	ProductID   int64
	ProductName string
	Options     string
	// DeliveredAt is when the order was delivered.
	DeliveredAt time.Time
}

// Summary is a product's review figures: the count of its visible reviews
// and their average rating in hundredths of a star (450 = 4.5; 0 without
// reviews).
type Summary struct {
	Count   int64
	Average int64
}

// Page is one page of a product's visible reviews.
type Page struct {
	Summary
	Reviews []Review
	Page    int
	Pages   int
	Sort    Sort
}

// Filter selects reviews for staff.
type Filter struct {
	// Hidden: only hidden reviews; otherwise only visible ones.
	Hidden bool
	Limit  int
}

// mask shows a name's first character and hides the rest ("김말랑" →
// "김**").
func mask(name string) string {
	r := []rune(name)
	if len(r) == 0 {
		return "***"
	}
	return string(r[0]) + "**"
}
