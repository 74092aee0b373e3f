package backoffice

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/mallang/mallang/internal/account"
	"github.com/mallang/mallang/internal/fault"
	"github.com/mallang/mallang/internal/ratelimit"
)

// users lists and searches accounts.
func (h *Handler) users(w http.ResponseWriter, r *http.Request, m *messages, u account.User) error {
	n := pageNumber(r)
	q := account.UserQuery{
		Search:    cut(strings.TrimSpace(r.URL.Query().Get("q")), 320),
		StaffOnly: r.URL.Query().Get("staff") == "1",
		// The dormant filter (decision 0069).
		DormantOnly: r.URL.Query().Get("dormant") == "1",
		Limit:       usersPage,
		Offset:      (n - 1) * usersPage,
	}
	us, total, err := h.deps.Accounts.ListUsers(r.Context(), q)
	if err != nil {
		return err
	}
	h.render(w, r, http.StatusOK, usersList(h.page(r, m, u, m.T("users.title"), "users"), us, q, newPager(r, n, n*usersPage < total), h.url("/users")))
	return nil
}

// userView is what the page of one user shows.
type userView struct {
	User      account.User
	TwoFactor bool
	// CanEdit: the viewer may change the role (a superuser).
	CanEdit bool
	// CanReset: the viewer may reset the user's second factor.
	CanReset  bool
	RoleURL   string
	ResetURL  string
	Notice    string
	Error     string
	BackURL   string
	Perms     []permView
	RoleNames []roleView
	// ShowOrders: the viewer may see orders (account.PermOrders), so the
	// page lists the customer's latest ones.
	ShowOrders bool
	Orders     []userOrder
	// Care is the customer's part of the page (customers.go); nil for
	// staff accounts.
	Care *careView
}

// userOrder is one of a customer's orders as their page lists it.
type userOrder struct {
	Number, URL, Status, Total, Placed string
	StatusKey                          string
}

// userOrders is how many of a customer's latest orders their page lists.
const userOrders = 20

type permView struct {
	Value   string
	Label   string
	Checked bool
}

type roleView struct {
	Value    string
	Label    string
	Selected bool
}

// canReset reports whether actor may reset target's second factor: the
// security permission, and for a superuser's, being one.
func canReset(actor, target account.User) bool {
	return actor.Can(account.PermSecurity) && target.Role.IsStaff() && (target.Role != account.Superuser || actor.Role == account.Superuser)
}

// user shows one account with its role, permissions and second factor.
func (h *Handler) user(w http.ResponseWriter, r *http.Request, m *messages, u account.User) error {
	return h.showUser(w, r, m, u, http.StatusOK, "", "")
}

func (h *Handler) showUser(w http.ResponseWriter, r *http.Request, m *messages, actor account.User, status int, notice, errMsg string) error {
	return h.showUserWith(w, r, m, actor, status, notice, errMsg, careNote{})
}

// showUserWith is showUser with what a form of the customer's part says.
func (h *Handler) showUserWith(w http.ResponseWriter, r *http.Request, m *messages, actor account.User, status int, notice, errMsg string, cn careNote) error {
	id := pathID(r)
	if id == 0 {
		return fault.ErrNotFound
	}
	t, err := h.deps.Accounts.User(r.Context(), id)
	if err != nil {
		return err
	}
	on := false
	if t.Role.IsStaff() {
		if on, err = h.deps.TwoFactor.Enabled(r.Context(), t.ID); err != nil {
			return err
		}
	}
	base := h.url("/users/" + strconv.FormatInt(t.ID, 10))
	v := userView{
		User: t, TwoFactor: on, CanEdit: actor.Role == account.Superuser && actor.Active,
		CanReset: canReset(actor, t), RoleURL: base + "/role", ResetURL: base + "/reset-2fa",
		Notice: notice, Error: errMsg, BackURL: h.url("/users"),
	}
	if v.ShowOrders = actor.Can(account.PermOrders); v.ShowOrders {
		os, err := h.deps.Orders.List(r.Context(), t.ID, userOrders, 0)
		if err != nil {
			return err
		}
		for _, o := range os {
			v.Orders = append(v.Orders, userOrder{Number: o.Number, URL: h.url("/orders/" + strconv.FormatInt(o.ID, 10)),
				Status: m.T("status." + string(o.Status)), StatusKey: string(o.Status), Total: m.Money(o.TotalAmount()),
				Placed: m.Time(o.CreatedAt)})
		}
	}
	if !t.Role.IsStaff() {
		if v.Care, err = h.careViewOf(r.Context(), m, t, cn); err != nil {
			return err
		}
	}
	for _, p := range account.AllPermissions {
		has := false
		for _, q := range t.Permissions {
			has = has || q == p
		}
		v.Perms = append(v.Perms, permView{Value: string(p), Label: m.T("perm." + string(p)), Checked: has})
	}
	for _, ro := range account.Roles {
		v.RoleNames = append(v.RoleNames, roleView{Value: string(ro), Label: m.T("role." + string(ro)), Selected: ro == t.Role})
	}
	p := h.page(r, m, actor, t.Email, "users")
	p.Notice = notice
	h.render(w, r, status, userPage(p, v))
	return nil
}

// setRole changes a user's role and permissions (superusers only; the
// account service checks it too); the account service audits a change.
func (h *Handler) setRole(w http.ResponseWriter, r *http.Request, m *messages, u account.User) error {
	if u.Role != account.Superuser {
		return fault.ErrForbidden
	}
	id := pathID(r)
	if id == 0 {
		return fault.ErrNotFound
	}
	if err := r.ParseForm(); err != nil {
		return h.showUser(w, r, m, u, http.StatusBadRequest, "", m.T("err.body"))
	}
	var perms account.Permissions
	for _, p := range r.PostForm["perm"] {
		perms = append(perms, account.Permission(p))
	}
	role := account.Role(r.PostFormValue("role"))
	c, err := h.deps.Accounts.SetRole(r.Context(), staffActor(r, u), id, role, perms)
	_, bad := fault.AsInvalid(err)
	switch {
	case err == nil && c.Changed():
		h.log.InfoContext(r.Context(), "role changed in the back office", "actor_id", u.ID, "user_id", id)
		if id == u.ID {
			// Own sessions ended with the change: sign in again.
			http.Redirect(w, r, h.url("/login"), http.StatusSeeOther)
			return nil
		}
		return h.showUser(w, r, m, u, http.StatusOK, m.T("users.saved"), "")
	case err == nil:
		return h.showUser(w, r, m, u, http.StatusOK, m.T("users.nochange"), "")
	case errors.Is(err, account.ErrLastSuperuser):
		return h.showUser(w, r, m, u, http.StatusConflict, "", m.T("users.last"))
	case bad:
		return h.showUser(w, r, m, u, http.StatusUnprocessableEntity, "", m.T("err.body"))
	default:
		return err
	}
}

// resetTwoFactor removes a staff member's authenticator and recovery codes
// and ends their sessions; the account service audits it.
func (h *Handler) resetTwoFactor(w http.ResponseWriter, r *http.Request, m *messages, u account.User) error {
	id := pathID(r)
	if id == 0 {
		return fault.ErrNotFound
	}
	t, err := h.deps.Accounts.User(r.Context(), id)
	if err != nil {
		return err
	}
	if !canReset(u, t) {
		return fault.ErrForbidden
	}
	err = h.deps.Accounts.ResetSecondFactor(r.Context(), staffActor(r, u), t.ID)
	if err != nil {
		return err
	}
	h.log.InfoContext(r.Context(), "two-factor reset in the back office", "actor_id", u.ID, "user_id", t.ID)
	if t.ID == u.ID {
		http.Redirect(w, r, h.url("/login"), http.StatusSeeOther)
		return nil
	}
	return h.showUser(w, r, m, u, http.StatusOK, m.T("users.2fa.done"), "")
}

// retryAfter is the wait of a rate-limit error in whole minutes.
func retryAfter(err error) (int, bool) {
	d, ok := ratelimit.RetryAfter(err)
	return ratelimit.Minutes(d), ok
}
