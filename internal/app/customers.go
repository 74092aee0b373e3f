package app

import (
	"context"

	"github.com/mallang/mallang/internal/attendance"
	"github.com/mallang/mallang/internal/customer"
	"github.com/mallang/mallang/internal/inquiry"
)

// wireCustomers builds the staff's customer page service and the 1:1
// inquiries on the account, points, address, promotion and order services.
// A new inquiry is mailed to the staff address, as a return request is.
func (a *App) wireCustomers() {
	s := a.acc
	s.customers = customer.New(a.DB, customer.Deps{Accounts: a.Accounts, Points: s.points, Addresses: s.addresses,
		Grades: s.promotions, Audit: s.audit}, a.now, a.log)
	s.inquiries = inquiry.NewService(a.DB, inquiry.Deps{Orders: s.orders, Media: a.Media, Audit: s.audit,
		Mailer: s.outbox, Customers: a.Accounts}, inquiry.Config{BaseURL: a.cfg.BaseURL,
		AdminURL: a.cfg.BaseURL + a.cfg.AdminPath, StaffEmail: a.staffEmail()}, a.now, a.log)
	s.attendance = attendance.New(a.DB, s.points, a.attendanceRules, a.now)
}

// attendanceRules reads the attendance policy from the live settings at
// each check.
func (a *App) attendanceRules(ctx context.Context) attendance.Rules {
	st := a.live.s.Current(ctx).Attendance
	return attendance.Rules{On: st.On, Points: st.Points, StreakDays: st.StreakDays, StreakBonus: st.StreakBonus}
}

// Attendance is the attendance check service, for tools and tests.
func (a *App) Attendance() *attendance.Service { return a.acc.attendance }

// Customers is the staff's customer service, for tools and tests.
func (a *App) Customers() *customer.Service { return a.acc.customers }

// Inquiries is the 1:1 inquiry service, for tools and tests.
func (a *App) Inquiries() *inquiry.Service { return a.acc.inquiries }
