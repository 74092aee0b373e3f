package api

import (
	"context"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/mallang/mallang/internal/account"
	"github.com/mallang/mallang/internal/audit"
	"github.com/mallang/mallang/internal/promotion"
)

// Grades are the membership grades: staff edit them, a customer reads
// where they stand. *promotion.Service and *promotion.Evaluator implement
// the two halves.
type Grades struct {
	Admin interface {
		Grades(ctx context.Context) ([]promotion.Grade, error)
		UpdateGrade(ctx context.Context, by audit.Actor, code string, in promotion.GradeChange) (promotion.Grade, error)
	}
	Standing interface {
		Standing(ctx context.Context, userID int64) (promotion.Standing, error)
	}
}

// Grade is a membership grade and what it gives.
type Grade struct {
	Code            string `json:"code" doc:"Stable key." example:"gold"`
	Name            string `json:"name" example:"골드"`
	Position        int    `json:"position" doc:"1 for the lowest grade, higher for higher grades." example:"3"`
	EarnPermille    int    `json:"earn_permille" doc:"Points earned per 1,000 won paid (30 = 3 %)." example:"30"`
	MinSpend        int64  `json:"min_spend" doc:"Won spent within the evaluation window to reach the grade; 0 for the lowest." example:"1000000"`
	DiscountPercent int    `json:"discount_percent" doc:"The grade's discount on the goods, before coupons, 0–50 %." example:"5"`
}

// MyGrade is where the signed-in customer stands among the grades.
type MyGrade struct {
	Grade Grade `json:"grade"`
	// Next is the grade above; null at the top.
	Next           *Grade    `json:"next" doc:"The grade above; null at the top."`
	Spent          int64     `json:"spent" doc:"Won spent so far within the window the next evaluation counts." example:"400000"`
	ToNext         int64     `json:"to_next" doc:"Won still to spend for next at the next evaluation; 0 at the top or once reached." example:"600000"`
	NextEvaluation time.Time `json:"next_evaluation" doc:"When the next monthly evaluation counts up to (00:00 on the first of next month, Asia/Seoul)."`
}

type gradeEditInput struct {
	Code string `path:"code" maxLength:"32"`
	Body struct {
		Name            string `json:"name" maxLength:"200" example:"골드"`
		EarnPermille    int    `json:"earn_permille" doc:"0–1000." example:"30"`
		MinSpend        int64  `json:"min_spend" doc:"0 for the lowest grade; between the grades below and above otherwise." example:"1000000"`
		DiscountPercent int    `json:"discount_percent" doc:"0–50." example:"5"`
	}
}

type gradeOutput struct{ Body Grade }

type gradesOutput struct {
	Body []Grade `nullable:"false"`
}

type myGradeOutput struct{ Body MyGrade }

func newGrade(g promotion.Grade) Grade {
	return Grade{Code: g.Code, Name: g.Name, Position: g.Position, EarnPermille: g.EarnPermille, MinSpend: g.MinSpend,
		DiscountPercent: g.DiscountPercent}
}

// EnableGrades adds the signed-in customer's grade (/api/v1/me/grade) and
// the staff's grade operations (/api/v1/admin/grades, scope orders, as in
// the back office). Call it after EnableAccounts and before Register.
func (a *API) EnableGrades(g Grades) {
	if a.acc == nil || g.Admin == nil || g.Standing == nil {
		panic("api: EnableGrades needs EnableAccounts first, and both halves of Grades")
	}
	a.grades = &g
	doc := a.huma.OpenAPI()
	doc.Tags = append(doc.Tags, &huma.Tag{Name: "Grades", Description: "Membership grades: the points each earns, " +
		"the discount each gives and the spending that reaches it, evaluated on the first of each month."})
	huma.Register(a.huma, a.accountOp(huma.Operation{
		OperationID: "get-my-grade",
		Method:      http.MethodGet,
		Path:        Prefix + "/me/grade",
		Summary:     "Get my grade",
		Description: "Returns the signed-in customer's grade, what it gives, the grade above and the won still to spend for it " +
			"within the window the next monthly evaluation counts.",
	}, "Grades", true), a.myGrade)
	huma.Register(a.huma, a.staffOp(huma.Operation{
		OperationID: "list-grades",
		Method:      http.MethodGet,
		Path:        Prefix + "/admin/grades",
		Summary:     "List membership grades",
		Description: "Returns the grades, lowest first.",
		Tags:        []string{"Grades"},
	}, account.PermOrders), a.listGrades)
	huma.Register(a.huma, a.staffOp(huma.Operation{
		OperationID: "update-grade",
		Method:      http.MethodPut,
		Path:        Prefix + "/admin/grades/{code}",
		Summary:     "Edit a membership grade",
		Description: "Sets the grade's name, earn rate, spending threshold and discount; the next quote and order use them. " +
			"Recorded in the audit log. 422 naming body.name, body.earn_permille, body.min_spend (0 for the lowest grade, " +
			"between the grades below and above otherwise) or body.discount_percent (0–50); 404 for an unknown code.",
		Errors: []int{http.StatusNotFound, http.StatusUnprocessableEntity},
		Tags:   []string{"Grades"},
	}, account.PermOrders), a.updateGrade)
}

func (a *API) myGrade(ctx context.Context, _ *struct{}) (*myGradeOutput, error) {
	u, err := signedIn(ctx)
	if err != nil {
		return nil, err
	}
	st, err := a.grades.Standing.Standing(ctx, u.ID)
	if err != nil {
		return nil, a.problem(ctx, err, "query")
	}
	out := MyGrade{Grade: newGrade(st.Grade), Spent: st.Spent, ToNext: st.ToNext, NextEvaluation: st.NextEvaluation}
	if st.Next != nil {
		n := newGrade(*st.Next)
		out.Next = &n
	}
	return &myGradeOutput{Body: out}, nil
}

// gradeStaff is the staff member asking, with the orders scope.
func gradeStaff(ctx context.Context) (audit.Actor, error) {
	u, err := signedIn(ctx)
	if err != nil {
		return audit.Actor{}, err
	}
	if err := needScope(ctx, account.PermOrders); err != nil {
		return audit.Actor{}, err
	}
	return apiActor(ctx, u), nil
}

func (a *API) listGrades(ctx context.Context, _ *struct{}) (*gradesOutput, error) {
	if _, err := gradeStaff(ctx); err != nil {
		return nil, err
	}
	gs, err := a.grades.Admin.Grades(ctx)
	if err != nil {
		return nil, a.problem(ctx, err, "query")
	}
	out := &gradesOutput{Body: make([]Grade, 0, len(gs))}
	for _, g := range gs {
		out.Body = append(out.Body, newGrade(g))
	}
	return out, nil
}

func (a *API) updateGrade(ctx context.Context, in *gradeEditInput) (*gradeOutput, error) {
	by, err := gradeStaff(ctx)
	if err != nil {
		return nil, err
	}
	g, err := a.grades.Admin.UpdateGrade(ctx, by, in.Code, promotion.GradeChange{Name: in.Body.Name,
		EarnPermille: in.Body.EarnPermille, MinSpend: in.Body.MinSpend, DiscountPercent: in.Body.DiscountPercent})
	if err != nil {
		return nil, a.problem(ctx, err, "body")
	}
	return &gradeOutput{Body: newGrade(g)}, nil
}
