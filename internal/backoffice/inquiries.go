package backoffice

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/mallang/mallang/internal/account"
	"github.com/mallang/mallang/internal/audit"
	"github.com/mallang/mallang/internal/fault"
	"github.com/mallang/mallang/internal/inquiry"
	"github.com/mallang/mallang/internal/media"
)

// The 1:1 inquiries section (1:1 문의): the queue, unanswered first with
// their age, each inquiry with the answer form (filled from a template on
// request), and the answer templates. Behind account.PermCustomers: an
// inquiry is the customer's own data, and the staff who look after
// customers answer them. The inquiry service audits every answer and
// template change and mails the customer in the answer's transaction.

// Inquiries is what the back office needs of the inquiry service;
// *inquiry.Service implements it.
type Inquiries interface {
	List(ctx context.Context, f inquiry.Filter) ([]inquiry.Inquiry, error)
	Get(ctx context.Context, id int64) (inquiry.Inquiry, error)
	Answer(ctx context.Context, by audit.Actor, id int64, answer string) (inquiry.Inquiry, error)
	CountOpen(ctx context.Context) (int, error)
	Templates(ctx context.Context) ([]inquiry.Template, error)
	Template(ctx context.Context, id int64) (inquiry.Template, error)
	CreateTemplate(ctx context.Context, by audit.Actor, title, body string) (inquiry.Template, error)
	UpdateTemplate(ctx context.Context, by audit.Actor, id int64, title, body string) (inquiry.Template, error)
	DeleteTemplate(ctx context.Context, by audit.Actor, id int64) error
}

// registerInquiries adds the inquiries section.
func (h *Handler) registerInquiries(mux Router) {
	p, s := h.cfg.Path, h.withSession
	customers := func(next staffPage) http.Handler { return s(h.staff(h.need(account.PermCustomers, next))) }
	mux.Handle("GET "+p+"/inquiries", customers(h.inquiriesList))
	mux.Handle("GET "+p+"/inquiries/{id}", customers(h.inquiryPage))
	mux.Handle("POST "+p+"/inquiries/{id}/answer", customers(h.answerInquiry))
	mux.Handle("GET "+p+"/inquiry-templates", customers(h.answerTemplates))
	mux.Handle("POST "+p+"/inquiry-templates", customers(h.createAnswerTemplate))
	mux.Handle("GET "+p+"/inquiry-templates/{id}", customers(h.answerTemplatePage))
	mux.Handle("POST "+p+"/inquiry-templates/{id}", customers(h.updateAnswerTemplate))
	mux.Handle("POST "+p+"/inquiry-templates/{id}/delete", customers(h.deleteAnswerTemplate))
}

// inquirySections adds the inquiries section to the menu for u.
func (h *Handler) inquirySections(u account.User, add func(key, path, hint string)) {
	if u.Can(account.PermCustomers) {
		add("inquiries", "/inquiries", "dash.inquiries")
	}
}

// ageText says how long ago t was, as staff read a queue: "3시간 전".
func ageText(m *messages, now, t time.Time) string {
	d := now.Sub(t)
	switch {
	case d < time.Minute:
		return m.T("inq.age.now")
	case d < time.Hour:
		return m.F("inq.age.minutes", int(d/time.Minute))
	case d < 24*time.Hour:
		return m.F("inq.age.hours", int(d/time.Hour))
	default:
		return m.F("inq.age.days", int(d/(24*time.Hour)))
	}
}

type inquiryRow struct {
	URL, Title, Kind, Status, StatusKey, Age, Asked, Order, CustomerURL string
}

type inquiriesView struct {
	Base, TemplatesURL string
	Statuses, Kinds    []option
	Rows               []inquiryRow
	Open               int
}

func kindOptions(m *messages, selected string, withAll bool) []option {
	var out []option
	if withAll {
		out = append(out, option{Value: "", Label: m.T("inq.kind.all"), Selected: selected == ""})
	}
	for _, k := range inquiry.Kinds {
		out = append(out, option{Value: string(k), Label: m.T("inq.kind." + string(k)), Selected: string(k) == selected})
	}
	return out
}

func (h *Handler) inquiriesList(w http.ResponseWriter, r *http.Request, m *messages, u account.User) error {
	ctx := r.Context()
	f := inquiry.Filter{Status: inquiry.Status(r.URL.Query().Get("status")), Kind: inquiry.Kind(r.URL.Query().Get("kind")), Limit: inquiry.MaxList}
	list, err := h.deps.Inquiries.List(ctx, f)
	if _, ok := fault.AsInvalid(err); ok {
		f = inquiry.Filter{Limit: inquiry.MaxList}
		list, err = h.deps.Inquiries.List(ctx, f)
	}
	if err != nil {
		return err
	}
	open, err := h.deps.Inquiries.CountOpen(ctx)
	if err != nil {
		return err
	}
	v := inquiriesView{Base: h.url("/inquiries"), TemplatesURL: h.url("/inquiry-templates"), Kinds: kindOptions(m, string(f.Kind), true), Open: open}
	for _, s := range []string{"", string(inquiry.Open), string(inquiry.Answered)} {
		v.Statuses = append(v.Statuses, option{Value: s, Label: m.T("inq.status." + s), Selected: s == string(f.Status)})
	}
	now := h.deps.Now()
	for _, in := range list {
		v.Rows = append(v.Rows, inquiryRow{URL: h.url("/inquiries/" + strconv.FormatInt(in.ID, 10)), Title: in.Title,
			Kind: m.T("inq.kind." + string(in.Kind)), Status: m.T("inq.status." + string(in.Status)), StatusKey: string(in.Status),
			Age: ageText(m, now, in.CreatedAt), Asked: m.Time(in.CreatedAt), Order: in.OrderNumber,
			CustomerURL: h.url("/users/" + strconv.FormatInt(in.UserID, 10))})
	}
	h.render(w, r, http.StatusOK, inquiriesListPage(h.page(r, m, u, m.T("inq.title"), "inquiries"), v))
	return nil
}

type inquiryView struct {
	BackURL, ActionURL, PickURL, CustomerURL, Customer string
	Title, Kind, Status, StatusKey, Body, Asked, Age   string
	Order, OrderURL                                    string
	Photos                                             []string
	Answer, AnsweredAt                                 string
	Answered                                           bool
	Draft                                              string
	Templates                                          []option
	Notice, Error                                      string
}

func (h *Handler) inquiryPage(w http.ResponseWriter, r *http.Request, m *messages, u account.User) error {
	draft := ""
	if tid, err := strconv.ParseInt(r.URL.Query().Get("template"), 10, 64); err == nil && tid > 0 {
		tp, err := h.deps.Inquiries.Template(r.Context(), tid)
		if err != nil && !errors.Is(err, fault.ErrNotFound) {
			return err
		}
		draft = tp.Body
	}
	return h.showInquiry(w, r, m, u, http.StatusOK, draft, "", "")
}

func (h *Handler) showInquiry(w http.ResponseWriter, r *http.Request, m *messages, u account.User, status int, draft, notice, errMsg string) error {
	ctx := r.Context()
	id := pathID(r)
	if id == 0 {
		return fault.ErrNotFound
	}
	in, err := h.deps.Inquiries.Get(ctx, id)
	if err != nil {
		return err
	}
	base := h.url("/inquiries/" + strconv.FormatInt(in.ID, 10))
	v := inquiryView{BackURL: h.url("/inquiries"), ActionURL: base + "/answer", PickURL: base,
		CustomerURL: h.url("/users/" + strconv.FormatInt(in.UserID, 10)), Title: in.Title,
		Kind: m.T("inq.kind." + string(in.Kind)), Status: m.T("inq.status." + string(in.Status)), StatusKey: string(in.Status),
		Body: in.Body, Asked: m.Time(in.CreatedAt), Age: ageText(m, h.deps.Now(), in.CreatedAt), Order: in.OrderNumber,
		Answer: in.Answer, AnsweredAt: m.Time(in.AnsweredAt), Answered: in.Status == inquiry.Answered,
		Draft: draft, Notice: notice, Error: errMsg}
	if draft == "" {
		v.Draft = in.Answer
	}
	if in.OrderID != 0 {
		v.OrderURL = h.url("/orders/" + strconv.FormatInt(in.OrderID, 10))
	}
	if c, err := h.deps.Accounts.User(ctx, in.UserID); err == nil {
		v.Customer = c.Email
	} else if !errors.Is(err, fault.ErrNotFound) {
		return err
	}
	for _, p := range in.Photos {
		v.Photos = append(v.Photos, media.URLPrefix+p)
	}
	ts, err := h.deps.Inquiries.Templates(ctx)
	if err != nil {
		return err
	}
	for _, t := range ts {
		v.Templates = append(v.Templates, option{Value: strconv.FormatInt(t.ID, 10), Label: t.Title})
	}
	h.render(w, r, status, inquiryPage(h.page(r, m, u, m.F("inq.one", in.Title), "inquiries"), v))
	return nil
}

// answerInquiry stores the answer (or its new text) and mails the customer.
func (h *Handler) answerInquiry(w http.ResponseWriter, r *http.Request, m *messages, u account.User) error {
	id := pathID(r)
	if id == 0 {
		return fault.ErrNotFound
	}
	answer := r.PostFormValue("answer")
	_, err := h.deps.Inquiries.Answer(r.Context(), staffActor(r, u), id, answer)
	if inv, ok := fault.AsInvalid(err); ok {
		return h.showInquiry(w, r, m, u, http.StatusUnprocessableEntity, answer, "", fieldText(m, inv.Fields["answer"]))
	}
	if err != nil {
		return err
	}
	h.log.InfoContext(r.Context(), "inquiry answered in the back office", "actor_id", u.ID, "inquiry_id", id)
	return h.showInquiry(w, r, m, u, http.StatusOK, "", m.T("inq.answered"), "")
}

type templateRow struct{ URL, Title, Body, Updated string }

type templatesView struct {
	Base, BackURL        string
	Rows                 []templateRow
	Edit                 bool
	ActionURL, DeleteURL string
	Title, Body          string
	Notice, Error        string
	Errors               map[string]string
}

func (h *Handler) answerTemplates(w http.ResponseWriter, r *http.Request, m *messages, u account.User) error {
	return h.showTemplates(w, r, m, u, http.StatusOK, templatesView{})
}

func (h *Handler) showTemplates(w http.ResponseWriter, r *http.Request, m *messages, u account.User, status int, v templatesView) error {
	ts, err := h.deps.Inquiries.Templates(r.Context())
	if err != nil {
		return err
	}
	v.Base, v.BackURL = h.url("/inquiry-templates"), h.url("/inquiries")
	if v.ActionURL == "" {
		v.ActionURL = v.Base
	}
	for _, t := range ts {
		v.Rows = append(v.Rows, templateRow{URL: h.url("/inquiry-templates/" + strconv.FormatInt(t.ID, 10)), Title: t.Title,
			Body: t.Body, Updated: m.Time(t.UpdatedAt)})
	}
	h.render(w, r, status, templatesPage(h.page(r, m, u, m.T("inq.templates"), "inquiries"), v))
	return nil
}

// templateFailed shows the templates page again with what went wrong.
func (h *Handler) templateFailed(w http.ResponseWriter, r *http.Request, m *messages, u account.User, v templatesView, err error) error {
	if inv, ok := fault.AsInvalid(err); ok {
		v.Error, v.Errors = m.T("form.fix"), careFields(m, inv)
		return h.showTemplates(w, r, m, u, http.StatusUnprocessableEntity, v)
	}
	if errors.Is(err, fault.ErrConflict) {
		v.Error = m.T("inq.templates.full")
		return h.showTemplates(w, r, m, u, http.StatusConflict, v)
	}
	return err
}

func (h *Handler) createAnswerTemplate(w http.ResponseWriter, r *http.Request, m *messages, u account.User) error {
	title, body := r.PostFormValue("title"), r.PostFormValue("body")
	if _, err := h.deps.Inquiries.CreateTemplate(r.Context(), staffActor(r, u), title, body); err != nil {
		return h.templateFailed(w, r, m, u, templatesView{Title: title, Body: body}, err)
	}
	return h.showTemplates(w, r, m, u, http.StatusOK, templatesView{Notice: m.T("inq.templates.saved")})
}

func (h *Handler) answerTemplatePage(w http.ResponseWriter, r *http.Request, m *messages, u account.User) error {
	id := pathID(r)
	if id == 0 {
		return fault.ErrNotFound
	}
	t, err := h.deps.Inquiries.Template(r.Context(), id)
	if err != nil {
		return err
	}
	return h.showTemplates(w, r, m, u, http.StatusOK, h.editView(t.ID, t.Title, t.Body))
}

func (h *Handler) editView(id int64, title, body string) templatesView {
	base := h.url("/inquiry-templates/" + strconv.FormatInt(id, 10))
	return templatesView{Edit: true, ActionURL: base, DeleteURL: base + "/delete", Title: title, Body: body}
}

func (h *Handler) updateAnswerTemplate(w http.ResponseWriter, r *http.Request, m *messages, u account.User) error {
	id := pathID(r)
	if id == 0 {
		return fault.ErrNotFound
	}
	title, body := r.PostFormValue("title"), r.PostFormValue("body")
	if _, err := h.deps.Inquiries.UpdateTemplate(r.Context(), staffActor(r, u), id, title, body); err != nil {
		return h.templateFailed(w, r, m, u, h.editView(id, title, body), err)
	}
	return h.showTemplates(w, r, m, u, http.StatusOK, templatesView{Notice: m.T("inq.templates.saved")})
}

func (h *Handler) deleteAnswerTemplate(w http.ResponseWriter, r *http.Request, m *messages, u account.User) error {
	id := pathID(r)
	if id == 0 {
		return fault.ErrNotFound
	}
	if err := h.deps.Inquiries.DeleteTemplate(r.Context(), staffActor(r, u), id); err != nil {
		return err
	}
	return h.showTemplates(w, r, m, u, http.StatusOK, templatesView{Notice: m.T("inq.templates.deleted")})
}

// inquiryTexts are the inquiries section's texts, {Korean, English}.
var inquiryTexts = map[string][2]string{
	"nav.inquiries":                     {"1:1 문의", "Inquiries"},
	"dash.inquiries":                    {"고객의 1:1 문의: 답변 대기 먼저, 답변과 답변 템플릿", "Customers' 1:1 inquiries: unanswered first, answers and templates"},
	"inq.title":                         {"1:1 문의", "1:1 inquiries"},
	"inq.one":                           {"1:1 문의 — %s", "Inquiry — %s"},
	"inq.back":                          {"← 문의 목록", "← All inquiries"},
	"inq.open.count":                    {"답변 대기 %d건", "%d waiting for an answer"},
	"inq.none":                          {"문의가 없습니다.", "No inquiry."},
	"inq.kind":                          {"유형", "Type"},
	"inq.kind.all":                      {"전체 유형", "Every type"},
	"inq.kind.order":                    {"주문/배송", "Order and delivery"},
	"inq.kind.cancel":                   {"취소/반품", "Cancel and return"},
	"inq.kind.product":                  {"상품", "Product"},
	"inq.kind.payment":                  {"결제", "Payment"},
	"inq.kind.account":                  {"회원", "Account"},
	"inq.kind.other":                    {"기타", "Other"},
	"inq.status":                        {"상태", "Status"},
	"inq.status.":                       {"전체 상태", "Every status"},
	"inq.status.open":                   {"답변 대기", "Waiting"},
	"inq.status.answered":               {"답변 완료", "Answered"},
	"inq.subject":                       {"제목", "Title"},
	"inq.body":                          {"문의 내용", "Question"},
	"inq.customer":                      {"고객", "Customer"},
	"inq.order":                         {"주문", "Order"},
	"inq.asked":                         {"문의 시각", "Asked at"},
	"inq.age":                           {"경과", "Waiting"},
	"inq.photos":                        {"첨부 사진", "Photos"},
	"inq.answer":                        {"답변", "Answer"},
	"inq.answer.edit":                   {"답변 수정", "Edit the answer"},
	"inq.answer.submit":                 {"답변 보내기", "Send the answer"},
	"inq.answer.resubmit":               {"수정한 답변 보내기", "Send the edited answer"},
	"inq.answer.hint":                   {"보내면 고객에게 메일이 가고, 고객의 문의 내역에 표시됩니다.", "The customer is emailed and sees it in their account."},
	"inq.answered":                      {"답변을 보냈습니다. 고객에게 메일이 갔습니다.", "Answer sent; the customer is emailed."},
	"inq.answered.at":                   {"답변 시각", "Answered at"},
	"inq.template.pick":                 {"템플릿으로 채우기", "Fill from a template"},
	"inq.template.use":                  {"불러오기", "Use"},
	"inq.templates":                     {"답변 템플릿", "Answer templates"},
	"inq.templates.none":                {"저장된 템플릿이 없습니다.", "No template yet."},
	"inq.templates.new":                 {"새 템플릿", "New template"},
	"inq.templates.edit":                {"템플릿 수정", "Edit the template"},
	"inq.templates.title":               {"이름", "Name"},
	"inq.templates.body":                {"내용", "Text"},
	"inq.templates.save":                {"저장", "Save"},
	"inq.templates.delete":              {"삭제", "Delete"},
	"inq.templates.saved":               {"템플릿을 저장했습니다.", "Template saved."},
	"inq.templates.deleted":             {"템플릿을 삭제했습니다.", "Template deleted."},
	"inq.templates.full":                {"템플릿은 100개까지 저장할 수 있습니다. 쓰지 않는 것을 지워 주세요.", "At most 100 templates: delete one you no longer use."},
	"inq.age.now":                       {"방금 전", "just now"},
	"inq.age.minutes":                   {"%d분 전", "%d min ago"},
	"inq.age.hours":                     {"%d시간 전", "%d h ago"},
	"inq.age.days":                      {"%d일 전", "%d days ago"},
	"v.must be at most 5000 characters": {"5000자 이하여야 합니다.", "Must be at most 5000 characters."},
	"v.must be at most 100 characters":  {"100자 이하여야 합니다.", "Must be at most 100 characters."},
}
