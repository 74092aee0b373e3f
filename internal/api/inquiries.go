package api

import (
	"context"
	"net/http"
	"net/url"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/mallang/mallang/internal/account"
	"github.com/mallang/mallang/internal/audit"
	"github.com/mallang/mallang/internal/inquiry"
	"github.com/mallang/mallang/internal/media"
)

// Inquiries is what the 1:1 inquiry endpoints use (*inquiry.Service); see
// its methods for the errors.
type Inquiries interface {
	Ask(ctx context.Context, in inquiry.AskInput) (inquiry.Inquiry, error)
	Mine(ctx context.Context, userID, id int64) (inquiry.Inquiry, error)
	ListMine(ctx context.Context, userID int64, limit, offset int) ([]inquiry.Inquiry, error)
	CountMine(ctx context.Context, userID int64) (int, error)
	List(ctx context.Context, f inquiry.Filter) ([]inquiry.Inquiry, error)
	Count(ctx context.Context, f inquiry.Filter) (int, error)
	Get(ctx context.Context, id int64) (inquiry.Inquiry, error)
	Answer(ctx context.Context, by audit.Actor, id int64, answer string) (inquiry.Inquiry, error)
	CountOpen(ctx context.Context) (int, error)
	Templates(ctx context.Context) ([]inquiry.Template, error)
	CreateTemplate(ctx context.Context, by audit.Actor, title, body string) (inquiry.Template, error)
	UpdateTemplate(ctx context.Context, by audit.Actor, id int64, title, body string) (inquiry.Template, error)
	DeleteTemplate(ctx context.Context, by audit.Actor, id int64) error
}

// Inquiry is a 1:1 inquiry with its answer.
type Inquiry struct {
	ID          int64      `json:"id" example:"5"`
	Kind        string     `json:"kind" enum:"order,cancel,product,payment,account,other" doc:"order (주문/배송), cancel (취소/반품), product (상품), payment (결제), account (회원), other (기타)." example:"order"`
	OrderNumber string     `json:"order_number" doc:"The order it is about; empty for none." example:"20261130-K7QX2M9A"`
	Title       string     `json:"title" example:"배송이 언제 되나요?"`
	Body        string     `json:"body" example:"주문한 지 사흘이 지났어요."`
	Status      string     `json:"status" enum:"open,answered" example:"open"`
	Answer      string     `json:"answer" doc:"The shop's answer; empty while open." example:""`
	AnsweredAt  *time.Time `json:"answered_at" nullable:"true" example:"2026-12-01T02:00:00Z"`
	Photos      []string   `json:"photos" nullable:"false" doc:"The photos' addresses." example:"[\"/media/inquiries/3f/3fa9.png\"]"`
	UserID      int64      `json:"user_id,omitempty" doc:"Staff endpoints only: the customer." example:"42"`
	CreatedAt   time.Time  `json:"created_at" example:"2026-12-01T01:00:00Z"`
}

func newInquiry(in inquiry.Inquiry, staff bool) Inquiry {
	out := Inquiry{ID: in.ID, Kind: string(in.Kind), OrderNumber: in.OrderNumber, Title: in.Title, Body: in.Body,
		Status: string(in.Status), Answer: in.Answer, Photos: make([]string, 0, len(in.Photos)), CreatedAt: in.CreatedAt}
	if !in.AnsweredAt.IsZero() {
		at := in.AnsweredAt
		out.AnsweredAt = &at
	}
	for _, p := range in.Photos {
		out.Photos = append(out.Photos, media.URLPrefix+p)
	}
	if staff {
		out.UserID = in.UserID
	}
	return out
}

// AnswerTemplate is an answer text staff keep.
type AnswerTemplate struct {
	ID    int64  `json:"id" example:"2"`
	Title string `json:"title" example:"배송 지연 안내"`
	Body  string `json:"body" example:"고객님, 배송이 늦어져 죄송합니다."`
}

type askInput struct {
	Body struct {
		Kind        string   `json:"kind" enum:"order,cancel,product,payment,account,other" example:"order"`
		OrderNumber string   `json:"order_number,omitempty" maxLength:"32" doc:"One of the customer's orders, when it is about one." example:"20261130-K7QX2M9A"`
		Title       string   `json:"title" maxLength:"400" doc:"At most 100 characters." example:"배송이 언제 되나요?"`
		Body        string   `json:"body" maxLength:"20000" doc:"At most 5,000 characters." example:"주문한 지 사흘이 지났어요."`
		Photos      [][]byte `json:"photos,omitempty" maxItems:"3" doc:"Up to three photos (JPEG, PNG, GIF or WebP, at most 5 MB each), base64."`
	}
}

type inquiryOutput struct{ Body Inquiry }

type inquiryIDInput struct {
	ID int64 `path:"id" minimum:"1" example:"5"`
}

type myInquiriesInput struct {
	PageQuery50Max100
}

type adminInquiriesInput struct {
	Status string `query:"status" enum:"open,answered" doc:"Only inquiries in this status."`
	Kind   string `query:"kind" enum:"order,cancel,product,payment,account,other" doc:"Only inquiries of this type."`
	PageQuery50Max100
}

type answerInput struct {
	ID   int64 `path:"id" minimum:"1" example:"5"`
	Body struct {
		Answer string `json:"answer" maxLength:"20000" doc:"At most 5,000 characters; mailed to the customer." example:"내일 출고됩니다."`
	}
}

type openCountOutput struct {
	Body struct {
		Open int `json:"open" doc:"Inquiries waiting for an answer." example:"3"`
	}
}

type templatesOutput struct {
	Body []AnswerTemplate `nullable:"false"`
}

type templateOutput struct{ Body AnswerTemplate }

type templateBody struct {
	Title string `json:"title" maxLength:"400" doc:"At most 100 characters." example:"배송 지연 안내"`
	Body  string `json:"body" maxLength:"20000" doc:"At most 5,000 characters." example:"고객님, 배송이 늦어져 죄송합니다."`
}

type createTemplateInput struct{ Body templateBody }

type updateTemplateInput struct {
	ID   int64 `path:"id" minimum:"1" example:"2"`
	Body templateBody
}

type templateIDInput struct {
	ID int64 `path:"id" minimum:"1" example:"2"`
}

// inquiryFields say where the inquiry service's fields are in a body.
var inquiryFields = map[string]string{"kind": "body.kind", "order": "body.order_number", "title": "body.title",
	"body": "body.body", "photos": "body.photos", "answer": "body.answer"}

// registerInquiries declares the inquiry endpoints (EnableCustomerCare).
func (a *API) registerInquiries() {
	op := a.accountOp(huma.Operation{
		OperationID: "ask-inquiry", Method: http.MethodPost, Path: Prefix + "/inquiries",
		Summary: "Ask a 1:1 inquiry",
		Description: "Sends the shop a question of a type, optionally about one of the signed-in customer's orders, with up to " +
			"three photos. Returns 201 with the inquiry. 422 names body.kind, body.order_number (not one of the customer's " +
			"orders), body.title, body.body or body.photos.",
		DefaultStatus: http.StatusCreated, Errors: []int{http.StatusUnprocessableEntity},
	}, "Inquiries", true)
	op.MaxBodyBytes = inquiry.MaxRequestBytes
	huma.Register(a.huma, op, a.askInquiry)
	huma.Register(a.huma, a.accountOp(huma.Operation{OperationID: "list-inquiries", Method: http.MethodGet, Path: Prefix + "/inquiries",
		Summary: "List my inquiries", Description: "Returns the signed-in customer's inquiries with their answers, newest first."},
		"Inquiries", true), a.listMyInquiries)
	huma.Register(a.huma, a.accountOp(huma.Operation{OperationID: "get-inquiry", Method: http.MethodGet, Path: Prefix + "/inquiries/{id}",
		Summary: "Get one of my inquiries", Description: "Returns the inquiry with its answer; another customer's is 404.",
		Errors: []int{http.StatusNotFound}}, "Inquiries", true), a.getMyInquiry)

	staff := func(id, method, path, summary, desc string, errs ...int) huma.Operation {
		return a.staffOp(huma.Operation{OperationID: id, Method: method, Path: Prefix + "/admin" + path,
			Summary: summary, Description: "For staff with the customers permission, with a staff token carrying the customers scope " +
				"(any other token gets 403). " + desc, Errors: append([]int{http.StatusForbidden}, errs...)}, account.PermCustomers)
	}
	huma.Register(a.huma, staff("list-admin-inquiries", http.MethodGet, "/inquiries", "List inquiries",
		"Returns the queue: open inquiries first, the longest waiting first, then answered ones, the latest first."), a.listInquiries)
	huma.Register(a.huma, staff("count-open-inquiries", http.MethodGet, "/inquiries/open-count", "Count unanswered inquiries",
		"Returns how many inquiries wait for an answer."), a.countOpenInquiries)
	huma.Register(a.huma, staff("get-admin-inquiry", http.MethodGet, "/inquiries/{id}", "Get an inquiry", "", http.StatusNotFound), a.getInquiry)
	huma.Register(a.huma, staff("answer-inquiry", http.MethodPut, "/inquiries/{id}/answer", "Answer an inquiry",
		"Stores the answer, or replaces the one given before, and mails the customer; audited. 422 naming body.answer.",
		http.StatusNotFound, http.StatusUnprocessableEntity), a.answerInquiry)
	huma.Register(a.huma, staff("list-answer-templates", http.MethodGet, "/inquiry-templates", "List answer templates", ""), a.listTemplates)
	huma.Register(a.huma, staff("create-answer-template", http.MethodPost, "/inquiry-templates", "Keep an answer template",
		"Audited. 422 naming body.title or body.body; 409 when the shop keeps 100 already.",
		http.StatusConflict, http.StatusUnprocessableEntity), a.createTemplate)
	huma.Register(a.huma, staff("update-answer-template", http.MethodPut, "/inquiry-templates/{id}", "Change an answer template",
		"Audited. 422 naming body.title or body.body.", http.StatusNotFound, http.StatusUnprocessableEntity), a.updateTemplate)
	huma.Register(a.huma, staff("delete-answer-template", http.MethodDelete, "/inquiry-templates/{id}", "Delete an answer template",
		"Audited.", http.StatusNotFound), a.deleteTemplate)
}

func (a *API) askInquiry(ctx context.Context, in *askInput) (*inquiryOutput, error) {
	u, err := signedIn(ctx)
	if err != nil {
		return nil, err
	}
	ups := make([]inquiry.Upload, len(in.Body.Photos))
	for i, p := range in.Body.Photos {
		ups[i] = inquiry.Upload{Data: p}
	}
	q, err := a.care.Inquiries.Ask(ctx, inquiry.AskInput{UserID: u.ID, Kind: inquiry.Kind(in.Body.Kind), OrderNumber: in.Body.OrderNumber,
		Title: in.Body.Title, Body: in.Body.Body, Photos: ups})
	if err != nil {
		return nil, a.fieldProblem(ctx, err, inquiryFields, "body")
	}
	return &inquiryOutput{Body: newInquiry(q, false)}, nil
}

// inquiryLister is list of inquiries as the API shows them to staff or not.
func inquiryLister(list func(ctx context.Context, limit, offset int) ([]inquiry.Inquiry, error), staff bool) func(context.Context, int, int) ([]Inquiry, error) {
	return func(ctx context.Context, limit, offset int) ([]Inquiry, error) {
		xs, err := list(ctx, limit, offset)
		return mapped(xs, err, func(q inquiry.Inquiry) Inquiry { return newInquiry(q, staff) })
	}
}

func (a *API) listMyInquiries(ctx context.Context, in *myInquiriesInput) (*pageOutput[Inquiry], error) {
	u, err := signedIn(ctx)
	if err != nil {
		return nil, err
	}
	out, err := listing[Inquiry]{path: "/inquiries", params: in,
		list: inquiryLister(func(ctx context.Context, limit, offset int) ([]inquiry.Inquiry, error) {
			return a.care.Inquiries.ListMine(ctx, u.ID, limit, offset)
		}, false),
		count: func(ctx context.Context) (int, error) { return a.care.Inquiries.CountMine(ctx, u.ID) },
	}.page(ctx, a)
	if err != nil {
		return nil, a.problem(ctx, err, "query")
	}
	return out, nil
}

func (a *API) getMyInquiry(ctx context.Context, in *inquiryIDInput) (*inquiryOutput, error) {
	u, err := signedIn(ctx)
	if err != nil {
		return nil, err
	}
	q, err := a.care.Inquiries.Mine(ctx, u.ID, in.ID)
	if err != nil {
		return nil, a.problem(ctx, err, "path")
	}
	return &inquiryOutput{Body: newInquiry(q, false)}, nil
}

func (a *API) listInquiries(ctx context.Context, in *adminInquiriesInput) (*pageOutput[Inquiry], error) {
	if _, err := careActor(ctx); err != nil {
		return nil, err
	}
	f := inquiry.Filter{Status: inquiry.Status(in.Status), Kind: inquiry.Kind(in.Kind)}
	query := url.Values{}
	if in.Status != "" {
		query.Set("status", in.Status)
	}
	if in.Kind != "" {
		query.Set("kind", in.Kind)
	}
	out, err := listing[Inquiry]{path: "/admin/inquiries", query: query, params: in,
		list: inquiryLister(func(ctx context.Context, limit, offset int) ([]inquiry.Inquiry, error) {
			f.Limit, f.Offset = limit, offset
			return a.care.Inquiries.List(ctx, f)
		}, true),
		count: func(ctx context.Context) (int, error) { return a.care.Inquiries.Count(ctx, f) },
	}.page(ctx, a)
	if err != nil {
		return nil, a.fieldProblem(ctx, err, map[string]string{"status": "query.status", "kind": "query.kind"}, "query")
	}
	return out, nil
}

func (a *API) countOpenInquiries(ctx context.Context, _ *struct{}) (*openCountOutput, error) {
	if _, err := careActor(ctx); err != nil {
		return nil, err
	}
	n, err := a.care.Inquiries.CountOpen(ctx)
	if err != nil {
		return nil, a.problem(ctx, err, "query")
	}
	out := &openCountOutput{}
	out.Body.Open = n
	return out, nil
}

func (a *API) getInquiry(ctx context.Context, in *inquiryIDInput) (*inquiryOutput, error) {
	if _, err := careActor(ctx); err != nil {
		return nil, err
	}
	q, err := a.care.Inquiries.Get(ctx, in.ID)
	if err != nil {
		return nil, a.problem(ctx, err, "path")
	}
	return &inquiryOutput{Body: newInquiry(q, true)}, nil
}

func (a *API) answerInquiry(ctx context.Context, in *answerInput) (*inquiryOutput, error) {
	by, err := careActor(ctx)
	if err != nil {
		return nil, err
	}
	q, err := a.care.Inquiries.Answer(ctx, by, in.ID, in.Body.Answer)
	if err != nil {
		return nil, a.fieldProblem(ctx, err, inquiryFields, "body")
	}
	return &inquiryOutput{Body: newInquiry(q, true)}, nil
}

func (a *API) listTemplates(ctx context.Context, _ *struct{}) (*templatesOutput, error) {
	if _, err := careActor(ctx); err != nil {
		return nil, err
	}
	ts, err := a.care.Inquiries.Templates(ctx)
	if err != nil {
		return nil, a.problem(ctx, err, "query")
	}
	out := &templatesOutput{Body: make([]AnswerTemplate, 0, len(ts))}
	for _, t := range ts {
		out.Body = append(out.Body, AnswerTemplate{ID: t.ID, Title: t.Title, Body: t.Body})
	}
	return out, nil
}

var templateFields = map[string]string{"title": "body.title", "body": "body.body"}

func (a *API) createTemplate(ctx context.Context, in *createTemplateInput) (*templateOutput, error) {
	by, err := careActor(ctx)
	if err != nil {
		return nil, err
	}
	t, err := a.care.Inquiries.CreateTemplate(ctx, by, in.Body.Title, in.Body.Body)
	if err != nil {
		return nil, a.fieldProblem(ctx, err, templateFields, "body")
	}
	return &templateOutput{Body: AnswerTemplate{ID: t.ID, Title: t.Title, Body: t.Body}}, nil
}

func (a *API) updateTemplate(ctx context.Context, in *updateTemplateInput) (*templateOutput, error) {
	by, err := careActor(ctx)
	if err != nil {
		return nil, err
	}
	t, err := a.care.Inquiries.UpdateTemplate(ctx, by, in.ID, in.Body.Title, in.Body.Body)
	if err != nil {
		return nil, a.fieldProblem(ctx, err, templateFields, "body")
	}
	return &templateOutput{Body: AnswerTemplate{ID: t.ID, Title: t.Title, Body: t.Body}}, nil
}

func (a *API) deleteTemplate(ctx context.Context, in *templateIDInput) (*struct{}, error) {
	by, err := careActor(ctx)
	if err != nil {
		return nil, err
	}
	if err := a.care.Inquiries.DeleteTemplate(ctx, by, in.ID); err != nil {
		return nil, a.problem(ctx, err, "path")
	}
	return nil, nil
}
