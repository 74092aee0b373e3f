package backoffice

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/mallang/mallang/internal/account"
	"github.com/mallang/mallang/internal/catalog"
	"github.com/mallang/mallang/internal/fault"
)

// The category tree page of the catalog section and its actions.

// categoryRowView is one category of the tree page.
type categoryRowView struct {
	ID                         int64
	Name, NameEN, Slug, Indent string
	Depth                      int
	Hidden                     bool
	Products, Children         string
	Action                     string // the path its forms post to, without the action
	Parents                    []option
}

// categoriesView is the tree page.
type categoriesView struct {
	AddAction string
	Rows      []categoryRowView
	Parents   []option
	Values    map[string]string
	Errors    map[string]string
	Error     string
	ErrorRow  int64
}

func (h *Handler) categoriesPage(w http.ResponseWriter, r *http.Request, m *messages, u account.User) error {
	return h.showCategories(w, r, m, u, http.StatusOK, categoriesView{}, "")
}

func (h *Handler) showCategories(w http.ResponseWriter, r *http.Request, m *messages, u account.User, status int, v categoriesView, notice string) error {
	cats, err := h.deps.Catalog.AdminCategories(r.Context())
	if err != nil {
		return err
	}
	v.AddAction = h.url("/catalog/categories")
	if v.Values == nil {
		v.Values = map[string]string{}
	}
	parent, _ := strconv.ParseInt(v.Values["parent_id"], 10, 64)
	v.Parents = categoryOptions(m, cats, parent, m.T("cat.top"))
	for _, c := range cats {
		row := categoryRowView{ID: c.ID, Name: c.Name, NameEN: c.NameEN, Slug: c.Slug, Depth: c.Depth, Hidden: c.Hidden,
			Indent: strings.Repeat("— ", c.Depth), Products: strconv.Itoa(c.Products), Children: strconv.Itoa(c.Children),
			Action: h.url("/catalog/categories/" + strconv.FormatInt(c.ID, 10) + "/")}
		row.Parents = categoryOptions(m, cats, c.ParentID, m.T("cat.top"))
		v.Rows = append(v.Rows, row)
	}
	p := h.page(r, m, u, m.T("cat.title"), "categories")
	p.Notice = notice
	h.render(w, r, status, categoriesPageView(p, v))
	return nil
}

func (h *Handler) addCategory(w http.ResponseWriter, r *http.Request, m *messages, u account.User) error {
	form := func(k string) string { return cut(strings.TrimSpace(r.PostFormValue(k)), 200) }
	parent, _ := strconv.ParseInt(form("parent_id"), 10, 64)
	values := map[string]string{"slug": form("slug"), "name": form("name"), "name_en": form("name_en"), "parent_id": form("parent_id")}
	_, err := h.deps.Catalog.AddCategory(r.Context(), staffActor(r, u), catalog.NewCategory{ParentID: parent, Slug: values["slug"],
		Name: values["name"], NameEN: values["name_en"]})
	if inv, ok := fault.AsInvalid(err); ok {
		v := categoriesView{Values: values, Errors: map[string]string{}, Error: m.T("form.fix")}
		for k, msg := range inv.Fields {
			v.Errors[k] = catalogFieldText(m, msg)
		}
		return h.showCategories(w, r, m, u, http.StatusUnprocessableEntity, v, "")
	}
	if err != nil {
		return err
	}
	return h.showCategories(w, r, m, u, http.StatusOK, categoriesView{}, m.T("cat.done.add"))
}

// changeCategory takes the action the form names on a category.
func (h *Handler) changeCategory(w http.ResponseWriter, r *http.Request, m *messages, u account.User) error {
	ctx := r.Context()
	id := pathID(r)
	if id == 0 {
		return fault.ErrNotFound
	}
	by := staffActor(r, u)
	form := func(k string) string { return cut(strings.TrimSpace(r.PostFormValue(k)), 200) }
	action := r.PathValue("action")
	var err error
	switch action {
	case "rename":
		err = h.deps.Catalog.RenameCategory(ctx, by, id, form("name"), form("name_en"))
	case "move":
		parent, perr := strconv.ParseInt(form("parent_id"), 10, 64)
		if perr != nil {
			parent = -1
		}
		err = h.deps.Catalog.MoveCategory(ctx, by, id, parent)
	case "up", "down":
		err = h.deps.Catalog.ShiftCategory(ctx, by, id, action == "up")
	case "hide", "show":
		err = h.deps.Catalog.HideCategory(ctx, by, id, action == "hide")
	case "delete":
		err = h.deps.Catalog.DeleteCategory(ctx, by, id)
	default:
		return fault.ErrNotFound
	}
	if inv, ok := fault.AsInvalid(err); ok {
		v := categoriesView{Errors: map[string]string{}, ErrorRow: id}
		for k, msg := range inv.Fields {
			v.Errors[k] = catalogFieldText(m, msg)
			v.Error = v.Errors[k]
		}
		return h.showCategories(w, r, m, u, http.StatusUnprocessableEntity, v, "")
	}
	if err != nil {
		return err
	}
	h.log.InfoContext(ctx, "category changed in the back office", "actor_id", u.ID, "category_id", id, "action", action)
	return h.showCategories(w, r, m, u, http.StatusOK, categoriesView{}, m.T("cat.done."+action))
}
