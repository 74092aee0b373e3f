package api

import (
	"context"
	"errors"
	"net/http"
	"strings"

	"github.com/danielgtaylor/huma/v2"

	"github.com/mallang/mallang/internal/account"
	"github.com/mallang/mallang/internal/account/apitoken"
	"github.com/mallang/mallang/internal/audit"
	"github.com/mallang/mallang/internal/fault"
	"github.com/mallang/mallang/internal/ratelimit"
)

// Token is a token response (RFC 6749, section 5.1).
type Token struct {
	AccessToken  string `json:"access_token" doc:"Send as Authorization: Bearer on the operations that need it." example:"eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiI0MiJ9.c2lnbmF0dXJl"`
	TokenType    string `json:"token_type" enum:"Bearer" doc:"Always Bearer." example:"Bearer"`
	ExpiresIn    int64  `json:"expires_in" doc:"Seconds until the access token expires." example:"900"`
	RefreshToken string `json:"refresh_token" doc:"Exchange it once at POST /api/v1/auth/refresh for the next pair; keep it secret." example:"q1v3Tz0cXkUu9b7mJ0dL2yYk8wq3rN5sE1fH6gA4pZc"`
	Scope        string `json:"scope,omitempty" doc:"Staff tokens only: the staff permissions granted, space-separated (RFC 6749, section 3.3): any of catalog, orders, customers, content, mail and security; a superuser gets all of them. Each operation of the Admin tag names the scope it needs. Left out for a customer's token, which carries none." example:"orders"`
}

func newToken(p apitoken.Pair) Token {
	return Token{AccessToken: p.AccessToken, TokenType: "Bearer", ExpiresIn: int64(p.ExpiresIn.Seconds()), RefreshToken: p.RefreshToken,
		Scope: strings.Join(p.Scopes, " ")}
}

type tokenInput struct {
	Caller caller
	Body   struct {
		Email    string `json:"email" maxLength:"254" doc:"The account's email address." example:"minji@example.com"`
		Password string `json:"password" maxLength:"1024" doc:"The account's password." example:"말랑한 봄날의 산책"`
		TOTPCode string `json:"totp_code,omitempty" maxLength:"64" doc:"Staff accounts only, and required for them: the 6-digit code the authenticator app set up at the first back-office login shows now. Each code works once. Customers leave it out (it is ignored for them)." example:"492039"`
	}
}

type tokenOutput struct {
	Body Token
}

type refreshInput struct {
	Caller caller
	Body   struct {
		RefreshToken string `json:"refresh_token" maxLength:"256" doc:"The newest refresh token of the sign-in." example:"q1v3Tz0cXkUu9b7mJ0dL2yYk8wq3rN5sE1fH6gA4pZc"`
	}
}

type signUpInput struct {
	Caller caller
	Body   struct {
		Email            string `json:"email" maxLength:"254" doc:"The address the verification link is mailed to; it signs the account in." example:"minji@example.com"`
		Password         string `json:"password" maxLength:"1024" doc:"At least 10 characters; common passwords, simple runs and ones containing the address are refused." example:"말랑한 봄날의 산책"`
		Name             string `json:"name" maxLength:"100" doc:"The customer's name." example:"김민지"`
		Phone            string `json:"phone" maxLength:"32" doc:"Korean numbers in any usual form, others with their + country code; stored in E.164." example:"010-1234-5678"`
		AgreeTerms       bool   `json:"agree_terms" doc:"The terms of use and the privacy notice; must be true." example:"true"`
		MarketingConsent bool   `json:"marketing_consent,omitempty" doc:"Consent to marketing mail; recorded with its time when true." example:"false"`
		Birthday         string `json:"birthday,omitempty" required:"false" maxLength:"10" doc:"Optional: YYYY-MM-DD, or MM-DD without the year (02-29 is allowed)." example:"1990-05-17"`
	}
}

type statusOutput struct {
	Body Status
}

type linkInput struct {
	Body struct {
		Token string `json:"token" maxLength:"256" doc:"The token of the emailed link (the value of its token parameter)." example:"bq7m2Xc0yF3kT9rN1sV6wL8hD4pZ5aE2uG0jK7iO3cQ"`
	}
}

type userOutput struct {
	Body struct {
		User User `json:"user"`
	}
}

type emailInput struct {
	Caller caller
	Body   struct {
		Email string `json:"email" maxLength:"254" doc:"The account's email address." example:"minji@example.com"`
	}
}

type resetInput struct {
	Body struct {
		Token    string `json:"token" maxLength:"256" doc:"The token of the emailed reset link." example:"bq7m2Xc0yF3kT9rN1sV6wL8hD4pZ5aE2uG0jK7iO3cQ"`
		Password string `json:"password" maxLength:"1024" doc:"The new password; the same rules as at sign-up." example:"새로 정한 긴 비밀번호"`
	}
}

// signUpFields maps the account service's field names to the sign-up body's.
var signUpFields = map[string]string{"terms": "agree_terms"}

func (a *API) registerAuth() {
	huma.Register(a.huma, a.accountOp(huma.Operation{
		OperationID: "create-token",
		Method:      http.MethodPost,
		Path:        Prefix + "/auth/token",
		Summary:     "Sign in (password grant)",
		Description: "For the shop's own apps and staff tools: exchanges an account's email and password for an access token and a refresh token. " +
			"A wrong address, a wrong password and an account that is not verified or not active all give the same 401. " +
			"Failed attempts are limited per client address and per account (429 with Retry-After); an account that reaches its limit is locked until the window ends and its owner is mailed. " +
			"An address caught by the shop's honeypot gets 403. " +
			"A dormant account (휴면 계정: no sign-in for the shop's dormancy period) with the right password gets 403 with code account_dormant and no token: " +
			"its owner is mailed a verification link, and after opening it (or POST /auth/verify with its token) the account and its personal data are back and signing in works again. " +
			"Staff (staff and superuser accounts) must also prove their second factor: totp_code is the code of the authenticator app they set up at their first back-office login. " +
			"Without it the answer is 401 whose errors name body.totp_code; a staff member who has not set up the app yet gets 401 telling them to sign in to the back office first; " +
			"a wrong or already used code is 401 and counts against the staff member's second-factor limit, which the back-office login shares (5 wrong codes in 15 minutes, then 429 with Retry-After, even for the right code); " +
			"anything but 6 digits (a recovery code, say: those work only at the back-office login) is 422 naming body.totp_code. " +
			"A staff token carries scope, the staff member's permissions when it is issued; each operation of the Admin tag needs one of them, and checks it again against the permissions the staff member still has at every call. " +
			"A staff sign-in ends after an hour without a refresh and twelve hours after the code at the latest, and, like every sign-in, at a password change or reset, a role or permission change, or a reset of the second factor; issuing one is recorded in the audit log. " +
			"The User-Agent is stored with the sign-in so the account's owner can recognise it.",
		Errors: []int{http.StatusUnauthorized, http.StatusForbidden, http.StatusUnprocessableEntity, http.StatusTooManyRequests},
	}, "Auth", false), a.createToken)

	huma.Register(a.huma, a.accountOp(huma.Operation{
		OperationID: "refresh-token",
		Method:      http.MethodPost,
		Path:        Prefix + "/auth/refresh",
		Summary:     "Refresh the tokens",
		Description: "Exchanges a refresh token for a new access token and refresh token; the old refresh token stops working. " +
			"Presenting a refresh token that was already exchanged is taken as theft: the whole sign-in is revoked (the newest tokens too) and the answer is 401, so the app signs in again. " +
			"An unknown, expired or revoked token, or one from before a password change, is also 401. Refused attempts are limited per client address (429 with Retry-After).",
		Errors: []int{http.StatusUnauthorized, http.StatusUnprocessableEntity, http.StatusTooManyRequests},
	}, "Auth", false), a.refreshToken)

	huma.Register(a.huma, a.accountOp(huma.Operation{
		OperationID: "revoke-token",
		Method:      http.MethodPost,
		Path:        Prefix + "/auth/logout",
		Summary:     "Sign out",
		Description: "Revokes the sign-in the refresh token belongs to: its refresh token and every access token issued to it stop working at once. " +
			"Any refresh token the sign-in ever had will do. The answer is 204 whatever the token, unknown or already revoked ones included, so signing out always succeeds from the app's point of view.",
		DefaultStatus: http.StatusNoContent,
		Errors:        []int{http.StatusUnprocessableEntity},
	}, "Auth", false), a.logout)

	huma.Register(a.huma, a.accountOp(huma.Operation{
		OperationID: "sign-up",
		Method:      http.MethodPost,
		Path:        Prefix + "/auth/signup",
		Summary:     "Sign up",
		Description: "Creates a customer account that becomes active when the emailed verification link is opened (POST /api/v1/auth/verify). " +
			"The answer is the same 202 whether or not the address already has an account: an existing owner is mailed a notice instead, so the endpoint does not reveal who has an account. " +
			"Invalid fields give 422 naming each (body.email, body.password, body.name, body.phone, body.agree_terms). " +
			"Requests that mail a link are limited per client address and per email address (429 with Retry-After).",
		DefaultStatus: http.StatusAccepted,
		Errors:        []int{http.StatusForbidden, http.StatusUnprocessableEntity, http.StatusTooManyRequests},
	}, "Auth", false), a.signUp)

	huma.Register(a.huma, a.accountOp(huma.Operation{
		OperationID: "verify-email",
		Method:      http.MethodPost,
		Path:        Prefix + "/auth/verify",
		Summary:     "Verify the email address",
		Description: "Opens the emailed verification link with its token: the account becomes active and can sign in. " +
			"Returns the account. An unknown token is 404; a used or expired one 410 (ask for a new link with POST /api/v1/auth/verify/resend).",
		Errors: []int{http.StatusNotFound, http.StatusGone, http.StatusUnprocessableEntity},
	}, "Auth", false), a.verifyEmail)

	huma.Register(a.huma, a.accountOp(huma.Operation{
		OperationID: "resend-verification",
		Method:      http.MethodPost,
		Path:        Prefix + "/auth/verify/resend",
		Summary:     "Send a new verification link",
		Description: "Mails a new verification link when the address belongs to an account that has not been verified yet, and does nothing otherwise; the answer is the same 202 either way. " +
			"Limited like sign-up (429 with Retry-After).",
		DefaultStatus: http.StatusAccepted,
		Errors:        []int{http.StatusForbidden, http.StatusUnprocessableEntity, http.StatusTooManyRequests},
	}, "Auth", false), a.resendVerification)

	huma.Register(a.huma, a.accountOp(huma.Operation{
		OperationID: "forgot-password",
		Method:      http.MethodPost,
		Path:        Prefix + "/auth/password/forgot",
		Summary:     "Ask for a password reset link",
		Description: "Mails a one-time password reset link when the address belongs to an account, and does nothing otherwise; the answer is the same 202 either way. " +
			"Limited like sign-up (429 with Retry-After).",
		DefaultStatus: http.StatusAccepted,
		Errors:        []int{http.StatusForbidden, http.StatusUnprocessableEntity, http.StatusTooManyRequests},
	}, "Auth", false), a.forgotPassword)

	huma.Register(a.huma, a.accountOp(huma.Operation{
		OperationID: "reset-password",
		Method:      http.MethodPost,
		Path:        Prefix + "/auth/password/reset",
		Summary:     "Reset the password",
		Description: "Sets a new password with the token of the emailed reset link. Every sign-in of the account ends (its tokens stop working) and a login lock is lifted; sign in again with the new password. " +
			"An unknown token is 404, a used or expired one 410; a weak password is 422 naming body.password, and the link stays usable.",
		Errors: []int{http.StatusNotFound, http.StatusGone, http.StatusUnprocessableEntity},
	}, "Auth", false), a.resetPassword)
}

func (a *API) createToken(ctx context.Context, in *tokenInput) (*tokenOutput, error) {
	u, err := a.acc.Accounts.Login(ctx, account.Login{Email: in.Body.Email, Password: in.Body.Password, IP: in.Caller.ip,
		UserAgent: in.Caller.agent})
	if errors.Is(err, fault.ErrUnauthenticated) {
		return nil, badCredentials()
	}
	if _, ok := account.AsDormant(err); ok {
		return nil, dormantProblem()
	}
	if err != nil {
		return nil, a.accountProblem(ctx, err, nil)
	}
	if u.Role.IsStaff() {
		return a.createStaffToken(ctx, in, u)
	}
	p, err := a.acc.Tokens.Issue(ctx, u.ID, in.Caller.agent, in.Caller.ip)
	if errors.Is(err, fault.ErrUnauthenticated) {
		return nil, badCredentials()
	}
	if err != nil {
		return nil, a.problem(ctx, err, "body")
	}
	return &tokenOutput{Body: newToken(p)}, nil
}

// totpFields names the account service's field of the second-factor code
// in the token request.
var totpFields = map[string]string{"code": "totp_code"}

// createStaffToken finishes the password grant of a staff member u, whose
// password is right: the second factor, then a token whose scopes are u's
// permissions now.
func (a *API) createStaffToken(ctx context.Context, in *tokenInput, u account.User) (*tokenOutput, error) {
	if strings.TrimSpace(in.Body.TOTPCode) == "" {
		p := newProblem(http.StatusUnauthorized, "This is a staff account: send the 6-digit code of its authenticator app as totp_code, with the email and password.")
		p.Errors = []*huma.ErrorDetail{{Location: "body.totp_code", Message: "is required for staff accounts"}}
		return nil, p
	}
	err := a.acc.Accounts.CheckTOTP(ctx, u.ID, in.Body.TOTPCode)
	switch {
	case err == nil:
	case errors.Is(err, ratelimit.ErrLimited):
		return nil, limitedProblem(err)
	case errors.Is(err, account.ErrNoSecondFactor):
		return nil, newProblem(http.StatusUnauthorized, "This staff account has no authenticator app yet: sign in to the back office once to set it up, then ask again with its code.")
	case errors.Is(err, fault.ErrUnauthenticated):
		return nil, newProblem(http.StatusUnauthorized, "The second-factor code is wrong or was already used; send the next code the authenticator app shows.")
	default:
		return nil, a.accountProblem(ctx, err, totpFields)
	}
	p, err := a.acc.Tokens.IssueStaff(ctx, apitoken.StaffGrant{
		Actor:          audit.Actor{UserID: u.ID, Email: u.Email, IP: in.Caller.ip, UserAgent: in.Caller.agent},
		SessionVersion: u.SessionVersion,
		Scopes:         u.TokenScopes(),
	})
	if errors.Is(err, fault.ErrUnauthenticated) {
		// The account changed between the password and the token (a
		// role change, say): ask again.
		return nil, badCredentials()
	}
	if err != nil {
		return nil, a.problem(ctx, err, "body")
	}
	a.log.InfoContext(ctx, "staff api token issued", "user_id", u.ID, "scopes", p.Scopes)
	return &tokenOutput{Body: newToken(p)}, nil
}

func badCredentials() error {
	return newProblem(http.StatusUnauthorized, "The email address or password is incorrect.")
}

func (a *API) refreshToken(ctx context.Context, in *refreshInput) (*tokenOutput, error) {
	ip := in.Caller.ip
	if ip != "" {
		d, err := a.acc.Limiter.Check(ctx, RefreshLimit, ip)
		if err != nil {
			return nil, a.problem(ctx, err, "body")
		}
		if err := d.Err(); err != nil {
			return nil, a.problem(ctx, err, "body")
		}
	}
	p, err := a.acc.Tokens.Refresh(ctx, in.Body.RefreshToken, in.Caller.agent, ip)
	if errors.Is(err, fault.ErrUnauthenticated) {
		if errors.Is(err, apitoken.ErrReused) {
			// The error names the user and the sign-in, never the token.
			a.log.WarnContext(ctx, "a reused refresh token revoked a sign-in", "err", err)
		}
		if ip != "" {
			if _, herr := a.acc.Limiter.Hit(ctx, RefreshLimit, ip); herr != nil {
				a.log.WarnContext(ctx, "count a refused refresh", "err", herr)
			}
		}
		return nil, newProblem(http.StatusUnauthorized, "The refresh token is invalid, expired or revoked; sign in again.")
	}
	if err != nil {
		return nil, a.problem(ctx, err, "body")
	}
	return &tokenOutput{Body: newToken(p)}, nil
}

func (a *API) logout(ctx context.Context, in *refreshInput) (*struct{}, error) {
	err := a.acc.Tokens.Revoke(ctx, in.Body.RefreshToken)
	if err != nil && !errors.Is(err, fault.ErrUnauthenticated) {
		return nil, a.problem(ctx, err, "body")
	}
	return nil, nil
}

func (a *API) signUp(ctx context.Context, in *signUpInput) (*statusOutput, error) {
	b := in.Body
	if err := a.acc.Accounts.LinkGuard(ctx, in.Caller.ip, b.Email); err != nil {
		return nil, a.accountProblem(ctx, err, signUpFields)
	}
	birthday, err := account.ParseBirthday(b.Birthday)
	if err != nil {
		return nil, a.accountProblem(ctx, err, signUpFields)
	}
	err = a.acc.Accounts.SignUp(ctx, account.SignUp{
		Email: b.Email, Password: b.Password, Name: b.Name, Phone: b.Phone,
		MarketingConsent: b.MarketingConsent, AgreeTerms: b.AgreeTerms, Birthday: birthday,
	})
	if err != nil {
		return nil, a.accountProblem(ctx, err, signUpFields)
	}
	return &statusOutput{Body: Status{Status: "verification_sent"}}, nil
}

func (a *API) verifyEmail(ctx context.Context, in *linkInput) (*userOutput, error) {
	u, err := a.acc.Accounts.Verify(ctx, in.Body.Token)
	if err != nil {
		return nil, a.accountProblem(ctx, err, nil)
	}
	out := &userOutput{}
	out.Body.User = newUser(u)
	return out, nil
}

func (a *API) resendVerification(ctx context.Context, in *emailInput) (*statusOutput, error) {
	if err := a.acc.Accounts.LinkGuard(ctx, in.Caller.ip, in.Body.Email); err != nil {
		return nil, a.accountProblem(ctx, err, nil)
	}
	if err := a.acc.Accounts.ResendVerification(ctx, in.Body.Email); err != nil {
		return nil, a.accountProblem(ctx, err, nil)
	}
	return &statusOutput{Body: Status{Status: "verification_sent"}}, nil
}

func (a *API) forgotPassword(ctx context.Context, in *emailInput) (*statusOutput, error) {
	if err := a.acc.Accounts.LinkGuard(ctx, in.Caller.ip, in.Body.Email); err != nil {
		return nil, a.accountProblem(ctx, err, nil)
	}
	if err := a.acc.Accounts.RequestPasswordReset(ctx, in.Body.Email); err != nil {
		return nil, a.accountProblem(ctx, err, nil)
	}
	return &statusOutput{Body: Status{Status: "reset_sent"}}, nil
}

func (a *API) resetPassword(ctx context.Context, in *resetInput) (*statusOutput, error) {
	if _, err := a.acc.Accounts.ResetPassword(ctx, in.Body.Token, in.Body.Password); err != nil {
		return nil, a.accountProblem(ctx, err, nil)
	}
	return &statusOutput{Body: Status{Status: "password_reset"}}, nil
}

// AccountProblem is a refused sign-in with a code clients can act on.
type AccountProblem struct {
	huma.ErrorModel
	Code string `json:"code" enum:"account_dormant" doc:"Stable for clients: account_dormant (the account is dormant; its owner was mailed the link that brings it back)." example:"account_dormant"`
}

// dormantProblem answers the right password of a dormant account.
func dormantProblem() error {
	return &AccountProblem{
		ErrorModel: *newProblem(http.StatusForbidden, "This account is dormant (휴면 계정) after a long time without a sign-in. "+
			"A verification link was mailed to its address: open it to bring the account back, then sign in again."),
		Code: "account_dormant",
	}
}
