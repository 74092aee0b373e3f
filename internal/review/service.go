package review

import (
	"bytes"
	"context"
	"database/sql"
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
)

// Points credits a review's points on the caller's transaction
// (*points.Service).
type Points interface {
	Earn(ctx context.Context, q db.Querier, userID, amount, orderID int64, memo string, expiresAt time.Time) error
}

// Media stores the photos (*media.Store).
type Media interface {
	Put(ctx context.Context, key, contentType string, r io.Reader) error
}

// Thumbs asks for the thumbnails of a stored photo in the caller's
// transaction (*jobs.Queue).
type Thumbs interface {
	EnqueueKeyThumbnails(ctx context.Context, q db.Querier, key string) error
}

// Audit records a change in the transaction that makes it (*audit.Log).
type Audit interface {
	Record(ctx context.Context, q db.Querier, e audit.Entry) error
}

// Deps are what the review service uses; every one is required.
type Deps struct {
	Points    Points
	Media     Media
	Thumbs    Thumbs
	Audit     Audit
	Mailer    notify.Mailer
	Customers notify.Contacts
}

// Service records and reads reviews. It is safe for concurrent use.
type Service struct {
	d       *db.DB
	deps    Deps
	rules   func(context.Context) Rules
	now     func() time.Time
	log     *slog.Logger
	baseURL string
}

// New returns the review service; rules reads the shop's policy at each
// use, so a change in the settings applies at once. baseURL is the shop's
// public address, for the links in mails.
func New(d *db.DB, deps Deps, rules func(context.Context) Rules, now func() time.Time, log *slog.Logger, baseURL string) *Service {
	if d == nil || deps.Points == nil || deps.Media == nil || deps.Thumbs == nil || deps.Audit == nil ||
		deps.Mailer == nil || deps.Customers == nil || rules == nil || now == nil || log == nil {
		panic("review: New without every dependency")
	}
	return &Service{d: d, deps: deps, rules: rules, now: now, log: log, baseURL: strings.TrimSuffix(baseURL, "/")}
}

// Rules returns the shop's policy now.
func (s *Service) Rules(ctx context.Context) Rules { return s.rules(ctx) }

func (s *Service) stamp() time.Time { return s.now().UTC().Truncate(db.TimePrecision) }

// Create records customer in.UserID's review of their order line
// in.LineID, with its photos, in one transaction that also adds it to the
// product's figures, credits the points it earns (once per line) and
// writes the audit entry. Photos are sniffed (JPEG, PNG, GIF or WebP), at
// most MaxPhotos of MaxPhotoSize each, stored before the transaction and
// their thumbnails asked of the job queue in it.
//
// Errors: *fault.Invalid naming "rating", "body" or "photos";
// fault.ErrNotFound for a line that is not the customer's; ErrNotDelivered
// for a line not delivered or confirmed; ErrReviewed when the line has its
// review (also when two requests race: one wins, the other earns nothing).
func (s *Service) Create(ctx context.Context, in CreateInput) (Review, error) {
	in.Body = strings.TrimSpace(in.Body)
	v := &fault.Invalid{}
	if in.Rating < 1 || in.Rating > 5 {
		v.Add("rating", "must be from 1 to 5 stars")
	}
	switch n := utf8.RuneCountInString(in.Body); {
	case n < MinBody:
		v.Add("body", fmt.Sprintf("must be at least %d characters", MinBody))
	case n > MaxBody:
		v.Add("body", fmt.Sprintf("must be at most %d characters", MaxBody))
	case !utf8.ValidString(in.Body) || strings.ContainsFunc(in.Body, func(r rune) bool { return unicode.IsControl(r) && r != '\n' && r != '\r' && r != '\t' }):
		v.Add("body", "must not contain control characters")
	}
	photos, err := sniffPhotos(v, in.Photos)
	if err != nil {
		return Review{}, err
	}
	l, err := eligibleLine(ctx, s.d.Read(), in.UserID, in.LineID)
	if err != nil {
		return Review{}, fmt.Errorf("review line %d: %w", in.LineID, err)
	}
	if err := v.Err(); err != nil {
		return Review{}, err
	}
	if !l.delivered() {
		return Review{}, fmt.Errorf("review line %d, which is %s: %w", l.ID, l.Status, ErrNotDelivered)
	}
	if l.Reviewed {
		return Review{}, fmt.Errorf("review line %d: %w", l.ID, ErrReviewed)
	}
	for i := range photos {
		p := &photos[i]
		p.Key = media.ContentKey("reviews", p.data, p.ContentType)
		if err := s.deps.Media.Put(ctx, p.Key, p.ContentType, bytes.NewReader(p.data)); err != nil {
			return Review{}, fmt.Errorf("store a photo of the review of line %d: %w", l.ID, err)
		}
	}
	now := s.stamp()
	earn := s.rules(ctx).Earned(len(photos))
	var id int64
	err = s.d.InTx(ctx, func(q db.Querier) error {
		// The line is read again in the transaction: it may have been
		// returned since.
		l, err := eligibleLine(ctx, q, in.UserID, in.LineID)
		if err != nil {
			return err
		}
		if !l.delivered() {
			return ErrNotDelivered
		}
		id, err = insertReview(ctx, q, l, in.UserID, in.Rating, in.Body, now)
		if err != nil {
			return err
		}
		for i, p := range photos {
			if err := insertPhoto(ctx, q, id, i+1, p.Photo, now); err != nil {
				return err
			}
			if err := s.deps.Thumbs.EnqueueKeyThumbnails(ctx, q, p.Key); err != nil {
				return err
			}
		}
		if err := addToProduct(ctx, q, l.ProductID, 1, int64(in.Rating), now); err != nil {
			return err
		}
		paid := int64(0)
		if earn > 0 {
			won, err := claimReward(ctx, q, l.ID, in.UserID, earn, now)
			if err != nil {
				return err
			}
			if won {
				if err := s.deps.Points.Earn(ctx, q, in.UserID, earn, 0, "상품 리뷰 "+l.Name, now.Add(PointsValidFor)); err != nil {
					return err
				}
				if err := setPoints(ctx, q, id, earn); err != nil {
					return err
				}
				paid = earn
			}
		}
		return s.audited(ctx, q, audit.Actor{UserID: in.UserID}, "review.created", id, map[string]any{"by": "customer",
			"line_id": l.ID, "product_id": l.ProductID, "rating": in.Rating, "photos": len(photos), "points": paid})
	})
	if err != nil {
		return Review{}, fmt.Errorf("review line %d: %w", in.LineID, err)
	}
	s.log.InfoContext(ctx, "review written", "review_id", id, "product_id", l.ProductID, "photos", len(photos))
	return s.Get(ctx, id)
}

// Delete removes customer userID's review id, taking it off its product's
// figures, unless it earned points (ErrEarned: the points stay theirs, so
// the review stays too). Another customer's review is fault.ErrNotFound.
// The line may be reviewed again afterwards, without points a second time.
func (s *Service) Delete(ctx context.Context, userID, id int64) error {
	now := s.stamp()
	err := s.d.InTx(ctx, func(q db.Querier) error {
		r, err := reviewRow(ctx, q, id)
		if err != nil {
			return err
		}
		if r.UserID != userID {
			return fault.ErrNotFound
		}
		if r.Points > 0 {
			return ErrEarned
		}
		if err := deleteReview(ctx, q, id); err != nil {
			return err
		}
		if r.HiddenAt == nil {
			if err := addToProduct(ctx, q, r.ProductID, -1, -r.Rating, now); err != nil {
				return err
			}
		}
		return s.audited(ctx, q, audit.Actor{UserID: userID}, "review.deleted", id, map[string]any{"by": "customer",
			"line_id": r.LineID, "product_id": r.ProductID, "rating": r.Rating})
	})
	if err != nil {
		return fmt.Errorf("delete review %d of user %d: %w", id, userID, err)
	}
	return nil
}

// Like records that customer userID likes review id, once: a second like
// is ErrLiked (also when two race), a like of their own review ErrOwn, and
// a hidden or unknown review fault.ErrNotFound.
func (s *Service) Like(ctx context.Context, userID, id int64) error {
	now := s.stamp()
	err := s.d.InTx(ctx, func(q db.Querier) error {
		r, err := reviewRow(ctx, q, id)
		if err != nil {
			return err
		}
		if r.HiddenAt != nil {
			return fault.ErrNotFound
		}
		if r.UserID == userID {
			return ErrOwn
		}
		won, err := insertLike(ctx, q, id, userID, now)
		if err != nil {
			return err
		}
		if !won {
			return ErrLiked
		}
		return addLike(ctx, q, id)
	})
	if err != nil {
		return fmt.Errorf("like review %d by user %d: %w", id, userID, err)
	}
	return nil
}

// Hide takes review id off its product and its figures on behalf of staff
// member by, with reason (required, at most MaxReason characters) told to
// the author by mail, which commits with the change. Errors:
// *fault.Invalid{"reason"}, fault.ErrNotFound, ErrHidden.
func (s *Service) Hide(ctx context.Context, id int64, by audit.Actor, reason string) (Review, error) {
	reason = strings.TrimSpace(reason)
	switch n := utf8.RuneCountInString(reason); {
	case n == 0:
		return Review{}, &fault.Invalid{Fields: map[string]string{"reason": "is required"}}
	case n > MaxReason:
		return Review{}, &fault.Invalid{Fields: map[string]string{"reason": fmt.Sprintf("must be at most %d characters", MaxReason)}}
	}
	if by.UserID <= 0 {
		return Review{}, fmt.Errorf("hide review %d: only staff hide a review: %w", id, fault.ErrForbidden)
	}
	now := s.stamp()
	err := s.d.InTx(ctx, func(q db.Querier) error {
		r, err := reviewRow(ctx, q, id)
		if err != nil {
			return err
		}
		hid, err := hideReview(ctx, q, id, by.UserID, reason, now)
		if err != nil {
			return err
		}
		if !hid {
			return ErrHidden
		}
		if err := addToProduct(ctx, q, r.ProductID, -1, -r.Rating, now); err != nil {
			return err
		}
		if err := s.audited(ctx, q, by, "review.hidden", id, map[string]any{"by": "staff", "product_id": r.ProductID,
			"reason": reason}); err != nil {
			return err
		}
		err = notify.SendToCustomer(ctx, s.deps.Mailer, q, s.deps.Customers, r.UserID, notify.ReviewHidden, func(name string) any {
			return notify.ReviewHiddenData{Name: name, Product: r.Name, Reason: reason, URL: s.baseURL + "/account/reviews"}
		})
		if errors.Is(err, notify.ErrUnwritable) {
			s.log.ErrorContext(ctx, "review hidden mail not sent", "review_id", id, "err", err)
			return nil
		}
		return err
	})
	if err != nil {
		return Review{}, fmt.Errorf("hide review %d: %w", id, err)
	}
	return s.Get(ctx, id)
}

// SetThumbsReady records that the thumbnails of the photo stored under key
// exist. It implements the thumbnail job's callback for review photos;
// a key no photo has changes nothing.
func (s *Service) SetThumbsReady(ctx context.Context, key string) error {
	if err := setThumbsReady(ctx, s.d.Write(), key, s.stamp()); err != nil {
		return fmt.Errorf("thumbnails of review photo %s: %w", key, err)
	}
	return nil
}

// audited records action on review id by actor in q.
func (s *Service) audited(ctx context.Context, q db.Querier, actor audit.Actor, action string, id int64, detail map[string]any) error {
	if err := s.deps.Audit.Record(ctx, q, actor.Entry(action, "review", strconv.FormatInt(id, 10), detail)); err != nil {
		return fmt.Errorf("audit %s of review %d: %w", action, id, err)
	}
	return nil
}

// sniffed is a photo checked and ready to store.
type sniffed struct {
	Photo
	data []byte
}

// sniffPhotos checks the uploads, adding to v what is wrong with them
// under "photos"; only a failure to read is an error.
func sniffPhotos(v *fault.Invalid, ups []Upload) ([]sniffed, error) {
	if len(ups) > MaxPhotos {
		v.Add("photos", fmt.Sprintf("attach at most %d photos", MaxPhotos))
		return nil, nil
	}
	out := make([]sniffed, 0, len(ups))
	for i, u := range ups {
		ct, data, err := media.Sniff(bytes.NewReader(u.Data), MaxPhotoSize)
		if inv, ok := fault.AsInvalid(err); ok {
			v.Add("photos", fmt.Sprintf("photo %d: %s", i+1, inv.Fields["image"]))
			continue
		}
		if err != nil {
			return nil, err
		}
		out = append(out, sniffed{Photo: Photo{ContentType: ct}, data: data})
	}
	return out, nil
}

// noRows maps sql.ErrNoRows to fault.ErrNotFound.
func noRows(err error) error {
	if errors.Is(err, sql.ErrNoRows) {
		return fault.ErrNotFound
	}
	return err
}
