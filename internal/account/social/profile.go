package social

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
)

// maxBody caps what we read from a provider.
const maxBody = 1 << 20

// bearerGet fetches url with the access token and decodes the JSON body
// into dst. A 401 or 403 is ErrRejected: the provider does not accept the
// token it just issued.
func (s *Service) bearerGet(ctx context.Context, url, token string, dst any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return fmt.Errorf("profile request: %w", err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := s.client.Do(req)
	if err != nil {
		return fmt.Errorf("profile request: %w", err)
	}
	defer resp.Body.Close()
	switch {
	case resp.StatusCode == http.StatusUnauthorized || resp.StatusCode == http.StatusForbidden:
		return fmt.Errorf("profile endpoint answered HTTP %d: %w", resp.StatusCode, ErrRejected)
	case resp.StatusCode != http.StatusOK:
		return fmt.Errorf("profile endpoint answered HTTP %d", resp.StatusCode)
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, maxBody)).Decode(dst); err != nil {
		return fmt.Errorf("decode profile: %w", err)
	}
	return nil
}

// kakaoProfile reads the user from Kakao's "user/me". The id is a number;
// the address counts as verified only when Kakao says it is both valid
// (still the user's) and verified.
func (s *Service) kakaoProfile(ctx context.Context, url, token string) (Profile, error) {
	var me struct {
		ID      json.Number `json:"id"`
		Account struct {
			Email         string `json:"email"`
			EmailValid    bool   `json:"is_email_valid"`
			EmailVerified bool   `json:"is_email_verified"`
			Name          string `json:"name"`
			Profile       struct {
				Nickname string `json:"nickname"`
			} `json:"profile"`
		} `json:"kakao_account"`
	}
	if err := s.bearerGet(ctx, url, token, &me); err != nil {
		return Profile{}, err
	}
	id, err := strconv.ParseInt(me.ID.String(), 10, 64)
	if err != nil || id <= 0 {
		return Profile{}, fmt.Errorf("kakao profile: id %q is not a positive number: %w", me.ID, ErrRejected)
	}
	a := me.Account
	return Profile{
		Subject:       strconv.FormatInt(id, 10),
		Email:         a.Email,
		EmailVerified: a.Email != "" && a.EmailValid && a.EmailVerified,
		Name:          cmpOr(a.Name, a.Profile.Nickname),
	}, nil
}

// naverProfile reads the user from Naver's "nid/me". Naver gives only
// addresses it has verified.
func (s *Service) naverProfile(ctx context.Context, url, token string) (Profile, error) {
	var me struct {
		ResultCode string `json:"resultcode"`
		Message    string `json:"message"`
		Response   struct {
			ID       string `json:"id"`
			Email    string `json:"email"`
			Name     string `json:"name"`
			Nickname string `json:"nickname"`
		} `json:"response"`
	}
	if err := s.bearerGet(ctx, url, token, &me); err != nil {
		return Profile{}, err
	}
	if me.ResultCode != "00" {
		return Profile{}, fmt.Errorf("naver profile: result %q %q: %w", me.ResultCode, me.Message, ErrRejected)
	}
	r := me.Response
	return Profile{
		Subject:       r.ID,
		Email:         r.Email,
		EmailVerified: r.Email != "",
		Name:          cmpOr(r.Name, r.Nickname),
	}, nil
}
