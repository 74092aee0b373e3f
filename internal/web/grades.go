package web

import (
	"context"

	"github.com/mallang/mallang/internal/cart"
	"github.com/mallang/mallang/internal/pricing"
	"github.com/mallang/mallang/internal/promotion"
)

// Grades tells a customer where they stand among the membership grades;
// *promotion.Evaluator implements it.
type Grades interface {
	Standing(ctx context.Context, userID int64) (promotion.Standing, error)
	// GradeDiscount is the customer's grade's discount in percent.
	GradeDiscount(ctx context.Context, userID int64) (int, error)
}

// EnableGrades shows the customer's grade on the account page.
func (h *Handler) EnableGrades(g Grades) *Handler {
	if g == nil {
		panic("web: EnableGrades without the grades")
	}
	h.grades = g
	return h
}

// gradeView is the grade box of the account page.
type gradeView struct {
	Name     string
	Benefits string // "결제 금액의 3% 적립, 상품 금액 5% 할인"
	Next     string // "VIP 등급까지 1,200,000원 남았습니다"; "" at the top
	Spent    string // what counts so far towards the next evaluation
	When     string // the day the next evaluation sets the grade
}

// gradeBox loads the grade box of customer userID; nil when the grades are
// not enabled.
func (h *Handler) gradeBox(ctx context.Context, lc *locale, userID int64) (*gradeView, error) {
	if h.grades == nil {
		return nil, nil
	}
	st, err := h.grades.Standing(ctx, userID)
	if err != nil {
		return nil, err
	}
	v := &gradeView{Name: st.Grade.Name, Spent: lc.Won(st.Spent), When: lc.Date(st.NextEvaluation)}
	v.Benefits = lc.F("grade.earn", promotion.Percent(st.Grade.EarnPermille))
	if st.Grade.DiscountPercent > 0 {
		v.Benefits += ", " + lc.F("grade.discount", st.Grade.DiscountPercent)
	}
	switch {
	case st.Next == nil:
		v.Next = lc.T("grade.top")
	case st.ToNext == 0:
		v.Next = lc.F("grade.reached", st.Next.Name)
	default:
		v.Next = lc.F("grade.next", st.Next.Name, lc.Won(st.ToNext))
	}
	return v, nil
}

// cartGradeDiscount is the cart's line of the grade discount the checkout
// will take off the selected lines, priced by pricing.Quote as the checkout
// prices them; "" when the customer's grade gives none.
func (h *Handler) cartGradeDiscount(ctx context.Context, lc *locale, c cart.Cart, userID int64) (string, error) {
	if h.grades == nil {
		return "", nil
	}
	pct, err := h.grades.GradeDiscount(ctx, userID)
	if err != nil || pct == 0 {
		return "", err
	}
	in := pricing.Input{GradeDiscountPercent: pct}
	for _, l := range c.Lines {
		if l.Selected && l.Available {
			in.Lines = append(in.Lines, l.Line)
		}
	}
	if len(in.Lines) == 0 {
		return "", nil
	}
	b, err := pricing.Quote(in)
	if err != nil || b.GradeDiscount == 0 {
		return "", err
	}
	return lc.F("cart.grade_discount", pct, lc.Won(b.GradeDiscount)), nil
}
