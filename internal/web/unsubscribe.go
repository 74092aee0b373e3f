package web

import (
	"context"
	"errors"
	"net/http"

	"github.com/mallang/mallang/internal/fault"
)

// Unsubscriber checks the unsubscribe links of marketing mail and ends the
// consent they name; the app wires automation.Unsubscribe with
// account.Service.WithdrawMarketing.
type Unsubscriber interface {
	Check(id, token string) (int64, bool)
	Withdraw(ctx context.Context, userID int64) (bool, error)
}

// EnableUnsubscribe serves /unsubscribe, the page a marketing mail's link
// opens: it works without signing in, asks once (a mail scanner that
// follows links must not unsubscribe anyone) and ends the consent on the
// button.
func (h *Handler) EnableUnsubscribe(u Unsubscriber) *Handler {
	if u == nil {
		panic("web: EnableUnsubscribe without an unsubscriber")
	}
	h.unsubscribe = u
	return h
}

func (h *Handler) registerUnsubscribe(mux *http.ServeMux) {
	mux.Handle("GET /unsubscribe", h.private(h.serve(h.unsubscribeForm)))
	mux.Handle("POST /unsubscribe", h.private(h.serve(h.unsubscribeDone)))
}

// unsubscribeView is the page: the question with its button, or the
// answer.
type unsubscribeView struct {
	ID, Token string
	Done      bool
	Message   string
}

func (h *Handler) unsubscribeForm(w http.ResponseWriter, r *http.Request, lc *locale) error {
	id, token := r.URL.Query().Get("u"), r.URL.Query().Get("t")
	if _, ok := h.unsubscribe.Check(id, token); !ok {
		return h.unsubscribeBad(w, r, lc)
	}
	return h.unsubscribePage(w, r, lc, http.StatusOK, &unsubscribeView{ID: id, Token: token})
}

func (h *Handler) unsubscribeDone(w http.ResponseWriter, r *http.Request, lc *locale) error {
	if r.PostFormValue("List-Unsubscribe") == "One-Click" {
		return h.unsubscribeOneClick(w, r)
	}
	userID, ok := h.unsubscribe.Check(r.PostFormValue("u"), r.PostFormValue("t"))
	if !ok {
		return h.unsubscribeBad(w, r, lc)
	}
	withdrawn, err := h.unsubscribe.Withdraw(r.Context(), userID)
	switch {
	case errors.Is(err, fault.ErrNotFound):
		return h.unsubscribeBad(w, r, lc)
	case err != nil:
		return err
	}
	v := &unsubscribeView{Done: true, Message: lc.T("unsub.done")}
	if !withdrawn {
		v.Message = lc.T("unsub.already")
	}
	return h.unsubscribePage(w, r, lc, http.StatusOK, v)
}

// unsubscribeOneClick is a mail program's one-click unsubscribe (RFC
// 8058): a POST of "List-Unsubscribe=One-Click" to the link of the mail's
// List-Unsubscribe header, the customer and MAC in its query. It asks
// nothing (the mail program asked already) and answers with a status only.
func (h *Handler) unsubscribeOneClick(w http.ResponseWriter, r *http.Request) error {
	userID, ok := h.unsubscribe.Check(r.URL.Query().Get("u"), r.URL.Query().Get("t"))
	if ok {
		_, err := h.unsubscribe.Withdraw(r.Context(), userID)
		switch {
		case errors.Is(err, fault.ErrNotFound):
			ok = false
		case err != nil:
			return err
		}
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	if !ok {
		w.WriteHeader(http.StatusBadRequest)
		_, _ = w.Write([]byte("수신 거부 링크가 올바르지 않습니다.\nThis unsubscribe link is not valid.\n"))
		return nil
	}
	_, _ = w.Write([]byte("마케팅 메일 수신을 거부했습니다.\nUnsubscribed.\n"))
	return nil
}

// unsubscribeBad answers a link that was cut or changed.
func (h *Handler) unsubscribeBad(w http.ResponseWriter, r *http.Request, lc *locale) error {
	return h.unsubscribePage(w, r, lc, http.StatusBadRequest, &unsubscribeView{Done: true, Message: lc.T("unsub.bad")})
}

func (h *Handler) unsubscribePage(w http.ResponseWriter, r *http.Request, lc *locale, status int, v *unsubscribeView) error {
	tree, err := h.categories(r.Context())
	if err != nil {
		return err
	}
	p := h.newPage(r, lc, tree, lc.T("unsub.title"), "/unsubscribe", nil)
	p.NoIndex = true
	h.render(w, r, lc, status, unsubscribePage(p, v))
	return nil
}

// unsubscribeText is the page's text.
func unsubscribeText() []msg {
	return []msg{
		{key: "unsub.title", ko: "마케팅 메일 수신 거부", en: "Unsubscribe from marketing mail"},
		{key: "unsub.ask", ko: "할인과 장바구니 알림 같은 마케팅 메일을 더 받지 않으시겠습니까? 주문과 배송 안내 메일은 계속 보내 드립니다.",
			en: "Stop receiving marketing mail such as offers and cart reminders? Mail about your orders and deliveries keeps coming."},
		{key: "unsub.button", ko: "수신 거부하기", en: "Unsubscribe"},
		{key: "unsub.done", ko: "마케팅 메일 수신을 거부했습니다. 다시 받으시려면 회원 정보에서 동의해 주세요.",
			en: "You will no longer receive marketing mail. To receive it again, agree in your profile."},
		{key: "unsub.already", ko: "이미 마케팅 메일 수신을 거부하셨습니다.", en: "You had already unsubscribed from marketing mail."},
		{key: "unsub.bad", ko: "수신 거부 링크가 올바르지 않습니다. 메일에 있는 링크를 그대로 열어 주세요.",
			en: "This unsubscribe link is not valid. Please open the link exactly as it is in the mail."},
	}
}
