package backoffice

import (
	"context"
	"errors"
	"net/http"
	"strconv"

	"github.com/mallang/mallang/internal/account"
	"github.com/mallang/mallang/internal/audit"
	"github.com/mallang/mallang/internal/fault"
	"github.com/mallang/mallang/internal/qna"
)

// The product questions section (상품 문의): the questions waiting for an
// answer, the longest waiting first, with their count, every question on
// request, and each question with the answer form. Behind
// account.PermCustomers, as the 1:1 inquiries: the staff who answer
// customers answer these too, private ones included. The qna service
// audits every answer and mails the asker in the answer's transaction.

// Questions is what the back office needs of the product questions;
// *qna.Service implements it.
type Questions interface {
	List(ctx context.Context, waiting bool, limit, offset int) ([]qna.Question, error)
	Get(ctx context.Context, id int64) (qna.Question, error)
	Answer(ctx context.Context, by audit.Actor, id int64, answer string) (qna.Question, error)
	CountWaiting(ctx context.Context) (int, error)
}

// registerQuestions adds the product questions section.
func (h *Handler) registerQuestions(mux Router) {
	p, s := h.cfg.Path, h.withSession
	customers := func(next staffPage) http.Handler { return s(h.staff(h.need(account.PermCustomers, next))) }
	mux.Handle("GET "+p+"/questions", customers(h.questionsList))
	mux.Handle("GET "+p+"/questions/{id}", customers(h.questionPage))
	mux.Handle("POST "+p+"/questions/{id}/answer", customers(h.answerQuestion))
}

// questionSections adds the product questions to the menu for u.
func (h *Handler) questionSections(u account.User, add func(key, path, hint string)) {
	if u.Can(account.PermCustomers) {
		add("questions", "/questions", "dash.questions")
	}
}

type questionRow struct {
	URL, Product, ProductURL, Body, Status, StatusKey, Age, Asked, CustomerURL string
	Private                                                                    bool
}

type questionsView struct {
	Base        string
	All         bool // every question, not only the waiting ones
	Rows        []questionRow
	Waiting     int
	WaitingURL  string
	AllURL      string
	ProductBase string
}

// questionStatus is the status key and text of q.
func questionStatus(m *messages, q qna.Question) (string, string) {
	if q.Answered() {
		return "answered", m.T("qna.status.answered")
	}
	return "open", m.T("qna.status.waiting")
}

func (h *Handler) questionsList(w http.ResponseWriter, r *http.Request, m *messages, u account.User) error {
	ctx := r.Context()
	all := r.URL.Query().Get("all") == "1"
	list, err := h.deps.Questions.List(ctx, !all, qna.MaxList, 0)
	if err != nil {
		return err
	}
	waiting, err := h.deps.Questions.CountWaiting(ctx)
	if err != nil {
		return err
	}
	v := questionsView{Base: h.url("/questions"), All: all, Waiting: waiting, WaitingURL: h.url("/questions"), AllURL: h.url("/questions?all=1")}
	now := h.deps.Now()
	for _, q := range list {
		key, status := questionStatus(m, q)
		v.Rows = append(v.Rows, questionRow{URL: h.url("/questions/" + strconv.FormatInt(q.ID, 10)), Product: q.ProductName,
			ProductURL: h.url("/catalog/products/" + strconv.FormatInt(q.ProductID, 10)), Body: clip(q.Body, 60),
			Status: status, StatusKey: key, Age: ageText(m, now, q.CreatedAt), Asked: m.Time(q.CreatedAt),
			CustomerURL: h.url("/users/" + strconv.FormatInt(q.UserID, 10)), Private: q.Private})
	}
	h.render(w, r, http.StatusOK, questionsListPage(h.page(r, m, u, m.T("qna.title"), "questions"), v))
	return nil
}

// clip shortens s to at most n characters, with an ellipsis.
func clip(s string, n int) string {
	rs := []rune(s)
	if len(rs) <= n {
		return s
	}
	return string(rs[:n]) + "…"
}

type questionView struct {
	BackURL, ActionURL, CustomerURL, Customer string
	Product, ProductURL, ShopURL              string
	Body, Status, StatusKey, Asked, Age       string
	Private, Answered                         bool
	Answer, AnsweredAt, Draft                 string
	Notice, Error                             string
}

func (h *Handler) questionPage(w http.ResponseWriter, r *http.Request, m *messages, u account.User) error {
	return h.showQuestion(w, r, m, u, http.StatusOK, "", "", "")
}

func (h *Handler) showQuestion(w http.ResponseWriter, r *http.Request, m *messages, u account.User, status int, draft, notice, errMsg string) error {
	ctx := r.Context()
	id := pathID(r)
	if id == 0 {
		return fault.ErrNotFound
	}
	q, err := h.deps.Questions.Get(ctx, id)
	if err != nil {
		return err
	}
	key, st := questionStatus(m, q)
	v := questionView{BackURL: h.url("/questions"), ActionURL: h.url("/questions/" + strconv.FormatInt(q.ID, 10) + "/answer"),
		CustomerURL: h.url("/users/" + strconv.FormatInt(q.UserID, 10)), Product: q.ProductName,
		ProductURL: h.url("/catalog/products/" + strconv.FormatInt(q.ProductID, 10)),
		ShopURL:    "/products/" + strconv.FormatInt(q.ProductID, 10) + "#questions",
		Body:       q.Body, Status: st, StatusKey: key, Asked: m.Time(q.CreatedAt), Age: ageText(m, h.deps.Now(), q.CreatedAt),
		Private: q.Private, Answered: q.Answered(), Answer: q.Answer, Draft: draft, Notice: notice, Error: errMsg}
	if q.Answered() {
		v.AnsweredAt = m.Time(q.AnsweredAt)
	}
	if draft == "" {
		v.Draft = q.Answer
	}
	if c, err := h.deps.Accounts.User(ctx, q.UserID); err == nil {
		v.Customer = c.Email
	} else if !errors.Is(err, fault.ErrNotFound) {
		return err
	}
	h.render(w, r, status, questionPage(h.page(r, m, u, m.T("qna.one"), "questions"), v))
	return nil
}

// answerQuestion stores the answer (or its new text) and mails the asker.
func (h *Handler) answerQuestion(w http.ResponseWriter, r *http.Request, m *messages, u account.User) error {
	id := pathID(r)
	if id == 0 {
		return fault.ErrNotFound
	}
	answer := r.PostFormValue("answer")
	_, err := h.deps.Questions.Answer(r.Context(), staffActor(r, u), id, answer)
	if inv, ok := fault.AsInvalid(err); ok {
		return h.showQuestion(w, r, m, u, http.StatusUnprocessableEntity, answer, "", fieldText(m, inv.Fields["answer"]))
	}
	if err != nil {
		return err
	}
	h.log.InfoContext(r.Context(), "product question answered in the back office", "actor_id", u.ID, "question_id", id)
	return h.showQuestion(w, r, m, u, http.StatusOK, "", m.T("qna.answered"), "")
}

// questionTexts are the product questions section's texts.
var questionTexts = map[string][2]string{
	"nav.questions":                  {"상품 문의", "Product questions"},
	"dash.questions":                 {"상품 페이지의 고객 문의: 답변 대기 먼저, 비밀글 포함", "Customers' questions on product pages: unanswered first, private ones included"},
	"todo.questions":                 {"답변을 기다리는 상품 문의", "Unanswered product questions"},
	"qna.title":                      {"상품 문의", "Product questions"},
	"qna.one":                        {"상품 문의 답변", "Answer a product question"},
	"qna.waiting.count":              {"답변 대기 %d건", "%d waiting for an answer"},
	"qna.show.waiting":               {"답변 대기만 보기", "Only the waiting ones"},
	"qna.show.all":                   {"모든 문의 보기", "Every question"},
	"qna.none":                       {"답변을 기다리는 상품 문의가 없습니다.", "No product question is waiting."},
	"qna.none.all":                   {"상품 문의가 없습니다.", "No product questions yet."},
	"qna.product":                    {"상품", "Product"},
	"qna.body":                       {"문의 내용", "Question"},
	"qna.status":                     {"상태", "Status"},
	"qna.status.waiting":             {"답변 대기", "Waiting"},
	"qna.status.answered":            {"답변 완료", "Answered"},
	"qna.private":                    {"비밀글", "Private"},
	"qna.private.note":               {"비밀글: 작성자와 직원만 읽을 수 있습니다.", "Private: only the asker and staff can read it."},
	"qna.age":                        {"경과", "Waiting for"},
	"qna.customer":                   {"고객", "Customer"},
	"qna.asked":                      {"문의일", "Asked"},
	"qna.on.shop":                    {"상품 페이지에서 보기", "See it on the product page"},
	"qna.answer":                     {"답변", "Answer"},
	"qna.answer.edit":                {"답변 수정", "Edit the answer"},
	"qna.answer.hint":                {"보내면 고객에게 메일로 알려 드리고, 상품 페이지에 답변이 표시됩니다.", "Sending mails the customer and shows the answer on the product page."},
	"qna.answer.submit":              {"답변 보내기", "Send the answer"},
	"qna.answer.resubmit":            {"수정한 답변 보내기", "Send the edited answer"},
	"qna.answered":                   {"답변을 보냈습니다. 고객에게 메일로 알렸습니다.", "Answer sent; the customer was mailed."},
	"qna.answered.at":                {"답변일", "Answered"},
	"qna.back":                       {"상품 문의 목록으로", "Back to product questions"},
	"audit.a.question.answered":      {"상품 문의 답변", "Product question answered"},
	"audit.a.question.answer_edited": {"상품 문의 답변 수정", "Product question answer edited"},
	"audit.t.product_question":       {"상품 문의", "Product question"},
}
