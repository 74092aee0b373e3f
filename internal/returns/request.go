package returns

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/mallang/mallang/internal/db"
	"github.com/mallang/mallang/internal/fault"
	"github.com/mallang/mallang/internal/media"
	"github.com/mallang/mallang/internal/order"
	"github.com/mallang/mallang/internal/payment"
)

// Request records customer in.UserID's return or exchange request for
// whole lines of their delivered order, moving the order to return
// requested in the same transaction (so it cannot be confirmed while the
// request is open), with an audit entry naming the customer. The return
// shipping is fixed now: Config.Fee when the reason is the customer's
// (Reason.CustomerPays), 0 otherwise. Photos are sniffed (JPEG, PNG, GIF or
// WebP), at most MaxPhotos of MaxPhotoSize each, and stored in media before
// the request is. The customer and the staff address are mailed after the
// commit.
//
// Errors: *fault.Invalid naming "kind", "lines", "reason", "note",
// "photos" or the refund account's fields (payment.FieldRefundBank…, when
// the money came by bank transfer or a virtual account);
// fault.ErrNotFound for an unknown order or another customer's;
// fault.ErrConflict when the order is not delivered (not yet, confirmed
// already) or a line is in an open request already (two requests at once:
// one wins).
func (s *Service) Request(ctx context.Context, in RequestInput) (Return, error) {
	in.Note = strings.TrimSpace(in.Note)
	v := &fault.Invalid{}
	if !in.Kind.Valid() {
		v.Add("kind", "must be return or exchange")
	}
	if !in.Reason.Valid() {
		v.Add("reason", "must be one of the listed reasons")
	}
	switch {
	case utf8.RuneCountInString(in.Note) > MaxNote:
		v.Add("note", fmt.Sprintf("must be at most %d characters", MaxNote))
	case !utf8.ValidString(in.Note) || strings.ContainsFunc(in.Note, func(r rune) bool { return unicode.IsControl(r) && r != '\n' && r != '\r' && r != '\t' }):
		v.Add("note", "must not contain control characters")
	}
	if len(in.LineIDs) == 0 {
		v.Add("lines", "choose at least one item")
	}
	photos, err := sniffPhotos(v, in.Photos)
	if err != nil {
		return Return{}, err
	}
	o, err := s.deps.Orders.AdminGet(ctx, in.OrderID)
	if err == nil && o.UserID != in.UserID {
		err = fault.ErrNotFound
	}
	if err != nil {
		return Return{}, fmt.Errorf("return of order %d: %w", in.OrderID, err)
	}
	lines := pickLines(v, o, in.LineIDs)
	var acc *payment.BankAccount
	if in.Kind == KindReturn {
		need, err := s.NeedsAccount(ctx, o.ID)
		if err != nil {
			return Return{}, err
		}
		if need {
			a := payment.CleanAccount(v, in.Account)
			acc = &a
		}
	}
	if err := v.Err(); err != nil {
		return Return{}, err
	}
	if o.Status != order.Delivered {
		return Return{}, fmt.Errorf("order %d is %s: a return is asked of a delivered order before it is confirmed: %w",
			o.ID, o.Status, fault.ErrConflict)
	}
	for i := range photos {
		p := &photos[i]
		p.Key = media.ContentKey("returns", p.data, p.ContentType)
		if err := s.deps.Media.Put(ctx, p.Key, p.ContentType, reader(p.data)); err != nil {
			return Return{}, fmt.Errorf("store a photo of the return of order %d: %w", o.ID, err)
		}
	}
	fee := int64(0)
	if in.Reason.CustomerPays() {
		fee = s.Fee(ctx)
	}
	now := s.stamp()
	actor := order.Customer(in.UserID)
	r := row{OrderID: o.ID, UserID: o.UserID, Number: o.Number, Kind: string(in.Kind), Reason: string(in.Reason),
		Note: in.Note, Status: string(Requested), Fee: fee, CreatedAt: now, UpdatedAt: now}
	err = s.d.InTx(ctx, func(q db.Querier) error {
		if _, err := s.deps.Orders.OpenReturn(ctx, q, o.ID, actor, kindWord(in.Kind)+" 신청"); err != nil {
			return err
		}
		var err error
		if r.ID, err = insertReturn(ctx, q, r); err != nil {
			return err
		}
		for _, l := range lines {
			if err := claimLine(ctx, q, s.d.Dialect, r.ID, l); err != nil {
				return err
			}
		}
		for _, p := range photos {
			if err := insertPhoto(ctx, q, r.ID, p.Photo, now); err != nil {
				return err
			}
		}
		if acc != nil {
			if err := s.storeAccount(ctx, q, r.ID, *acc); err != nil {
				return err
			}
		}
		ids := make([]int64, len(lines))
		for i, l := range lines {
			ids[i] = l.LineID
		}
		if err := s.audited(ctx, q, actor, "return.requested", r, map[string]any{"kind": r.Kind, "reason": r.Reason,
			"lines": ids, "fee": fee, "photos": len(photos)}); err != nil {
			return err
		}
		// The customer's and the staff's mails commit with the request.
		rt, err := s.getOn(ctx, q, r.ID)
		if err != nil {
			return err
		}
		if err := s.mailCustomer(ctx, q, rt, stepRequested, ""); err != nil {
			return err
		}
		return s.mailStaff(ctx, q, rt)
	})
	if err != nil {
		if errors.Is(err, fault.ErrConflict) || errors.Is(err, fault.ErrNotFound) {
			return Return{}, err
		}
		if _, ok := fault.AsInvalid(err); ok {
			return Return{}, err
		}
		return Return{}, fmt.Errorf("request a return of order %d: %w", o.ID, err)
	}
	rt, err := s.Get(ctx, r.ID)
	if err != nil {
		return Return{}, err
	}
	s.log.InfoContext(ctx, "return requested", "return_id", rt.ID, "order_id", rt.OrderID, "kind", string(rt.Kind))
	return rt, nil
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
		ct, data, err := media.Sniff(reader(u.Data), MaxPhotoSize)
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

// pickLines returns the lines ids of order o, adding to v when one is not
// the order's, is given twice or was refunded or cancelled.
func pickLines(v *fault.Invalid, o order.Order, ids []int64) []Line {
	seen := map[int64]bool{}
	var out []Line
	for _, id := range ids {
		if seen[id] {
			v.Add("lines", "an item is chosen twice")
			continue
		}
		seen[id] = true
		found := false
		for _, l := range o.Lines {
			if l.ID != id {
				continue
			}
			found = true
			if l.Status == order.Refunded || l.Status == order.Cancelled {
				v.Add("lines", fmt.Sprintf("%s is refunded already", l.Name))
				continue
			}
			out = append(out, Line{LineID: l.ID, Name: l.Name, Options: l.Options, Quantity: l.Quantity,
				Amount: l.LineTotal - l.Discount})
		}
		if !found {
			v.Add("lines", fmt.Sprintf("item %d is not in this order", id))
		}
	}
	return out
}

// kindWord is k as a Korean history line says it.
func kindWord(k Kind) string {
	if k == KindExchange {
		return "교환"
	}
	return "반품"
}

// storeAccount encrypts acc for return id and stores it on q.
func (s *Service) storeAccount(ctx context.Context, q db.Querier, id int64, acc payment.BankAccount) error {
	number, err := numberColumn.Encrypt(s.deps.Keyring, id, acc.Account)
	if err != nil {
		return err
	}
	holder, err := holderColumn.Encrypt(s.deps.Keyring, id, acc.Holder)
	if err != nil {
		return err
	}
	return setAccount(ctx, q, id, acc.Bank, number, holder)
}
