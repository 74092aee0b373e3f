// Package social signs customers in with Google (OpenID Connect), Kakao and
// Naver (OAuth 2.0) and ties those sign-ins to accounts.
//
// A sign-in has three steps. Begin returns the provider's authorization URL
// and a State, which the web layer keeps in the user's server-side session
// (never in a cookie of its own or in the URL). Finish takes that State and
// the query of the callback, checks them, exchanges the code and returns the
// provider's Profile. Resolve turns the Profile into a user: the one the
// identity already belongs to, an existing account with the same verified
// email address (linked), or a new customer. Identities, Link and Unlink
// serve the account settings page.
//
// Identities are keyed by the provider's subject id, never by email address:
// addresses can change hands, subject ids cannot. An address is trusted only
// when the provider says it verified it. See docs/decisions/0018-social-login.md.
package social

import (
	"fmt"
	"time"

	"github.com/mallang/mallang/internal/fault"
)

// The providers Mallang supports, as used in ProviderConfig.Name, in the
// callback path /auth/{provider}/callback and in user_identities.provider.
const (
	Google = "google"
	Kakao  = "kakao"
	Naver  = "naver"
)

// StateTTL is how long a sign-in may take from Begin to Finish. A State
// older than this is refused, so one left in a session cannot be replayed
// much later.
const StateTTL = 10 * time.Minute

// ProviderConfig configures one provider. Empty endpoint fields mean the
// provider's real endpoints; tests and staging point them at a fake.
type ProviderConfig struct {
	// Name is Google, Kakao or Naver.
	Name string
	// ClientID is the app's client id (Kakao: the REST API key). A provider
	// without one is not enabled.
	ClientID string
	// ClientSecret is the app's secret; optional for Kakao.
	ClientSecret string
	// AuthURL and TokenURL are the authorization and token endpoints. For
	// Google they default to those of the issuer's discovery document.
	AuthURL, TokenURL string
	// ProfileURL is where Kakao and Naver give the user's profile. Google
	// has none: its profile is the verified ID token.
	ProfileURL string
	// Issuer is Google's OpenID Connect issuer, whose discovery document
	// ({Issuer}/.well-known/openid-configuration) names the signing keys.
	Issuer string
}

// State is one sign-in in progress, created by Begin and handed back to
// Finish. Its fields are exported so that a session store can encode it
// (gob or JSON); callers must not change them.
type State struct {
	Provider string    `json:"provider"`
	State    string    `json:"state"`
	Nonce    string    `json:"nonce,omitempty"`
	Verifier string    `json:"verifier,omitempty"`
	Created  time.Time `json:"created"`
}

// Profile is what a provider says about the user who signed in.
type Profile struct {
	Provider string
	// Subject is the provider's stable id of the user.
	Subject string
	// Email is the address the provider gave, possibly empty (the user did
	// not consent to share it).
	Email string
	// EmailVerified reports whether the provider verified Email. Only a
	// verified address may create or link an account.
	EmailVerified bool
	Name          string
}

// Result says who Resolve signed in and how.
type Result struct {
	UserID int64
	// Created is true when Resolve created the account.
	Created bool
	// Linked is true when Resolve linked the identity to an existing
	// account with the same verified address.
	Linked bool
}

// Identity is a provider sign-in linked to a user.
type Identity struct {
	ID       int64  `db:"id"`
	UserID   int64  `db:"user_id"`
	Provider string `db:"provider"`
	Subject  string `db:"subject"`
	// Email is the address the provider gave when the identity was linked.
	Email       string     `db:"email"`
	Created     time.Time  `db:"created_at"`
	LastLoginAt *time.Time `db:"last_login_at"`
}

// The errors of a sign-in. Each is fault.ErrUnauthenticated under
// errors.Is, so anything that knows only the fault kinds sends the user back
// to the login page; the web layer checks for these first to say why.
var (
	// ErrCancelled means the user declined at the provider (or the provider
	// refused to ask them). Say "sign-in was cancelled", not "failed".
	ErrCancelled = fmt.Errorf("sign-in cancelled at the provider: %w", fault.ErrUnauthenticated)
	// ErrInvalidState means the callback does not belong to the sign-in the
	// session holds: a different or missing state, another provider, or a
	// State older than StateTTL. The user should start again.
	ErrInvalidState = fmt.Errorf("sign-in state missing, mismatched or expired: %w", fault.ErrUnauthenticated)
	// ErrRejected means the provider refused the code, or its answer did not
	// verify (ID token signature, issuer, audience, nonce, expiry). The user
	// may start again; if it persists, the configuration is wrong.
	ErrRejected = fmt.Errorf("sign-in rejected by the provider or its answer did not verify: %w", fault.ErrUnauthenticated)
	// ErrEmailRequired means the provider gave no verified email address,
	// so Resolve can neither create an account nor link one safely. The web
	// asks the user to sign up with email (and link the provider later).
	ErrEmailRequired = fmt.Errorf("sign-in needs a verified email address from the provider: %w", fault.ErrUnauthenticated)
)

// ErrAccountExists means an account already uses the profile's address but
// cannot be linked automatically because that account's own address was
// never verified: linking would hand it to whoever created it. The user signs
// in with the password and links the provider from the account page (Link).
// It is fault.ErrConflict under errors.Is.
var ErrAccountExists = fmt.Errorf("an account with this email address exists; sign in with its password to link: %w", fault.ErrConflict)
