package api

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/mallang/mallang/internal/account"
	"github.com/mallang/mallang/internal/account/address"
	"github.com/mallang/mallang/internal/account/apitoken"
	"github.com/mallang/mallang/internal/fault"
	"github.com/mallang/mallang/internal/ratelimit"
	"github.com/mallang/mallang/internal/security"
)

// Accounts is what the account endpoints need of the account service;
// *account.Service implements it.
type Accounts interface {
	// Login checks a password grant against the blocklist and the login
	// limits, then the password.
	Login(ctx context.Context, in account.Login) (account.User, error)
	// LinkGuard counts a request that mails a link and refuses it when over
	// the link limits.
	LinkGuard(ctx context.Context, ip, email string) error
	SignUp(ctx context.Context, in account.SignUp) error
	Verify(ctx context.Context, token string) (account.User, error)
	ResendVerification(ctx context.Context, email string) error
	RequestPasswordReset(ctx context.Context, email string) error
	ResetPassword(ctx context.Context, token, password string) (account.User, error)
	// User returns an account that is not deleted, or fault.ErrNotFound.
	User(ctx context.Context, id int64) (account.User, error)
	UpdateProfile(ctx context.Context, userID int64, p account.Profile) (account.User, error)
	ChangePassword(ctx context.Context, userID int64, current, password string) (account.User, error)
	Delete(ctx context.Context, userID int64, confirm string) error
	// CheckTOTP checks a staff member's authenticator code under the
	// second-factor limit: *fault.Invalid ("code") for anything but six
	// digits, account.ErrNoSecondFactor, a wrong code
	// (fault.ErrUnauthenticated) or ratelimit.ErrLimited.
	CheckTOTP(ctx context.Context, userID int64, code string) error
}

// Tokens is what the API needs of the API token service; *apitoken.Service
// implements it.
type Tokens interface {
	Issue(ctx context.Context, userID int64, client, ip string) (apitoken.Pair, error)
	// IssueStaff issues a staff token carrying scopes and audits it.
	IssueStaff(ctx context.Context, g apitoken.StaffGrant) (apitoken.Pair, error)
	Refresh(ctx context.Context, refreshToken, client, ip string) (apitoken.Pair, error)
	Revoke(ctx context.Context, refreshToken string) error
	Verify(ctx context.Context, token string) (apitoken.Claims, error)
}

// Addresses is what the API needs of the address book; *address.Service
// implements it. Every method is scoped to the signed-in user's id.
type Addresses interface {
	List(ctx context.Context, userID int64) ([]address.Address, error)
	Get(ctx context.Context, userID, id int64) (address.Address, error)
	Create(ctx context.Context, userID int64, in address.Input) (address.Address, error)
	Update(ctx context.Context, userID, id int64, in address.Input) (address.Address, error)
	Delete(ctx context.Context, userID, id int64) error
	SetDefault(ctx context.Context, userID, id int64) error
}

// Limiter counts attempts; *ratelimit.Limiter implements it. The API uses it
// for RefreshLimit only: the password grant and the mailing endpoints are
// limited inside the account service.
type Limiter interface {
	Check(ctx context.Context, l ratelimit.Limit, key string) (ratelimit.Decision, error)
	Hit(ctx context.Context, l ratelimit.Limit, key string) (ratelimit.Decision, error)
}

// RefreshLimit bounds failed refresh-token exchanges per client IP address.
// Only refusals count (unknown, expired, revoked or reused tokens), so many
// app users behind one carrier NAT address do not lock each other out by
// refreshing normally; a client that keeps presenting bad tokens is refused
// before any token is looked up.
var RefreshLimit = ratelimit.Limit{Name: "api-refresh-ip", Max: 60, Window: 15 * time.Minute}

// AccountDeps are the services behind the account endpoints. All are
// required.
type AccountDeps struct {
	Accounts  Accounts
	Tokens    Tokens
	Addresses Addresses
	Limiter   Limiter
}

// accountTags are the OpenAPI tags of the account endpoints.
var accountTags = []*huma.Tag{
	{Name: "Auth", Description: "Signing up, signing in with a password grant, refreshing and revoking tokens, and the emailed one-time links."},
	{Name: "Me", Description: "The signed-in customer's own account. Every operation needs an access token."},
	{Name: "Addresses", Description: "The signed-in customer's address book. Every operation needs an access token."},
}

// bearerScheme names the security scheme of the operations that need an
// access token.
const bearerScheme = "bearer"

// EnableAccounts adds the account endpoints — /api/v1/auth/… and
// /api/v1/me/… — over deps and re-renders the OpenAPI document with them
// and the bearer security scheme. Call it once, after New and before
// Register; without it the endpoints do not exist. It panics when a
// dependency is missing, a wiring mistake every start would show.
func (a *API) EnableAccounts(deps AccountDeps) {
	if deps.Accounts == nil || deps.Tokens == nil || deps.Addresses == nil || deps.Limiter == nil {
		panic("api: EnableAccounts needs Accounts, Tokens, Addresses and Limiter")
	}
	a.acc = &deps
	doc := a.huma.OpenAPI()
	doc.Tags = append(doc.Tags, accountTags...)
	if doc.Components.SecuritySchemes == nil {
		doc.Components.SecuritySchemes = map[string]*huma.SecurityScheme{}
	}
	doc.Components.SecuritySchemes[bearerScheme] = &huma.SecurityScheme{
		Type:         "http",
		Scheme:       "bearer",
		BearerFormat: "JWT",
		Description: "An access token from POST /api/v1/auth/token or /api/v1/auth/refresh, sent as " +
			"`Authorization: Bearer <access_token>`. It lasts expires_in seconds and ends at once on logout, " +
			"password change or reset, a role change and account deletion. A staff token, got with the second factor, " +
			"also carries scopes (staff permissions); an operation that lists a scope in its security requirement " +
			"answers 403 to a token without it, a customer's token included.",
	}
	doc.Info.Description = strings.Replace(apiDescription, "The public, read-only API of the shop's catalog.",
		"The shop's public API: the catalog, read-only, and customers' own accounts and address books.", 1) + accountsDescription
	a.registerAuth()
	a.registerMe()
	a.registerAddresses()
	documentErrorHeaders(doc)
	a.renderSpec()
}

// documentErrorHeaders declares the headers that come with some problems:
// Retry-After on every 429 and WWW-Authenticate on every 401 of an
// operation that takes a bearer token.
func documentErrorHeaders(doc *huma.OpenAPI) {
	retry := &huma.Param{
		Description: "Seconds to wait before trying again.",
		Schema:      &huma.Schema{Type: huma.TypeInteger, Examples: []any{900}},
	}
	challenge := &huma.Param{
		Description: `The bearer challenge (RFC 6750): error="invalid_token" when a token was sent but is invalid, expired or revoked; no error when none was sent.`,
		Schema:      &huma.Schema{Type: huma.TypeString, Examples: []any{`Bearer realm="mallang-api", error="invalid_token"`}},
	}
	for _, item := range doc.Paths {
		for _, op := range []*huma.Operation{item.Get, item.Put, item.Post, item.Delete, item.Patch} {
			if op == nil {
				continue
			}
			if r := op.Responses["429"]; r != nil {
				r.Headers = map[string]*huma.Param{"Retry-After": retry}
			}
			if r := op.Responses["401"]; r != nil && len(op.Security) > 0 {
				r.Headers = map[string]*huma.Param{"WWW-Authenticate": challenge}
			}
		}
	}
}

const accountsDescription = `

Accounts:

* Apps sign in with POST /api/v1/auth/token (email and password) and get an access token and a
  refresh token. Send the access token as ` + "`Authorization: Bearer …`" + `; when it expires, exchange
  the refresh token at POST /api/v1/auth/refresh. A refresh token works once: keep one refresh in
  flight and store the new token before using it, because presenting a used one again ends the
  sign-in.
* A missing or invalid access token is a 401 with ` + "`WWW-Authenticate: Bearer`" + `; too many attempts a
  429 with ` + "`Retry-After`" + ` in seconds.
* Staff get their token at the same endpoint with ` + "`totp_code`" + `, the code of the authenticator app
  set up at their first back-office login. The token's ` + "`scope`" + ` lists the staff permissions
  granted; each operation of the Admin tag names the scope it needs in its security requirement
  and answers 403 (with ` + "`WWW-Authenticate: Bearer error=\"insufficient_scope\"`" + `) to a token without
  it, or whose staff member no longer has that permission. A staff sign-in lasts at most twelve
  hours, and ends after an hour without a refresh.
* Account responses are never cached (` + "`Cache-Control: no-store`" + `).`

// noStore keeps every answer of an account operation, errors included, out
// of caches: they carry tokens and personal data.
func noStore(ctx huma.Context, next func(huma.Context)) {
	ctx.SetHeader("Cache-Control", "no-store")
	next(ctx)
}

// accountOp fills in what every account operation shares: the tag, the
// body limit, the no-store middleware and, when authed, the bearer scheme
// with its 401 and the middleware that checks the access token.
func (a *API) accountOp(op huma.Operation, tag string, authed bool) huma.Operation {
	op.Tags = []string{tag}
	op.MaxBodyBytes = maxBodyBytes
	op.Middlewares = huma.Middlewares{noStore}
	if authed {
		op.Security = []map[string][]string{{bearerScheme: {}}}
		op.Errors = append([]int{http.StatusUnauthorized}, op.Errors...)
		op.Middlewares = append(op.Middlewares, a.requireUser)
	}
	op.Errors = append(op.Errors, http.StatusInternalServerError)
	return op
}

// staffOp is accountOp for an operation of the Admin tag that needs a staff
// token with the scope perm. The scope is named in the operation's security
// requirement, so the OpenAPI document says what each operation needs, and
// requireScope answers 403 to any other token — a customer's, or a staff
// token without perm — before the parameters and the body are read.
func (a *API) staffOp(op huma.Operation, perm account.Permission) huma.Operation {
	op = a.accountOp(op, "Admin", true)
	op.Security = []map[string][]string{{bearerScheme: {string(perm)}}}
	if !slices.Contains(op.Errors, http.StatusForbidden) {
		op.Errors = append(op.Errors, http.StatusForbidden)
	}
	op.Middlewares = append(op.Middlewares, a.requireScope(perm))
	return op
}

// userKey and grantKey are the context keys of the signed-in user and of
// the permissions their token gives now.
type (
	userKey  struct{}
	grantKey struct{}
)

// requireUser checks the access token before huma reads the parameters and
// the body, so a request without a valid token gets its 401 whatever else
// is wrong with it, and hands the user and what the token grants to the
// handler in the context.
func (a *API) requireUser(ctx huma.Context, next func(huma.Context)) {
	u, granted, err := a.authenticate(ctx.Context(), ctx.Header("Authorization"))
	if err != nil {
		a.writeErr(ctx, err)
		return
	}
	next(huma.WithValue(huma.WithValue(ctx, userKey{}, u), grantKey{}, granted))
}

// requireScope returns the middleware of staffOp: it runs after
// requireUser and lets through only a token that grants perm now.
func (a *API) requireScope(perm account.Permission) func(huma.Context, func(huma.Context)) {
	return func(ctx huma.Context, next func(huma.Context)) {
		if err := needScope(ctx.Context(), perm); err != nil {
			a.writeErr(ctx, err)
			return
		}
		next(ctx)
	}
}

// writeErr writes the problem err (with its headers) from a middleware.
func (a *API) writeErr(ctx huma.Context, err error) {
	var he huma.HeadersError
	if errors.As(err, &he) {
		for k, vs := range he.GetHeaders() {
			for _, v := range vs {
				ctx.AppendHeader(k, v)
			}
		}
	}
	p := newProblem(http.StatusInternalServerError, "Something went wrong on our side.")
	_ = errors.As(err, &p)
	_ = huma.WriteErr(a.huma, ctx, p.Status, p.Detail, errorDetails(p)...)
}

// errorDetails returns p's per-field errors as huma.WriteErr takes them.
func errorDetails(p *huma.ErrorModel) []error {
	errs := make([]error, 0, len(p.Errors))
	for _, e := range p.Errors {
		errs = append(errs, e)
	}
	return errs
}

// signedIn returns the user requireUser put in ctx. Only operations made
// with accountOp(…, true) may call it; elsewhere it answers 401.
func signedIn(ctx context.Context) (account.User, error) {
	u, ok := ctx.Value(userKey{}).(account.User)
	if !ok {
		return account.User{}, invalidToken()
	}
	return u, nil
}

// needScope returns nil when the token of the request grants perm now: it
// was issued with the scope perm (a staff token) and its user still has
// the permission. Otherwise it returns the 403 problem with an
// insufficient_scope challenge (RFC 6750, section 3.1) naming the scope
// needed and those the token gives. Handlers of staff operations call it
// too, so that one registered without staffOp by mistake is still closed.
func needScope(ctx context.Context, perm account.Permission) error {
	granted, _ := ctx.Value(grantKey{}).(account.Permissions)
	if granted.Has(perm) {
		return nil
	}
	have := "none (a customer's token, or a staff token whose permissions were taken away, carries none)"
	if len(granted) > 0 {
		have = strings.ReplaceAll(granted.String(), ",", " ")
	}
	detail := fmt.Sprintf("This operation is for staff: it needs an access token with the %q scope, which a staff member with that permission gets "+
		"at POST /api/v1/auth/token with the code of their authenticator app. This token's scopes: %s.", perm, have)
	challenge := fmt.Sprintf(`Bearer realm="mallang-api", error="insufficient_scope", scope="%s"`, perm)
	return huma.ErrorWithHeaders(newProblem(http.StatusForbidden, detail), http.Header{"WWW-Authenticate": {challenge}})
}

// caller is what the auth operations read of the request besides its body.
// Input structs hold it as a field named Caller; huma fills it through
// Resolve, and it adds nothing to the OpenAPI document.
type caller struct {
	ip    string // the client's address without port, from RemoteAddr
	agent string // User-Agent, the client description stored with tokens
}

// Resolve implements huma.Resolver.
func (c *caller) Resolve(ctx huma.Context) []error {
	c.ip = remoteIP(ctx.RemoteAddr())
	c.agent = ctx.Header("User-Agent")
	return nil
}

// remoteIP is the host of a RemoteAddr ("203.0.113.5:4411" → "203.0.113.5").
func remoteIP(addr string) string {
	if ip, ok := security.NormalizeIP(addr); ok {
		return ip
	}
	return addr
}

// bearerToken returns the token of an "Authorization: Bearer" header (the
// scheme is case-insensitive, RFC 7235), or "" when there is none.
func bearerToken(header string) string {
	scheme, token, ok := strings.Cut(strings.TrimSpace(header), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return ""
	}
	return strings.TrimSpace(token)
}

// authenticate verifies the caller's access token and returns the user it
// belongs to and the permissions it grants now: the token's scopes that the
// user still has (none for a customer's token). A missing token gives a
// 401 whose WWW-Authenticate carries no error code, an invalid, expired or
// revoked one a 401 with error="invalid_token" (RFC 6750, section 3.1); a
// database failure is a 500, so an outage does not make apps throw their
// tokens away.
func (a *API) authenticate(ctx context.Context, authorization string) (account.User, account.Permissions, error) {
	token := bearerToken(authorization)
	if token == "" {
		return account.User{}, nil, unauthorized(`Bearer realm="mallang-api"`, "Send an access token: Authorization: Bearer <access_token>.")
	}
	claims, err := a.acc.Tokens.Verify(ctx, token)
	if err != nil {
		if errors.Is(err, fault.ErrUnauthenticated) {
			return account.User{}, nil, invalidToken()
		}
		return account.User{}, nil, a.problem(ctx, err, "header")
	}
	u, err := a.acc.Accounts.User(ctx, claims.UserID)
	if err != nil {
		if errors.Is(err, fault.ErrNotFound) {
			return account.User{}, nil, invalidToken()
		}
		return account.User{}, nil, a.problem(ctx, err, "header")
	}
	return u, u.Granted(claims.Scopes), nil
}

func invalidToken() error {
	return unauthorized(`Bearer realm="mallang-api", error="invalid_token", error_description="The access token is invalid or has expired"`,
		"The access token is invalid, expired or revoked; refresh it or sign in again.")
}

func unauthorized(challenge, detail string) error {
	return huma.ErrorWithHeaders(newProblem(http.StatusUnauthorized, detail), http.Header{"WWW-Authenticate": {challenge}})
}

// accountProblem maps the errors of the account services that say more than
// their fault kind, then falls back to problem:
//
//	account.ErrBlocked                       → 403
//	account.ErrLinkUsed, ErrLinkExpired      → 410 (ask for a new link)
//	account.ErrLinkUnknown                   → 404
//
// rename maps the services' field names to the body's JSON names where they
// differ; a 422 lists the JSON names.
func (a *API) accountProblem(ctx context.Context, err error, rename map[string]string) error {
	switch {
	case errors.Is(err, account.ErrBlocked):
		return newProblem(http.StatusForbidden, "Signing in from this network address is blocked for a while.")
	case errors.Is(err, account.ErrLinkUsed):
		return newProblem(http.StatusGone, "This link has already been used; ask for a new one.")
	case errors.Is(err, account.ErrLinkExpired):
		return newProblem(http.StatusGone, "This link has expired; ask for a new one.")
	case errors.Is(err, account.ErrLinkUnknown):
		return newProblem(http.StatusNotFound, "This link is not valid; check that it was copied whole, or ask for a new one.")
	}
	if inv, ok := fault.AsInvalid(err); ok && len(rename) > 0 {
		fields := make(map[string]string, len(inv.Fields))
		for f, msg := range inv.Fields {
			if to, ok := rename[f]; ok {
				f = to
			}
			fields[f] = msg
		}
		err = &fault.Invalid{Fields: fields}
	}
	return a.problem(ctx, err, "body")
}

// Status is the body of an answer that has nothing else to say.
type Status struct {
	Status string `json:"status" doc:"What happened." example:"verification_sent"`
}
