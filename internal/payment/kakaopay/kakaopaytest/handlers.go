package kakaopaytest

import (
	"encoding/json"
	"io"
	"mime"
	"net/http"
	"time"
	"unicode/utf8"
)

// record is one payment as the fake keeps it; Server.mu guards it.
type record struct {
	tid, cid       string
	partnerOrderID string
	partnerUserID  string
	itemName       string
	quantity       int
	total, taxFree int64
	status, method string
	pgToken        string
	decline        *methodResult // set by Decline: approve fails with it
	approveTotal   int64

	canceled, canceledTaxFree int64
	approvals, cancels        int
	createdAt                 time.Time
	approvedAt, canceledAt    time.Time
	actions                   []action
}

// action is one approve or cancel, for payment_action_details.
type action struct {
	aid, kind string // kind: PAYMENT or CANCEL
	at        time.Time
	total     int64
}

type methodResult struct {
	Code    string `json:"method_result_code"`
	Message string `json:"method_result_message"`
}

// errorBody is the open API's error shape.
type errorBody struct {
	ErrorCode    int           `json:"error_code"`
	ErrorMessage string        `json:"error_message"`
	Extras       *methodResult `json:"extras,omitempty"`
}

type amountJSON struct {
	Total        int64 `json:"total"`
	TaxFree      int64 `json:"tax_free"`
	VAT          int64 `json:"vat"`
	Point        int64 `json:"point"`
	Discount     int64 `json:"discount"`
	GreenDeposit int64 `json:"green_deposit"`
}

// amountOf splits total into the documented parts; vat defaults to the
// taxable part / 11, rounded half up.
func amountOf(total, taxFree int64) amountJSON {
	return amountJSON{Total: total, TaxFree: taxFree, VAT: vat(total - taxFree)}
}

func vat(taxable int64) int64 { return (taxable + 5) / 11 }

// reply is a handler's answer: HTTP status and JSON body.
type reply struct {
	status int
	body   any
}

func ok(body any) reply { return reply{http.StatusOK, body} }

func refuse(code int, msg string) reply {
	return reply{http.StatusBadRequest, errorBody{ErrorCode: code, ErrorMessage: msg}}
}

// endpoint wraps a call's handler with what every call shares: the call
// counter, FailNext, the method and auth checks, body reading and
// DelayNext.
func (s *Server) endpoint(path string, handle func(r *http.Request, raw []byte) reply) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c := s.Arrive(path)
		defer c.Done()
		if c.Fail != 0 {
			write(w, reply{c.Fail, errorBody{ErrorCode: CodeInternal, ErrorMessage: "일시적인 오류가 발생했습니다."}})
			return
		}
		if r.Method != http.MethodPost {
			write(w, reply{http.StatusMethodNotAllowed, errorBody{ErrorCode: CodeMethodNotAllowed, ErrorMessage: "POST only"}})
			return
		}
		if r.Header.Get("Authorization") != "SECRET_KEY "+SecretKey {
			write(w, reply{http.StatusUnauthorized, errorBody{ErrorCode: CodeInvalidKey, ErrorMessage: "유효하지 않은 SECRET_KEY입니다."}})
			return
		}
		if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || mt != "application/json" {
			write(w, refuse(CodeBadRequest, "Content-Type은 application/json이어야 합니다."))
			return
		}
		raw, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
		if err != nil {
			write(w, refuse(CodeBadRequest, "요청 본문을 읽을 수 없습니다."))
			return
		}
		rep := handle(r, raw)
		c.Hold(r.Context())
		write(w, rep)
	})
}

func write(w http.ResponseWriter, rep reply) {
	w.Header().Set("Content-Type", "application/json;charset=UTF-8")
	w.WriteHeader(rep.status)
	json.NewEncoder(w).Encode(rep.body)
}

// badText checks a required text parameter and its length in characters.
func badText(v string, max int) bool {
	return v == "" || utf8.RuneCountInString(v) > max
}

// stamp writes t as KakaoPay does: Korean time without an offset; the
// zero time is "".
func (s *Server) stamp(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(kst).Format(timeLayout)
}

// newTID returns a 20-character tid no payment has. Call with s.mu held.
func (s *Server) newTID() string {
	for {
		tid := "T" + randomID(19)
		if _, taken := s.payments[tid]; !taken {
			return tid
		}
	}
}

// newAID returns a 20-character aid for one approve or cancel.
func newAID() string { return "A" + randomID(19) }

type readyRequest struct {
	CID            string `json:"cid"`
	PartnerOrderID string `json:"partner_order_id"`
	PartnerUserID  string `json:"partner_user_id"`
	ItemName       string `json:"item_name"`
	Quantity       *int   `json:"quantity"`
	TotalAmount    *int64 `json:"total_amount"`
	TaxFreeAmount  *int64 `json:"tax_free_amount"`
	ApprovalURL    string `json:"approval_url"`
	CancelURL      string `json:"cancel_url"`
	FailURL        string `json:"fail_url"`
}

type readyResponse struct {
	TID                   string `json:"tid"`
	NextRedirectAppURL    string `json:"next_redirect_app_url"`
	NextRedirectMobileURL string `json:"next_redirect_mobile_url"`
	NextRedirectPCURL     string `json:"next_redirect_pc_url"`
	AndroidAppScheme      string `json:"android_app_scheme"`
	IOSAppScheme          string `json:"ios_app_scheme"`
	CreatedAt             string `json:"created_at"`
}

func (s *Server) ready(r *http.Request, raw []byte) reply {
	var req readyRequest
	if err := json.Unmarshal(raw, &req); err != nil {
		return refuse(CodeBadRequest, "요청 본문이 올바른 JSON이 아닙니다.")
	}
	switch {
	case req.CID != CID:
		return refuse(CodeBadRequest, "cid가 올바르지 않습니다.")
	case badText(req.PartnerOrderID, 100):
		return refuse(CodeBadRequest, "partner_order_id가 올바르지 않습니다.")
	case badText(req.PartnerUserID, 100):
		return refuse(CodeBadRequest, "partner_user_id가 올바르지 않습니다.")
	case badText(req.ItemName, 100):
		return refuse(CodeBadRequest, "item_name이 올바르지 않습니다.")
	case req.Quantity == nil || *req.Quantity < 1:
		return refuse(CodeBadRequest, "quantity가 올바르지 않습니다.")
	case req.TotalAmount == nil || *req.TotalAmount <= 0:
		return refuse(CodeBadRequest, "total_amount가 올바르지 않습니다.")
	case req.TaxFreeAmount == nil || *req.TaxFreeAmount < 0 || *req.TaxFreeAmount > *req.TotalAmount:
		return refuse(CodeBadRequest, "tax_free_amount가 올바르지 않습니다.")
	case badText(req.ApprovalURL, 255), badText(req.CancelURL, 255), badText(req.FailURL, 255):
		return refuse(CodeBadRequest, "approval_url, cancel_url, fail_url이 올바르지 않습니다.")
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	p := &record{
		tid:            s.newTID(),
		cid:            req.CID,
		partnerOrderID: req.PartnerOrderID,
		partnerUserID:  req.PartnerUserID,
		itemName:       req.ItemName,
		quantity:       *req.Quantity,
		total:          *req.TotalAmount,
		taxFree:        *req.TaxFreeAmount,
		status:         statusReady,
		createdAt:      s.now(),
	}
	s.payments[p.tid] = p
	// The pages are not served: a test plays the buyer with Approve,
	// Decline or Quit instead of opening them.
	page := "http://" + r.Host + "/fake-kakaopay/" + p.tid
	return ok(readyResponse{
		TID:                   p.tid,
		NextRedirectAppURL:    page + "/app",
		NextRedirectMobileURL: page + "/mobile",
		NextRedirectPCURL:     page + "/pc",
		AndroidAppScheme:      "kakaotalk://kakaopay/pg?url=" + page + "/app",
		IOSAppScheme:          "kakaotalk://kakaopay/pg?url=" + page + "/app",
		CreatedAt:             s.stamp(p.createdAt),
	})
}

type approveRequest struct {
	CID            string `json:"cid"`
	TID            string `json:"tid"`
	PartnerOrderID string `json:"partner_order_id"`
	PartnerUserID  string `json:"partner_user_id"`
	PGToken        string `json:"pg_token"`
	TotalAmount    *int64 `json:"total_amount"`
}

type approveResponse struct {
	AID               string     `json:"aid"`
	TID               string     `json:"tid"`
	CID               string     `json:"cid"`
	PartnerOrderID    string     `json:"partner_order_id"`
	PartnerUserID     string     `json:"partner_user_id"`
	PaymentMethodType string     `json:"payment_method_type"`
	ItemName          string     `json:"item_name"`
	ItemCode          string     `json:"item_code"`
	Quantity          int        `json:"quantity"`
	Amount            amountJSON `json:"amount"`
	CreatedAt         string     `json:"created_at"`
	ApprovedAt        string     `json:"approved_at"`
	Payload           string     `json:"payload"`
}

func (s *Server) approve(_ *http.Request, raw []byte) reply {
	var req approveRequest
	if err := json.Unmarshal(raw, &req); err != nil {
		return refuse(CodeBadRequest, "요청 본문이 올바른 JSON이 아닙니다.")
	}
	if req.CID != CID || req.TID == "" || req.PGToken == "" {
		return refuse(CodeBadRequest, "cid, tid, pg_token이 필요합니다.")
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	p, found := s.payments[req.TID]
	if !found {
		return refuse(CodeNoSuchPayment, "존재하지 않는 결제입니다.")
	}
	if req.PartnerOrderID != p.partnerOrderID || req.PartnerUserID != p.partnerUserID {
		return refuse(CodeBadRequest, "partner_order_id, partner_user_id가 결제 준비 요청과 다릅니다.")
	}
	switch p.status {
	case statusAuthPassword:
	case statusSuccess, statusPartCancel, statusCancel:
		return refuse(CodeAlreadyApproved, "이미 승인된 결제입니다.")
	default:
		return refuse(CodeNotAuthenticated, "결제 인증이 완료되지 않았습니다.")
	}
	if req.PGToken != p.pgToken {
		return refuse(CodeBadRequest, "pg_token이 올바르지 않습니다.")
	}
	p.approveTotal = 0
	if req.TotalAmount != nil {
		p.approveTotal = *req.TotalAmount
	}
	if p.decline != nil {
		p.status = statusFail
		return reply{http.StatusBadRequest, errorBody{
			ErrorCode: CodeApprovalFailed, ErrorMessage: "approval failure!", Extras: p.decline,
		}}
	}
	p.status = statusSuccess
	p.approvedAt = s.now()
	p.approvals++
	aid := newAID()
	p.actions = append(p.actions, action{aid: aid, kind: "PAYMENT", at: p.approvedAt, total: p.total})
	return ok(approveResponse{
		AID:               aid,
		TID:               p.tid,
		CID:               p.cid,
		PartnerOrderID:    p.partnerOrderID,
		PartnerUserID:     p.partnerUserID,
		PaymentMethodType: p.method,
		ItemName:          p.itemName,
		Quantity:          p.quantity,
		Amount:            amountOf(p.total, p.taxFree),
		CreatedAt:         s.stamp(p.createdAt),
		ApprovedAt:        s.stamp(p.approvedAt),
	})
}

type orderRequest struct {
	CID string `json:"cid"`
	TID string `json:"tid"`
}

type actionJSON struct {
	AID               string `json:"aid"`
	ApprovedAt        string `json:"approved_at"`
	Amount            int64  `json:"amount"`
	PointAmount       int64  `json:"point_amount"`
	DiscountAmount    int64  `json:"discount_amount"`
	GreenDeposit      int64  `json:"green_deposit"`
	PaymentActionType string `json:"payment_action_type"`
	Payload           string `json:"payload"`
}

type orderResponse struct {
	TID                   string       `json:"tid"`
	CID                   string       `json:"cid"`
	Status                string       `json:"status"`
	PartnerOrderID        string       `json:"partner_order_id"`
	PartnerUserID         string       `json:"partner_user_id"`
	PaymentMethodType     string       `json:"payment_method_type,omitempty"`
	Amount                amountJSON   `json:"amount"`
	CanceledAmount        amountJSON   `json:"canceled_amount"`
	CancelAvailableAmount amountJSON   `json:"cancel_available_amount"`
	ItemName              string       `json:"item_name"`
	ItemCode              string       `json:"item_code"`
	Quantity              int          `json:"quantity"`
	CreatedAt             string       `json:"created_at"`
	ApprovedAt            string       `json:"approved_at,omitempty"`
	CanceledAt            string       `json:"canceled_at,omitempty"`
	PaymentActionDetails  []actionJSON `json:"payment_action_details"`
}

func (s *Server) order(_ *http.Request, raw []byte) reply {
	var req orderRequest
	if err := json.Unmarshal(raw, &req); err != nil {
		return refuse(CodeBadRequest, "요청 본문이 올바른 JSON이 아닙니다.")
	}
	if req.CID != CID || req.TID == "" {
		return refuse(CodeBadRequest, "cid, tid가 필요합니다.")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	p, found := s.payments[req.TID]
	if !found {
		return refuse(CodeNoSuchPayment, "존재하지 않는 결제입니다.")
	}
	var available amountJSON
	if p.status == statusSuccess || p.status == statusPartCancel {
		available = amountOf(p.total-p.canceled, p.taxFree-p.canceledTaxFree)
	}
	details := []actionJSON{}
	for _, a := range p.actions {
		details = append(details, actionJSON{
			AID: a.aid, ApprovedAt: s.stamp(a.at), Amount: a.total, PaymentActionType: a.kind,
		})
	}
	return ok(orderResponse{
		TID:                   p.tid,
		CID:                   p.cid,
		Status:                p.status,
		PartnerOrderID:        p.partnerOrderID,
		PartnerUserID:         p.partnerUserID,
		PaymentMethodType:     p.method,
		Amount:                amountOf(p.total, p.taxFree),
		CanceledAmount:        amountOf(p.canceled, p.canceledTaxFree),
		CancelAvailableAmount: available,
		ItemName:              p.itemName,
		Quantity:              p.quantity,
		CreatedAt:             s.stamp(p.createdAt),
		ApprovedAt:            s.stamp(p.approvedAt),
		CanceledAt:            s.stamp(p.canceledAt),
		PaymentActionDetails:  details,
	})
}

type cancelRequest struct {
	CID                   string `json:"cid"`
	TID                   string `json:"tid"`
	CancelAmount          *int64 `json:"cancel_amount"`
	CancelTaxFreeAmount   *int64 `json:"cancel_tax_free_amount"`
	CancelAvailableAmount *int64 `json:"cancel_available_amount"`
}

type cancelResponse struct {
	AID                   string     `json:"aid"`
	TID                   string     `json:"tid"`
	CID                   string     `json:"cid"`
	Status                string     `json:"status"`
	PartnerOrderID        string     `json:"partner_order_id"`
	PartnerUserID         string     `json:"partner_user_id"`
	PaymentMethodType     string     `json:"payment_method_type"`
	Amount                amountJSON `json:"amount"`
	ApprovedCancelAmount  amountJSON `json:"approved_cancel_amount"`
	CanceledAmount        amountJSON `json:"canceled_amount"`
	CancelAvailableAmount amountJSON `json:"cancel_available_amount"`
	ItemName              string     `json:"item_name"`
	Quantity              int        `json:"quantity"`
	CreatedAt             string     `json:"created_at"`
	ApprovedAt            string     `json:"approved_at"`
	CanceledAt            string     `json:"canceled_at"`
	Payload               string     `json:"payload"`
}

func (s *Server) cancel(_ *http.Request, raw []byte) reply {
	var req cancelRequest
	if err := json.Unmarshal(raw, &req); err != nil {
		return refuse(CodeBadRequest, "요청 본문이 올바른 JSON이 아닙니다.")
	}
	switch {
	case req.CID != CID || req.TID == "":
		return refuse(CodeBadRequest, "cid, tid가 필요합니다.")
	case req.CancelAmount == nil || *req.CancelAmount <= 0:
		return refuse(CodeBadRequest, "cancel_amount가 올바르지 않습니다.")
	case req.CancelTaxFreeAmount == nil || *req.CancelTaxFreeAmount < 0 || *req.CancelTaxFreeAmount > *req.CancelAmount:
		return refuse(CodeBadRequest, "cancel_tax_free_amount가 올바르지 않습니다.")
	}
	amt, taxFree := *req.CancelAmount, *req.CancelTaxFreeAmount

	s.mu.Lock()
	defer s.mu.Unlock()
	p, found := s.payments[req.TID]
	if !found {
		return refuse(CodeNoSuchPayment, "존재하지 않는 결제입니다.")
	}
	if p.status != statusSuccess && p.status != statusPartCancel {
		return refuse(CodeNotCancelable, "취소할 수 없는 결제입니다.")
	}
	balance, taxFreeBalance := p.total-p.canceled, p.taxFree-p.canceledTaxFree
	if req.CancelAvailableAmount != nil && *req.CancelAvailableAmount != balance {
		return refuse(CodeBalanceMismatch, "취소 가능 금액이 일치하지 않습니다.")
	}
	if amt > balance || taxFree > taxFreeBalance {
		return refuse(CodeCancelExceeded, "취소 가능 금액을 초과했습니다.")
	}
	p.canceled += amt
	p.canceledTaxFree += taxFree
	p.cancels++
	p.canceledAt = s.now()
	p.status = statusPartCancel
	if p.canceled == p.total {
		p.status = statusCancel
	}
	aid := newAID()
	p.actions = append(p.actions, action{aid: aid, kind: "CANCEL", at: p.canceledAt, total: amt})
	var available amountJSON
	if p.status == statusPartCancel {
		available = amountOf(p.total-p.canceled, p.taxFree-p.canceledTaxFree)
	}
	return ok(cancelResponse{
		AID:                   aid,
		TID:                   p.tid,
		CID:                   p.cid,
		Status:                p.status,
		PartnerOrderID:        p.partnerOrderID,
		PartnerUserID:         p.partnerUserID,
		PaymentMethodType:     p.method,
		Amount:                amountOf(p.total, p.taxFree),
		ApprovedCancelAmount:  amountOf(amt, taxFree),
		CanceledAmount:        amountOf(p.canceled, p.canceledTaxFree),
		CancelAvailableAmount: available,
		ItemName:              p.itemName,
		Quantity:              p.quantity,
		CreatedAt:             s.stamp(p.createdAt),
		ApprovedAt:            s.stamp(p.approvedAt),
		CanceledAt:            s.stamp(p.canceledAt),
	})
}
