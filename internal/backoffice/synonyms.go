package backoffice

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/mallang/mallang/internal/account"
	"github.com/mallang/mallang/internal/fault"
	"github.com/mallang/mallang/internal/kst"
)

// The search synonyms page of the catalog section: spelling variants the
// storefront's search reads as another word (쵸콜릿 → 초콜릿).

// synonymRowView is one synonym of the page.
type synonymRowView struct {
	Term, Replacement, Added, Delete string
}

// synonymsView is the synonyms page.
type synonymsView struct {
	AddAction string
	Rows      []synonymRowView
	Values    map[string]string
	Errors    map[string]string
	Error     string
}

func (h *Handler) synonymsPage(w http.ResponseWriter, r *http.Request, m *messages, u account.User) error {
	return h.showSynonyms(w, r, m, u, http.StatusOK, synonymsView{}, "")
}

func (h *Handler) showSynonyms(w http.ResponseWriter, r *http.Request, m *messages, u account.User, status int, v synonymsView, notice string) error {
	list, err := h.deps.Catalog.Synonyms(r.Context())
	if err != nil {
		return err
	}
	v.AddAction = h.url("/catalog/synonyms")
	if v.Values == nil {
		v.Values = map[string]string{}
	}
	for _, s := range list {
		v.Rows = append(v.Rows, synonymRowView{Term: s.Term, Replacement: s.Replacement,
			Added:  s.CreatedAt.In(kst.Zone).Format("2006-01-02 15:04"),
			Delete: h.url("/catalog/synonyms/" + strconv.FormatInt(s.ID, 10) + "/delete")})
	}
	p := h.page(r, m, u, m.T("syn.title"), "synonyms")
	p.Notice = notice
	h.render(w, r, status, synonymsPageView(p, v))
	return nil
}

func (h *Handler) addSynonym(w http.ResponseWriter, r *http.Request, m *messages, u account.User) error {
	form := func(k string) string { return cut(strings.TrimSpace(r.PostFormValue(k)), 200) }
	values := map[string]string{"term": form("term"), "replacement": form("replacement")}
	_, err := h.deps.Catalog.AddSynonym(r.Context(), staffActor(r, u), values["term"], values["replacement"])
	if inv, ok := fault.AsInvalid(err); ok {
		v := synonymsView{Values: values, Errors: map[string]string{}, Error: m.T("form.fix")}
		for k, msg := range inv.Fields {
			v.Errors[k] = catalogFieldText(m, msg)
		}
		return h.showSynonyms(w, r, m, u, http.StatusUnprocessableEntity, v, "")
	}
	if err != nil {
		return err
	}
	return h.showSynonyms(w, r, m, u, http.StatusOK, synonymsView{}, m.T("syn.done.add"))
}

func (h *Handler) deleteSynonym(w http.ResponseWriter, r *http.Request, m *messages, u account.User) error {
	id := pathID(r)
	if id == 0 {
		return fault.ErrNotFound
	}
	if err := h.deps.Catalog.DeleteSynonym(r.Context(), staffActor(r, u), id); err != nil {
		return err
	}
	h.log.InfoContext(r.Context(), "search synonym deleted in the back office", "actor_id", u.ID, "synonym_id", id)
	return h.showSynonyms(w, r, m, u, http.StatusOK, synonymsView{}, m.T("syn.done.delete"))
}
