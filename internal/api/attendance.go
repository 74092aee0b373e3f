package api

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/mallang/mallang/internal/attendance"
	"github.com/mallang/mallang/internal/fault"
	"github.com/mallang/mallang/internal/kst"
)

// Attendance is the attendance check (출석체크); *attendance.Service
// implements it.
type Attendance interface {
	Rules(ctx context.Context) attendance.Rules
	Today() string
	CheckIn(ctx context.Context, userID int64) (attendance.Check, error)
	Month(ctx context.Context, userID int64, first time.Time) ([]attendance.Check, error)
	Streak(ctx context.Context, userID int64) (int, error)
}

// AttendanceCheck is one day's check-in.
type AttendanceCheck struct {
	Day    string `json:"day" doc:"The day in Asia/Seoul." example:"2026-12-07"`
	Streak int    `json:"streak" doc:"Days in a row ending with this one." example:"3"`
	Points int64  `json:"points" doc:"Points the check earned (with the streak bonus, on a bonus day)." example:"10"`
}

// AttendanceMonth is a month of check-ins with the shop's policy.
type AttendanceMonth struct {
	Month       string            `json:"month" example:"2026-12"`
	Streak      int               `json:"streak" doc:"Days in a row the customer checked in, ending today or yesterday; 0 when the streak is broken." example:"3"`
	Points      int64             `json:"points" doc:"Points each day's check earns." example:"10"`
	StreakDays  int               `json:"streak_days" doc:"Every this many days in a row also earns streak_bonus; 0: no bonus." example:"7"`
	StreakBonus int64             `json:"streak_bonus" example:"100"`
	Checks      []AttendanceCheck `json:"checks" nullable:"false"`
}

type attendanceMonthInput struct {
	Month string `query:"month" pattern:"^[0-9]{4}-[0-9]{2}$" doc:"The month, YYYY-MM (Asia/Seoul); the current month when left out." example:"2026-12"`
}

type attendanceMonthOutput struct{ Body AttendanceMonth }

type attendanceCheckOutput struct{ Body AttendanceCheck }

// EnableAttendance adds the signed-in customer's attendance check under
// /api/v1/me/attendance. Call it after EnableAccounts and before Register.
func (a *API) EnableAttendance(s Attendance) {
	if a.acc == nil || s == nil {
		panic("api: EnableAttendance needs EnableAccounts first, and the attendance service")
	}
	a.attendance = s
	doc := a.huma.OpenAPI()
	doc.Tags = append(doc.Tags, &huma.Tag{Name: "Attendance", Description: "The attendance check (출석체크): once a day, points for each check and a bonus for days in a row."})
	huma.Register(a.huma, a.accountOp(huma.Operation{
		OperationID: "get-my-attendance",
		Method:      http.MethodGet,
		Path:        Prefix + "/me/attendance",
		Summary:     "Get my attendance month",
		Description: "Returns the month's check-ins, the current streak and what a check earns. 404 when the shop runs no attendance check.",
		Errors:      []int{http.StatusNotFound, http.StatusUnprocessableEntity},
	}, "Attendance", true), a.attendanceMonth)
	huma.Register(a.huma, a.accountOp(huma.Operation{
		OperationID: "check-in",
		Method:      http.MethodPost,
		Path:        Prefix + "/me/attendance",
		Summary:     "Check in today",
		Description: "Records today's check (the day in Asia/Seoul) and credits its points in the same transaction. A second check the same day, " +
			"also one racing the first, gets 409 and earns nothing. 404 when the shop runs no attendance check.",
		DefaultStatus: http.StatusCreated,
		Errors:        []int{http.StatusConflict, http.StatusNotFound},
	}, "Attendance", true), a.checkIn)
}

func (a *API) attendanceMonth(ctx context.Context, in *attendanceMonthInput) (*attendanceMonthOutput, error) {
	u, err := signedIn(ctx)
	if err != nil {
		return nil, err
	}
	rules := a.attendance.Rules(ctx)
	if !rules.On {
		return nil, a.problem(ctx, attendance.ErrOff, "query")
	}
	first, err := time.ParseInLocation(time.DateOnly, a.attendance.Today(), kst.Zone)
	if err != nil {
		return nil, a.problem(ctx, err, "query")
	}
	if in.Month != "" {
		if first, err = time.ParseInLocation("2006-01", in.Month, kst.Zone); err != nil {
			return nil, a.problem(ctx, &fault.Invalid{Fields: map[string]string{"month": "must be a month written YYYY-MM"}}, "query")
		}
	}
	checks, err := a.attendance.Month(ctx, u.ID, first)
	if err != nil {
		return nil, a.problem(ctx, err, "query")
	}
	streak, err := a.attendance.Streak(ctx, u.ID)
	if err != nil {
		return nil, a.problem(ctx, err, "query")
	}
	out := AttendanceMonth{Month: first.Format("2006-01"), Streak: streak, Points: rules.Points, StreakDays: rules.StreakDays,
		StreakBonus: rules.StreakBonus, Checks: make([]AttendanceCheck, 0, len(checks))}
	for _, c := range checks {
		out.Checks = append(out.Checks, AttendanceCheck{Day: c.Day, Streak: c.Streak, Points: c.Points})
	}
	return &attendanceMonthOutput{Body: out}, nil
}

func (a *API) checkIn(ctx context.Context, _ *struct{}) (*attendanceCheckOutput, error) {
	u, err := signedIn(ctx)
	if err != nil {
		return nil, err
	}
	c, err := a.attendance.CheckIn(ctx, u.ID)
	if errors.Is(err, attendance.ErrChecked) {
		return nil, newProblem(http.StatusConflict, "You have already checked in today (Asia/Seoul). Check in again tomorrow.")
	}
	if err != nil {
		return nil, a.problem(ctx, err, "body")
	}
	return &attendanceCheckOutput{Body: AttendanceCheck{Day: c.Day, Streak: c.Streak, Points: c.Points}}, nil
}
