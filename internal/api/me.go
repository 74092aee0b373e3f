package api

import (
	"context"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/mallang/mallang/internal/account"
)

// User is an account as its owner sees it. It never holds the password or
// anything stored encrypted other than the owner's own phone number.
type User struct {
	ID                 int64      `json:"id" example:"42"`
	Email              string     `json:"email" example:"minji@example.com"`
	Name               string     `json:"name" example:"김민지"`
	Phone              string     `json:"phone" doc:"In E.164; empty when the account has none." example:"+821012345678"`
	MarketingConsent   bool       `json:"marketing_consent" doc:"Whether the customer agreed to marketing mail." example:"true"`
	MarketingConsentAt *time.Time `json:"marketing_consent_at" nullable:"true" doc:"When the consent was given; null without consent." example:"2026-11-30T01:00:00Z"`
	EmailVerified      bool       `json:"email_verified" doc:"Whether a verification or reset link has been opened." example:"true"`
	Role               string     `json:"role" enum:"customer,seller_applicant,seller,staff,superuser" example:"customer"`
	CreatedAt          time.Time  `json:"created_at" example:"2026-11-30T01:00:00Z"`
	Birthday           string     `json:"birthday" doc:"The birthday given: YYYY-MM-DD, or MM-DD without the year; empty when none." example:"1990-05-17"`
}

func newUser(u account.User) User {
	out := User{
		ID: u.ID, Email: u.Email, Name: u.Name, Phone: u.Phone,
		MarketingConsent: !u.MarketingConsentAt.IsZero(),
		EmailVerified:    !u.EmailVerifiedAt.IsZero(),
		Role:             string(u.Role),
		CreatedAt:        u.CreatedAt.UTC(),
		Birthday:         u.Birthday.String(),
	}
	if out.MarketingConsent {
		t := u.MarketingConsentAt.UTC()
		out.MarketingConsentAt = &t
	}
	return out
}

type meOutput struct {
	Body User
}

type profileInput struct {
	Body struct {
		Name             string  `json:"name" maxLength:"100" doc:"The customer's name." example:"김민지"`
		Phone            string  `json:"phone" maxLength:"32" doc:"Korean numbers in any usual form, others with their + country code; returned in E.164." example:"010-1234-5678"`
		MarketingConsent bool    `json:"marketing_consent" doc:"Consent to marketing mail. Keeps the time it was first given while it stays true; false withdraws it." example:"true"`
		Birthday         *string `json:"birthday,omitempty" required:"false" maxLength:"10" doc:"YYYY-MM-DD, or MM-DD without the year (02-29 is allowed); an empty string removes it; left out, it stays as it is." example:"1990-05-17"`
	}
}

type passwordInput struct {
	Body struct {
		CurrentPassword string `json:"current_password" maxLength:"1024" doc:"The password now; an account made by social login, which has none, sends an empty string." example:"말랑한 봄날의 산책"`
		Password        string `json:"password" maxLength:"1024" doc:"The new password; the same rules as at sign-up, and it must differ from the current one." example:"새로 정한 긴 비밀번호"`
	}
}

type deleteMeInput struct {
	Body struct {
		Confirm string `json:"confirm" maxLength:"1024" doc:"The current password; an account made by social login, which has none, types its email address." example:"말랑한 봄날의 산책"`
	}
}

func (a *API) registerMe() {
	huma.Register(a.huma, a.accountOp(huma.Operation{
		OperationID: "get-me",
		Method:      http.MethodGet,
		Path:        Prefix + "/me",
		Summary:     "Get my account",
		Description: "Returns the signed-in customer's account.",
	}, "Me", true), a.getMe)

	huma.Register(a.huma, a.accountOp(huma.Operation{
		OperationID: "update-me",
		Method:      http.MethodPatch,
		Path:        Prefix + "/me",
		Summary:     "Update my profile",
		Description: "Saves the name, phone number, marketing consent and birthday. The first three fields are required and replace the stored values " +
			"(send back what GET /api/v1/me returned for the ones that do not change); birthday is optional and left as it is when left out. Returns the account. " +
			"Invalid fields give 422 naming each (body.name, body.phone, body.birthday — a date that does not exist, such as 02-30, is invalid).",
		Errors: []int{http.StatusUnprocessableEntity},
	}, "Me", true), a.updateMe)

	huma.Register(a.huma, a.accountOp(huma.Operation{
		OperationID: "change-password",
		Method:      http.MethodPost,
		Path:        Prefix + "/me/password",
		Summary:     "Change my password",
		Description: "Replaces the password after checking the current one. Every sign-in of the account ends — browser sessions, " +
			"and every access and refresh token, the caller's own included — so the app signs in again with the new password. " +
			"A wrong current password or a weak new one gives 422 naming body.current_password or body.password.",
		DefaultStatus: http.StatusNoContent,
		Errors:        []int{http.StatusUnprocessableEntity},
	}, "Me", true), a.changePassword)

	huma.Register(a.huma, a.accountOp(huma.Operation{
		OperationID: "delete-me",
		Method:      http.MethodDelete,
		Path:        Prefix + "/me",
		Summary:     "Delete my account",
		Description: "Closes the account after checking the password sent as confirm. Personal data (email, name, phone, addresses) is erased; " +
			"orders keep an anonymous customer. Every sign-in ends. A wrong confirm gives 422 naming body.confirm; staff accounts are closed by a superuser and get 403.",
		DefaultStatus: http.StatusNoContent,
		Errors:        []int{http.StatusForbidden, http.StatusUnprocessableEntity},
	}, "Me", true), a.deleteMe)
}

func (a *API) getMe(ctx context.Context, _ *struct{}) (*meOutput, error) {
	u, err := signedIn(ctx)
	if err != nil {
		return nil, err
	}
	return &meOutput{Body: newUser(u)}, nil
}

func (a *API) updateMe(ctx context.Context, in *profileInput) (*meOutput, error) {
	u, err := signedIn(ctx)
	if err != nil {
		return nil, err
	}
	birthday := u.Birthday
	if in.Body.Birthday != nil {
		if birthday, err = account.ParseBirthday(*in.Body.Birthday); err != nil {
			return nil, a.accountProblem(ctx, err, nil)
		}
	}
	u, err = a.acc.Accounts.UpdateProfile(ctx, u.ID, account.Profile{
		Name: in.Body.Name, Phone: in.Body.Phone, MarketingConsent: in.Body.MarketingConsent, Birthday: birthday,
	})
	if err != nil {
		return nil, a.accountProblem(ctx, err, nil)
	}
	return &meOutput{Body: newUser(u)}, nil
}

func (a *API) changePassword(ctx context.Context, in *passwordInput) (*struct{}, error) {
	u, err := signedIn(ctx)
	if err != nil {
		return nil, err
	}
	if _, err := a.acc.Accounts.ChangePassword(ctx, u.ID, in.Body.CurrentPassword, in.Body.Password); err != nil {
		return nil, a.accountProblem(ctx, err, nil)
	}
	return nil, nil
}

func (a *API) deleteMe(ctx context.Context, in *deleteMeInput) (*struct{}, error) {
	u, err := signedIn(ctx)
	if err != nil {
		return nil, err
	}
	if err := a.acc.Accounts.Delete(ctx, u.ID, in.Body.Confirm); err != nil {
		return nil, a.accountProblem(ctx, err, nil)
	}
	return nil, nil
}
