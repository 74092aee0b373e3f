package backoffice

import (
	"errors"
	"net/http"

	"github.com/mallang/mallang/internal/account"
	"github.com/mallang/mallang/internal/fault"
	"github.com/mallang/mallang/internal/media"
	"github.com/mallang/mallang/internal/security"
	"github.com/mallang/mallang/internal/settings"
)

// registerLogo adds the logo's upload and removal to the settings section
// (account.PermSettings). The image goes through the editor's upload path
// (sniffed, size-checked, recorded in media_uploads and audited); the
// settings then name it, audited as any change of the settings, and the
// uploads' sweep keeps it while they do.
func (h *Handler) registerLogo(mux Router) {
	p, s := h.cfg.Path, h.withSession
	perm := func(next staffPage) http.Handler { return s(h.staff(h.need(account.PermSettings, next))) }
	mux.Handle("POST "+p+"/settings/logo", security.Limit(media.MaxUploadBytes, h.logoTooLarge, perm(h.uploadLogo)))
	mux.Handle("POST "+p+"/settings/logo/remove", perm(h.removeLogo))
}

// logoTooLarge answers an upload declared larger than the limit with the
// settings page and its message, before any of the body is read.
func (h *Handler) logoTooLarge(w http.ResponseWriter, r *http.Request, limit int64) {
	h.withSession(h.staff(h.need(account.PermSettings, func(w http.ResponseWriter, r *http.Request, m *messages, u account.User) error {
		return h.logoProblem(w, r, m, u, http.StatusRequestEntityTooLarge, m.F("img.too_large", security.Megabytes(limit)))
	}))).ServeHTTP(w, r)
}

// logoProblem shows the settings form, as stored, with msg about the logo.
func (h *Handler) logoProblem(w http.ResponseWriter, r *http.Request, m *messages, u account.User, status int, msg string) error {
	v := h.newSettingsView(m, u, h.deps.Settings.Current(r.Context()))
	v.Error = msg
	v.Errors["logo_file"] = msg
	return h.showSettings(w, r, m, u, status, v, "")
}

func (h *Handler) uploadLogo(w http.ResponseWriter, r *http.Request, m *messages, u account.User) error {
	up, err := media.StageMultipart(r, "logo", media.MaxImageBytes, 1)
	if err != nil {
		v, ok := h.uploadProblem(m, err)
		if !ok {
			return err
		}
		return h.logoProblem(w, r, m, u, v.Status, v.Error)
	}
	defer up.Remove()
	if len(up.Rejects) > 0 {
		return h.logoProblem(w, r, m, u, http.StatusUnprocessableEntity, rejectTexts(m, up.Rejects)[0])
	}
	if len(up.Files) == 0 {
		return h.logoProblem(w, r, m, u, http.StatusUnprocessableEntity, m.T("img.none"))
	}
	url, err := h.deps.Uploads.EditorImage(r.Context(), staffActor(r, u), up.Files[0])
	if err != nil {
		return err
	}
	return h.setLogo(w, r, m, u, url, "saved")
}

func (h *Handler) removeLogo(w http.ResponseWriter, r *http.Request, m *messages, u account.User) error {
	return h.setLogo(w, r, m, u, "", "removed")
}

// setLogo stores logo as the shop's logo, by u, and returns to the
// settings page, which says what happened.
func (h *Handler) setLogo(w http.ResponseWriter, r *http.Request, m *messages, u account.User, logo, what string) error {
	st := h.deps.Settings.Current(r.Context())
	st.Logo = logo
	_, err := h.deps.Settings.Update(r.Context(), staffActor(r, u), st)
	if errors.Is(err, settings.ErrStale) {
		return h.logoProblem(w, r, m, u, http.StatusConflict, m.T("set.stale"))
	}
	if inv, ok := fault.AsInvalid(err); ok {
		// Settings stored before validation existed: the form names them.
		v := h.newSettingsView(m, u, h.deps.Settings.Current(r.Context()))
		v.Error = placeFields(m, inv, map[string]string{}, v.Errors)
		return h.showSettings(w, r, m, u, http.StatusUnprocessableEntity, v, "")
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, h.url("/settings?logo="+what), http.StatusSeeOther)
	return nil
}
