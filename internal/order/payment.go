package order

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/mallang/mallang/internal/db"
	"github.com/mallang/mallang/internal/fault"
)

// The order's side of payments. internal/payment decides when an order is
// paid or refunded; these functions change the order on the payment
// service's transaction, so a payment and the order it moves are recorded
// together or not at all.

// HoldForPayment locks order orderID's row on q, the caller's transaction,
// until that ends, and returns the order's status as it then is. Every
// transaction that settles how an order is paid (a bank transfer started, a
// deposit confirmed, a provider's payment recorded) takes it first, so that
// for one order they run one after another, each seeing what the one before
// decided, and never wait for each other's payment rows in opposite orders
// (a deadlock on PostgreSQL; SQLite runs write transactions one at a time).
// Errors: fault.ErrNotFound for an unknown order.
func (s *Service) HoldForPayment(ctx context.Context, q db.Querier, orderID int64) (Status, error) {
	st, err := holdOrder(ctx, q, s.d.Dialect, orderID)
	if err != nil {
		return "", fmt.Errorf("hold order %d for its payment: %w", orderID, err)
	}
	return st, nil
}

// MarkPaid moves order orderID from waiting for payment (or for a deposit)
// to paid, on q, with its lines and a history entry, and reports whether it
// moved. An order that is paid, or further along, already is left alone
// (false, nil): a payment confirmed twice moves the order once. An order
// that was cancelled meanwhile (it expired while the customer paid) is
// fault.ErrConflict, and the payment must be given back.
func (s *Service) MarkPaid(ctx context.Context, q db.Querier, orderID int64, actor Actor, reason string) (bool, error) {
	r, err := orderByID(ctx, q, orderID)
	if err != nil {
		return false, fmt.Errorf("mark order %d paid: %w", orderID, err)
	}
	from := Status(r.Status)
	switch from {
	case PendingPayment, AwaitingDeposit:
	case Cancelled:
		return false, fmt.Errorf("order %d was cancelled before its payment arrived: %w", orderID, fault.ErrConflict)
	default:
		return false, nil
	}
	now := s.now().UTC().Truncate(time.Microsecond)
	ok, err := setStatus(ctx, q, orderID, from, Paid, now)
	if err != nil || !ok {
		// !ok: a concurrent change won; the caller's transaction holds no
		// lock on SQLite's side, so say so rather than guess.
		if err == nil {
			err = fmt.Errorf("order %d changed while marking it paid: %w", orderID, fault.ErrConflict)
		}
		return false, err
	}
	if err := s.after(ctx, q, r, from, Paid, actor, reason, now); err != nil {
		return false, err
	}
	if err := s.deps.Sales.Paid(ctx, q, orderID); err != nil {
		return false, err
	}
	s.log.InfoContext(ctx, "order paid", "order_id", orderID, "actor", string(actor.Kind))
	return true, nil
}

// AwaitDeposit moves order orderID from waiting for payment to waiting for a
// deposit (bank transfer or a virtual account) due by payBy, on q. It does
// nothing to an order that waits for a deposit already.
func (s *Service) AwaitDeposit(ctx context.Context, q db.Querier, orderID int64, payBy time.Time, actor Actor, reason string) error {
	r, err := orderByID(ctx, q, orderID)
	if err != nil {
		return fmt.Errorf("order %d awaits deposit: %w", orderID, err)
	}
	switch Status(r.Status) {
	case AwaitingDeposit:
		return nil
	case PendingPayment:
	default:
		return fmt.Errorf("order %d is %s, not waiting for payment: %w", orderID, r.Status, fault.ErrConflict)
	}
	now := s.now().UTC().Truncate(time.Microsecond)
	res, err := q.ExecContext(ctx, q.Rebind(`UPDATE orders SET status = ?, pay_by = ?, updated_at = ?
		WHERE id = ? AND status = ?`), AwaitingDeposit, payBy.UTC(), now, orderID, PendingPayment)
	if err != nil {
		return fmt.Errorf("order %d awaits deposit: %w", orderID, err)
	}
	if n, err := res.RowsAffected(); err != nil || n != 1 {
		if err == nil {
			err = fmt.Errorf("order %d changed meanwhile: %w", orderID, fault.ErrConflict)
		}
		return fmt.Errorf("order %d awaits deposit: %w", orderID, err)
	}
	return s.after(ctx, q, r, PendingPayment, AwaitingDeposit, actor, reason, now)
}

// RefundPlan is what refunding some lines of an order gives back. Amounts
// are won. Each line's share of what the customer paid is its amount after
// the coupon, over everything charged (lines after discount, shipping and
// surcharge), split between money and points in the order's proportion;
// the last refund of an order gives back whatever is left instead, so the
// shares' rounding never loses a won.
type RefundPlan struct {
	OrderID int64
	UserID  int64
	Number  string
	LineIDs []int64
	// Cash is the lines' share of the money paid. When Whole, the payment
	// service refunds the payment's whole balance instead.
	Cash int64
	// Withheld is what the shop keeps of Cash (a return's shipping fee
	// the customer pays), set by the payment service from its input: the
	// money sent back is Cash − Withheld, never below zero.
	Withheld int64
	// Points is what goes back to the customer's points.
	Points int64
	// PointsTakenBack is the lines' share of the points the order earned
	// (when it was confirmed), taken back from the customer's points; the
	// last refund takes whatever is left of them (decision 0040).
	PointsTakenBack int64
	// TaxFree is the VAT-exempt part of Cash: the tax-free lines' share
	// (when Whole, what is left of the order's TaxFree).
	TaxFree int64
	// Whole is true when no line of the order stays unrefunded afterwards.
	Whole bool
	// Cancel is true when the order has not shipped and Whole: it ends
	// cancelled, with stock, coupon and points back, rather than refunded.
	Cancel bool
}

// refundFrom lists the statuses an order may be refunded from: any time
// after it is paid. Before shipping a whole refund is a cancellation.
var refundFrom = []Status{Paid, Preparing, Shipped, Delivered, Completed, ReturnRequested, Returned, PartiallyRefunded}

// unshipped reports whether an order in status s still holds its goods, so a
// refund puts their stock back.
func unshipped(s Status) bool { return s == Paid || s == Preparing }

// PlanRefund works out what refunding lineIDs of order orderID (every line
// not refunded yet, when lineIDs is empty) gives back. It changes nothing;
// ApplyRefund does, once the money is back. It returns fault.ErrNotFound for
// an unknown order, fault.ErrConflict for an order that cannot be refunded
// in its status, and *fault.Invalid ("lines") for a line that is not the
// order's or was refunded already.
func (s *Service) PlanRefund(ctx context.Context, orderID int64, lineIDs []int64) (RefundPlan, error) {
	q := s.d.Read()
	r, err := orderByID(ctx, q, orderID)
	if err != nil {
		return RefundPlan{}, fmt.Errorf("plan refund of order %d: %w", orderID, err)
	}
	cur := Status(r.Status)
	if !contains(refundFrom, cur) {
		return RefundPlan{}, fmt.Errorf("order %d is %s and cannot be refunded: %w", orderID, cur, fault.ErrConflict)
	}
	lines, err := linesOf(ctx, q, []int64{orderID})
	if err != nil {
		return RefundPlan{}, err
	}
	want := map[int64]bool{}
	for _, id := range lineIDs {
		want[id] = true
	}
	byID := map[int64]Line{}
	for _, l := range lines {
		byID[l.ID] = l
	}
	for id := range want {
		l, ok := byID[id]
		switch {
		case !ok:
			return RefundPlan{}, &fault.Invalid{Fields: map[string]string{"lines": fmt.Sprintf("line %d is not a line of this order", id)}}
		case l.Status == Refunded || l.Status == Cancelled:
			return RefundPlan{}, &fault.Invalid{Fields: map[string]string{"lines": fmt.Sprintf("line %d (%s) is refunded already", id, l.Name)}}
		}
	}
	p := RefundPlan{OrderID: r.ID, UserID: r.UserID, Number: r.Number}
	base := r.Total + r.PointsUsed
	earned, err := s.deps.Points.Earned(ctx, q, r.UserID, r.ID)
	if err != nil {
		return RefundPlan{}, err
	}
	var pointsBefore, taxFreeBefore, earnedBefore int64
	open := 0
	for _, l := range lines {
		net := l.LineTotal - l.Discount
		switch {
		case l.Status == Refunded:
			pointsBefore += share(net, r.PointsUsed, base)
			earnedBefore += share(net, earned, base)
			if l.TaxFree {
				taxFreeBefore += share(net, r.Total, base)
			}
		case l.Status == Cancelled:
		case len(want) == 0 || want[l.ID]:
			p.LineIDs = append(p.LineIDs, l.ID)
			p.Cash += share(net, r.Total, base)
			p.Points += share(net, r.PointsUsed, base)
			p.PointsTakenBack += share(net, earned, base)
			if l.TaxFree {
				p.TaxFree += share(net, r.Total, base)
			}
		default:
			open++
		}
	}
	if len(p.LineIDs) == 0 {
		return RefundPlan{}, &fault.Invalid{Fields: map[string]string{"lines": "every line is refunded already"}}
	}
	p.Whole = open == 0
	if p.Whole {
		p.Points = r.PointsUsed - pointsBefore
		p.PointsTakenBack = earned - earnedBefore
		p.TaxFree = max(0, r.TaxFree-taxFreeBefore)
		p.Cancel = unshipped(cur) && pointsBefore == 0 && cur != PartiallyRefunded
	}
	return p, nil
}

// share is part's share of whole scaled to base, rounded down.
func share(part, whole, base int64) int64 {
	if base <= 0 {
		return 0
	}
	return part * whole / base
}

// ApplyRefund records on q, the payment service's transaction, that the
// money of plan is back: its lines become refunded (each once: a line
// refunded meanwhile is fault.ErrConflict), the order becomes refunded,
// partially refunded or, for plan.Cancel, cancelled, stock of goods not
// shipped goes back, points spent go back, the lines' share of the points
// earned is taken back, and a whole refund releases the coupon if it can
// still be used. The history records who and why; the change of status is in the
// audit log too (as Transition records it: staff, or a customer
// cancelling), with "refunded": true.
func (s *Service) ApplyRefund(ctx context.Context, q db.Querier, p RefundPlan, actor Actor, reason string) error {
	reason = strings.TrimSpace(reason)
	now := s.now().UTC().Truncate(time.Microsecond)
	r, err := orderByID(ctx, q, p.OrderID)
	if err != nil {
		return fmt.Errorf("apply refund to order %d: %w", p.OrderID, err)
	}
	cur := Status(r.Status)
	if !contains(refundFrom, cur) {
		return fmt.Errorf("order %d is %s and cannot be refunded: %w", r.ID, cur, fault.ErrConflict)
	}
	if p.Cancel {
		ok, err := setStatus(ctx, q, r.ID, cur, Cancelled, now)
		if err != nil {
			return err
		}
		if !ok {
			return fmt.Errorf("order %d changed while cancelling it: %w", r.ID, fault.ErrConflict)
		}
		if err := s.after(ctx, q, r, cur, Cancelled, actor, reason, now); err != nil {
			return err
		}
		if err := s.auditCancel(ctx, q, actor, r.ID, refundDetail(r, cur, Cancelled, reason)); err != nil {
			return err
		}
		s.deps.Catalog.StockChanged()
		return nil
	}
	args := append([]any{Refunded, now, r.ID}, db.Args(p.LineIDs)...)
	res, err := q.ExecContext(ctx, q.Rebind(`UPDATE order_lines SET status = ?, updated_at = ?
		WHERE order_id = ? AND id IN (`+db.Placeholders(len(p.LineIDs))+`) AND status NOT IN ('refunded', 'cancelled')`), args...)
	if err != nil {
		return fmt.Errorf("refund lines of order %d: %w", r.ID, err)
	}
	if n, err := res.RowsAffected(); err != nil || n != int64(len(p.LineIDs)) {
		if err == nil {
			err = fmt.Errorf("a line of order %d was refunded meanwhile: %w", r.ID, fault.ErrConflict)
		}
		return err
	}
	to := PartiallyRefunded
	if p.Whole {
		to = Refunded
	}
	ok, err := setStatus(ctx, q, r.ID, cur, to, now)
	if err != nil {
		return err
	}
	if !ok {
		return fmt.Errorf("order %d changed while refunding it: %w", r.ID, fault.ErrConflict)
	}
	if err := insertHistory(ctx, q, HistoryEntry{OrderID: r.ID, From: cur, To: to, Actor: actor, Reason: reason, CreatedAt: now}); err != nil {
		return err
	}
	detail := refundDetail(r, cur, to, reason)
	if p.PointsTakenBack > 0 {
		detail["points_taken_back"] = p.PointsTakenBack
	}
	if err := s.auditStaff(ctx, q, actor, "order.status_changed", r.ID, detail); err != nil {
		return err
	}
	if unshipped(cur) {
		lines, err := linesOf(ctx, q, []int64{r.ID})
		if err != nil {
			return err
		}
		for _, l := range lines {
			if !containsID(p.LineIDs, l.ID) {
				continue
			}
			err := s.deps.Catalog.ReturnStock(ctx, q, l.VariantID, l.Quantity)
			if err != nil && !errors.Is(err, fault.ErrNotFound) {
				return err
			}
		}
		defer s.deps.Catalog.StockChanged()
	}
	// The coupon before the points: the lock order of placing and
	// cancelling (decision 0023).
	if p.Whole && r.CouponID.Valid {
		if err := s.releaseCoupon(ctx, q, r, actor); err != nil {
			return err
		}
	}
	if _, err := s.deps.Points.GiveBack(ctx, q, r.UserID, r.ID, p.Points, "주문 "+r.Number+" 환불로 사용 적립금 반환"); err != nil {
		return err
	}
	return s.takeBackEarned(ctx, q, r)
}

// takeBackEarned takes back, on q, the share of the points the order of r
// earned that belongs to its refunded lines, all of it once no line is
// left (decision 0040). It asks the points ledger for the total the
// refunds so far take back, which takes only what earlier refunds did not,
// so a refund recorded twice takes back once.
func (s *Service) takeBackEarned(ctx context.Context, q db.Querier, r orderRow) error {
	earned, err := s.deps.Points.Earned(ctx, q, r.UserID, r.ID)
	if err != nil || earned == 0 {
		return err
	}
	lines, err := linesOf(ctx, q, []int64{r.ID})
	if err != nil {
		return err
	}
	base := r.Total + r.PointsUsed
	var upTo int64
	whole := true
	for _, l := range lines {
		switch l.Status {
		case Refunded:
			upTo += share(l.LineTotal-l.Discount, earned, base)
		case Cancelled:
		default:
			whole = false
		}
	}
	if whole {
		upTo = earned
	}
	_, err = s.deps.Points.TakeBack(ctx, q, r.UserID, r.ID, upTo, "주문 "+r.Number+" 환불로 적립 취소")
	return err
}

// releaseCoupon gives back, on q, the coupon the order of r used, if it can
// still be used; when it cannot (expired, withdrawn) it stays used and the
// audit log says so, naming actor, as "order.coupon_kept".
func (s *Service) releaseCoupon(ctx context.Context, q db.Querier, r orderRow, actor Actor) error {
	kept, err := s.deps.Coupons.Release(ctx, q, r.ID)
	if err != nil || kept == "" {
		return err
	}
	by := actor.Audit
	by.UserID = actor.ID
	return s.deps.Audit.Record(ctx, q, by.Entry("order.coupon_kept", "order", strconv.FormatInt(r.ID, 10),
		map[string]any{"number": r.Number, "coupon_id": r.CouponID.Int64, "why": kept, "by": string(actor.Kind)}))
}

// refundDetail is the audit detail of the order of r moving from from to to
// because its money went back.
func refundDetail(r orderRow, from, to Status, reason string) map[string]any {
	d := map[string]any{"number": r.Number, "from": string(from), "to": string(to), "refunded": true}
	if reason != "" {
		d["reason"] = reason
	}
	return d
}

func containsID(ids []int64, id int64) bool {
	for _, v := range ids {
		if v == id {
			return true
		}
	}
	return false
}
