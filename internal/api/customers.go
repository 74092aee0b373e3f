package api

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/mallang/mallang/internal/account"
	"github.com/mallang/mallang/internal/account/address"
	"github.com/mallang/mallang/internal/audit"
	"github.com/mallang/mallang/internal/customer"
	"github.com/mallang/mallang/internal/fault"
	"github.com/mallang/mallang/internal/points"
)

// Customers is what the staff's customer endpoints use
// (*customer.Service); see its methods for the errors.
type Customers interface {
	Get(ctx context.Context, userID int64) (customer.Customer, error)
	Ledger(ctx context.Context, userID int64) ([]points.Entry, error)
	AdjustPoints(ctx context.Context, by audit.Actor, userID, delta int64, reason string) (int64, error)
	Addresses(ctx context.Context, userID int64) ([]address.Address, error)
	RevealAddresses(ctx context.Context, by audit.Actor, userID int64) ([]address.Address, error)
	Block(ctx context.Context, by audit.Actor, userID int64, reason string) error
	Unblock(ctx context.Context, by audit.Actor, userID int64, reason string) error
}

// CareDeps are the services of the customer-care endpoints: the staff's
// customer page and the 1:1 inquiries.
type CareDeps struct {
	Customers Customers
	Inquiries Inquiries
}

// EnableCustomerCare adds the staff's customer endpoints
// (/api/v1/admin/customers/{id}…) and the 1:1 inquiry endpoints, the
// customer's (/api/v1/inquiries…) and the staff's
// (/api/v1/admin/inquiries…). Call it after EnableAccounts and before
// Register.
func (a *API) EnableCustomerCare(d CareDeps) {
	if a.acc == nil || d.Customers == nil || d.Inquiries == nil {
		panic("api: EnableCustomerCare needs EnableAccounts first, Customers and Inquiries")
	}
	a.care = &d
	doc := a.huma.OpenAPI()
	doc.Tags = append(doc.Tags, &huma.Tag{Name: "Inquiries", Description: "The signed-in customer's 1:1 inquiries (1:1 문의) and the shop's answers."})
	staff := func(id, method, path, summary, desc string, errs ...int) huma.Operation {
		return a.staffOp(huma.Operation{OperationID: id, Method: method, Path: Prefix + "/admin/customers/{id}" + path,
			Summary: summary, Description: "For staff with the customers permission, with a staff token carrying the customers scope " +
				"(any other token gets 403). " + desc, Errors: append([]int{http.StatusForbidden, http.StatusNotFound}, errs...)}, account.PermCustomers)
	}
	huma.Register(a.huma, staff("get-customer", http.MethodGet, "", "Get a customer",
		"Returns the customer's profile with the phone number, grade, points balance, blocking, consent history and latest sign-ins."), a.getCustomer)
	huma.Register(a.huma, staff("list-customer-points", http.MethodGet, "/points", "Get a customer's points ledger",
		"Returns the ledger entries of the last 12 months, newest first."), a.customerPoints)
	huma.Register(a.huma, staff("adjust-customer-points", http.MethodPost, "/points", "Adjust a customer's points",
		"Adds (positive amount) or takes (negative) points with a reason the customer sees in their ledger; audited with the "+
			"staff member. A negative amount larger than the balance is refused (422 naming body.amount): points never go below "+
			"zero by an adjustment, and none can be taken while the balance is below zero (refunds took back points already "+
			"spent). Returns the balance after.", http.StatusUnprocessableEntity), a.adjustCustomerPoints)
	huma.Register(a.huma, staff("list-customer-addresses", http.MethodGet, "/addresses", "Get a customer's addresses",
		"Returns the address book. Without reveal=true every personal field is masked (nothing is decrypted); with it the "+
			"addresses are decrypted and the viewing is recorded in the audit log first (who viewed whose addresses, when)."), a.customerAddresses)
	huma.Register(a.huma, staff("block-customer", http.MethodPost, "/block", "Block a customer",
		"Stops the customer signing in (password, social sign-in, refresh tokens) and ordering, with a reason they are "+
			"told; every sign-in of theirs ends at once. Audited. 409 when blocked already; 403 for a staff account; 422 "+
			"naming body.reason.", http.StatusConflict, http.StatusUnprocessableEntity), a.blockCustomer)
	huma.Register(a.huma, staff("unblock-customer", http.MethodPost, "/unblock", "Unblock a customer",
		"Lets the customer sign in and order again; the reason goes to the audit log. 409 when not blocked; 422 naming body.reason.",
		http.StatusConflict, http.StatusUnprocessableEntity), a.unblockCustomer)
	a.registerInquiries()
	documentErrorHeaders(doc)
	a.renderSpec()
}

// CustomerProfile is a customer as staff see them.
type CustomerProfile struct {
	ID            int64             `json:"id" example:"42"`
	Email         string            `json:"email" example:"minji@example.com"`
	Name          string            `json:"name" example:"김민지"`
	Phone         string            `json:"phone" doc:"E.164; empty when not given." example:"+821012345678"`
	Grade         string            `json:"grade" doc:"The membership grade's code." example:"silver"`
	GradeName     string            `json:"grade_name" example:"실버"`
	Points        int64             `json:"points" doc:"The points balance; below zero while the customer owes points refunds took back." example:"3000"`
	Blocked       bool              `json:"blocked" example:"false"`
	BlockedAt     *time.Time        `json:"blocked_at" nullable:"true" example:"2026-12-01T02:00:00Z"`
	BlockedReason string            `json:"blocked_reason" example:""`
	CreatedAt     time.Time         `json:"created_at" example:"2026-11-30T01:00:00Z"`
	Consents      []CustomerConsent `json:"consents" nullable:"false" doc:"Consent changes, newest first."`
	Logins        []CustomerLogin   `json:"logins" nullable:"false" doc:"The latest sign-in attempts, newest first."`
}

// CustomerConsent is one change of a consent.
type CustomerConsent struct {
	Kind  string    `json:"kind" enum:"terms,marketing" example:"marketing"`
	Given bool      `json:"given" doc:"Given (true) or withdrawn (false)." example:"true"`
	At    time.Time `json:"at" example:"2026-11-30T01:00:00Z"`
}

// CustomerLogin is one sign-in attempt.
type CustomerLogin struct {
	At        time.Time `json:"at" example:"2026-11-30T01:00:00Z"`
	Method    string    `json:"method" enum:"password,social" example:"password"`
	Success   bool      `json:"success" example:"true"`
	IP        string    `json:"ip" example:"198.51.100.7"`
	UserAgent string    `json:"user_agent" example:"Mozilla/5.0"`
}

// PointsEntry is one line of a points ledger.
type PointsEntry struct {
	ID           int64     `json:"id" example:"9"`
	Kind         string    `json:"kind" enum:"earn,spend,expire,adjust,refund,revoke" example:"adjust"`
	Amount       int64     `json:"amount" doc:"Positive for credits, negative for debits." example:"3000"`
	BalanceAfter int64     `json:"balance_after" example:"3000"`
	Memo         string    `json:"memo" example:"배송 지연 보상"`
	ActorID      int64     `json:"actor_id" doc:"The staff member of an adjustment; 0 otherwise." example:"1"`
	CreatedAt    time.Time `json:"created_at" example:"2026-11-30T01:00:00Z"`
}

// CustomerAddress is an address of a customer's book, masked unless
// revealed.
type CustomerAddress struct {
	ID        int64  `json:"id" example:"3"`
	Default   bool   `json:"default" example:"true"`
	Masked    bool   `json:"masked" doc:"True when the personal fields are hidden (empty)." example:"true"`
	Label     string `json:"label" example:"집"`
	Recipient string `json:"recipient" example:"김민지"`
	Phone     string `json:"phone" example:"+821012345678"`
	Postcode  string `json:"postcode" example:"06236"`
	Line1     string `json:"line1" example:"서울특별시 강남구 테헤란로 152"`
	Line2     string `json:"line2" example:"12층"`
	Note      string `json:"note" example:""`
}

type customerIDInput struct {
	ID int64 `path:"id" minimum:"1" doc:"The customer's user id." example:"42"`
}

type customerOutput struct{ Body CustomerProfile }

type pointsEntriesOutput struct {
	Body []PointsEntry `nullable:"false"`
}

type adjustPointsInput struct {
	ID   int64 `path:"id" minimum:"1" example:"42"`
	Body struct {
		Amount int64  `json:"amount" doc:"Points to add, or to take when negative; not zero." example:"3000"`
		Reason string `json:"reason" maxLength:"800" doc:"Why, at most 200 characters; the customer sees it." example:"배송 지연 보상"`
	}
}

type balanceOutput struct {
	Body struct {
		Points int64 `json:"points" doc:"The balance after the adjustment." example:"3000"`
	}
}

type customerAddressesInput struct {
	ID     int64 `path:"id" minimum:"1" example:"42"`
	Reveal bool  `query:"reveal" doc:"Decrypt the addresses; the viewing is audited." example:"false"`
}

type customerAddressesOutput struct {
	Body []CustomerAddress `nullable:"false"`
}

type blockInput struct {
	ID   int64 `path:"id" minimum:"1" example:"42"`
	Body struct {
		Reason string `json:"reason" maxLength:"2000" doc:"Why, at most 500 characters; a blocked customer is told it." example:"허위 주문 반복"`
	}
}

type customerStateOutput struct {
	Body struct {
		Blocked bool `json:"blocked" example:"true"`
	}
}

// careActor is the signed-in staff member of ctx, once their token's
// customers scope is checked.
func careActor(ctx context.Context) (audit.Actor, error) {
	u, err := signedIn(ctx)
	if err != nil {
		return audit.Actor{}, err
	}
	if err := needScope(ctx, account.PermCustomers); err != nil {
		return audit.Actor{}, err
	}
	return apiActor(ctx, u), nil
}

func (a *API) getCustomer(ctx context.Context, in *customerIDInput) (*customerOutput, error) {
	if _, err := careActor(ctx); err != nil {
		return nil, err
	}
	c, err := a.care.Customers.Get(ctx, in.ID)
	if err != nil {
		return nil, a.problem(ctx, err, "path")
	}
	p := CustomerProfile{ID: c.ID, Email: c.Email, Name: c.Name, Phone: c.Phone, Grade: c.Grade.Code, GradeName: c.Grade.Name,
		Points: c.Balance, Blocked: !c.BlockedAt.IsZero(), BlockedReason: c.BlockedReason, CreatedAt: c.CreatedAt,
		Consents: make([]CustomerConsent, 0, len(c.Consents)), Logins: make([]CustomerLogin, 0, len(c.Logins))}
	if p.Blocked {
		at := c.BlockedAt
		p.BlockedAt = &at
	}
	for _, e := range c.Consents {
		p.Consents = append(p.Consents, CustomerConsent{Kind: e.Kind, Given: e.Given, At: e.CreatedAt})
	}
	for _, e := range c.Logins {
		p.Logins = append(p.Logins, CustomerLogin{At: e.CreatedAt, Method: e.Method, Success: e.Success, IP: e.IP, UserAgent: e.UserAgent})
	}
	return &customerOutput{Body: p}, nil
}

func (a *API) customerPoints(ctx context.Context, in *customerIDInput) (*pointsEntriesOutput, error) {
	if _, err := careActor(ctx); err != nil {
		return nil, err
	}
	if _, err := a.care.Customers.Get(ctx, in.ID); err != nil {
		return nil, a.problem(ctx, err, "path")
	}
	es, err := a.care.Customers.Ledger(ctx, in.ID)
	if err != nil {
		return nil, a.problem(ctx, err, "path")
	}
	out := &pointsEntriesOutput{Body: make([]PointsEntry, 0, len(es))}
	for _, e := range es {
		out.Body = append(out.Body, PointsEntry{ID: e.ID, Kind: e.Kind, Amount: e.Amount, BalanceAfter: e.BalanceAfter, Memo: e.Memo,
			ActorID: e.ActorID, CreatedAt: e.CreatedAt})
	}
	return out, nil
}

func (a *API) adjustCustomerPoints(ctx context.Context, in *adjustPointsInput) (*balanceOutput, error) {
	by, err := careActor(ctx)
	if err != nil {
		return nil, err
	}
	b, err := a.care.Customers.AdjustPoints(ctx, by, in.ID, in.Body.Amount, in.Body.Reason)
	if err != nil {
		return nil, a.fieldProblem(ctx, err, map[string]string{"delta": "body.amount", "reason": "body.reason"}, "body")
	}
	out := &balanceOutput{}
	out.Body.Points = b
	return out, nil
}

func (a *API) customerAddresses(ctx context.Context, in *customerAddressesInput) (*customerAddressesOutput, error) {
	by, err := careActor(ctx)
	if err != nil {
		return nil, err
	}
	var as []address.Address
	if in.Reveal {
		as, err = a.care.Customers.RevealAddresses(ctx, by, in.ID)
	} else {
		if _, err = a.care.Customers.Get(ctx, in.ID); err == nil {
			as, err = a.care.Customers.Addresses(ctx, in.ID)
		}
	}
	if err != nil {
		return nil, a.problem(ctx, err, "path")
	}
	out := &customerAddressesOutput{Body: make([]CustomerAddress, 0, len(as))}
	for _, ad := range as {
		c := CustomerAddress{ID: ad.ID, Default: ad.IsDefault, Masked: !in.Reveal}
		if in.Reveal {
			c.Label, c.Recipient, c.Phone, c.Postcode = ad.Label, ad.Recipient, ad.Phone, ad.Postcode
			c.Line1, c.Line2, c.Note = ad.Line1, ad.Line2, ad.Note
		}
		out.Body = append(out.Body, c)
	}
	return out, nil
}

func (a *API) blockCustomer(ctx context.Context, in *blockInput) (*customerStateOutput, error) {
	return a.blockStep(ctx, in, true)
}

func (a *API) unblockCustomer(ctx context.Context, in *blockInput) (*customerStateOutput, error) {
	return a.blockStep(ctx, in, false)
}

func (a *API) blockStep(ctx context.Context, in *blockInput, block bool) (*customerStateOutput, error) {
	by, err := careActor(ctx)
	if err != nil {
		return nil, err
	}
	if block {
		err = a.care.Customers.Block(ctx, by, in.ID, in.Body.Reason)
	} else {
		err = a.care.Customers.Unblock(ctx, by, in.ID, in.Body.Reason)
	}
	switch {
	case errors.Is(err, account.ErrAlreadyBlocked):
		return nil, newProblem(http.StatusConflict, "The customer is blocked already.")
	case errors.Is(err, account.ErrNotBlocked):
		return nil, newProblem(http.StatusConflict, "The customer is not blocked.")
	case errors.Is(err, fault.ErrForbidden):
		return nil, newProblem(http.StatusForbidden, "A staff account is not blocked: take its role away instead.")
	case err != nil:
		return nil, a.fieldProblem(ctx, err, map[string]string{"reason": "body.reason"}, "body")
	}
	out := &customerStateOutput{}
	out.Body.Blocked = block
	return out, nil
}
