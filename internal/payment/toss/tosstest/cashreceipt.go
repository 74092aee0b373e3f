package tosstest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"
)

// The cash-receipt endpoints (현금영수증): POST /v1/cash-receipts issues one
// for a sale Toss did not take, POST /v1/cash-receipts/{receiptKey}/cancel
// cancels it whole (no amount) or in part (amount), and GET
// /v1/cash-receipts?requestDate=yyyy-MM-dd lists those asked for on a day.
// The answer is the CashReceipt object: receiptKey, orderId, orderName,
// type, issueNumber, receiptUrl, businessNumber, transactionType (CONFIRM,
// CANCEL), amount, taxFreeAmount, issueStatus, failure,
// customerIdentityNumber, requestedAt. Idempotency-Key works as on every
// POST; without it a second issue for one orderId issues a second receipt,
// as Toss does.
//
// Assumptions beyond the documentation, kept here so they are easy to
// revisit:
//   - an identity number that is not a mobile phone number (10–11 digits
//     starting 01), a cash-receipt card number (13–19 digits) or, for 지출증빙,
//     a business registration number (10 digits) is 400 INVALID_REQUEST;
//   - issueStatus is IN_PROGRESS on issue (the tax office registers it
//     later) and issueNumber a nine-digit number;
//   - a cancel above what is left of the receipt, or of a cancelled one,
//     is 400 INVALID_REQUEST / ALREADY_CANCELED_CASH_RECEIPT; an unknown
//     receiptKey is 404 NOT_FOUND;
//   - RefuseNextReceipt makes the next issue answer 400 with its code and
//     message and issue nothing.

// ReceiptsPath is the issue and list path of cash receipts.
const ReceiptsPath = "/v1/cash-receipts"

// ReceiptCancelPath is the cancel path of the receipt with receiptKey.
func ReceiptCancelPath(receiptKey string) string { return ReceiptsPath + "/" + receiptKey + "/cancel" }

// Receipt is a cash receipt as the fake keeps it, for tests to inspect.
type Receipt struct {
	ReceiptKey             string    `json:"receiptKey"`
	OrderID                string    `json:"orderId"`
	OrderName              string    `json:"orderName"`
	Type                   string    `json:"type"`
	IssueNumber            string    `json:"issueNumber"`
	ReceiptURL             string    `json:"receiptUrl"`
	BusinessNumber         string    `json:"businessNumber"`
	TransactionType        string    `json:"transactionType"`
	Amount                 int64     `json:"amount"`
	TaxFreeAmount          int64     `json:"taxFreeAmount"`
	IssueStatus            string    `json:"issueStatus"`
	Failure                *apiError `json:"failure"`
	CustomerIdentityNumber string    `json:"customerIdentityNumber"`
	RequestedAt            string    `json:"requestedAt"`
	// Issued is what was issued; Amount is what is left after cancels.
	Issued int64 `json:"-"`
	// Cancels lists the amounts cancelled, in order.
	Cancels []int64 `json:"-"`
	day     string
}

// cashReceipts is the fake's state of receipts; s.mu guards it.
type cashReceipts struct {
	byKey  map[string]*Receipt
	order  []string // receipt keys in issue order
	refuse *apiError
}

// receiptRoutes adds the cash-receipt endpoints to mux.
func (s *Server) receiptRoutes(mux *http.ServeMux) {
	s.cash.byKey = map[string]*Receipt{}
	mux.Handle("POST /v1/cash-receipts", s.endpoint(s.issueReceipt))
	mux.Handle("POST /v1/cash-receipts/{receiptKey}/cancel", s.endpoint(s.cancelReceipt))
	mux.Handle("GET /v1/cash-receipts", s.endpoint(s.listReceipts))
}

// RefuseNextReceipt makes the next issue call answer 400 with code and
// message (the tax office or Toss refusing it) and issue nothing.
func (s *Server) RefuseNextReceipt(code, message string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.cash.refuse = &apiError{Code: code, Message: message}
}

// Receipts returns copies of the receipts issued, in issue order.
func (s *Server) Receipts() []Receipt {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Receipt, 0, len(s.cash.order))
	for _, k := range s.cash.order {
		r := *s.cash.byKey[k]
		r.Cancels = append([]int64(nil), r.Cancels...)
		out = append(out, r)
	}
	return out
}

var (
	orderIDPattern = regexp.MustCompile(`^[A-Za-z0-9_-]{6,64}$`)
	digitsPattern  = regexp.MustCompile(`^[0-9]+$`)
)

// validIdentity reports whether n can identify a receipt of type typ.
func validIdentity(typ, n string) bool {
	if !digitsPattern.MatchString(n) {
		return false
	}
	phone := len(n) >= 10 && len(n) <= 11 && strings.HasPrefix(n, "01")
	card := len(n) >= 13 && len(n) <= 19
	if typ == "지출증빙" {
		return len(n) == 10 || phone || card
	}
	return phone || card
}

// issueReceipt is POST /v1/cash-receipts. The caller holds s.mu.
func (s *Server) issueReceipt(_ *http.Request, body []byte) (int, any) {
	var req struct {
		Amount                 *int64 `json:"amount"`
		OrderID                string `json:"orderId"`
		OrderName              string `json:"orderName"`
		CustomerIdentityNumber string `json:"customerIdentityNumber"`
		Type                   string `json:"type"`
		TaxFreeAmount          int64  `json:"taxFreeAmount"`
	}
	if err := json.Unmarshal(body, &req); err != nil || req.Amount == nil {
		return invalid("잘못된 요청입니다.")
	}
	switch {
	case *req.Amount <= 0 || req.TaxFreeAmount < 0 || req.TaxFreeAmount > *req.Amount:
		return invalid("금액이 올바르지 않습니다.")
	case !orderIDPattern.MatchString(req.OrderID):
		return invalid("주문번호(orderId)가 올바르지 않습니다.")
	case req.OrderName == "" || utf8.RuneCountInString(req.OrderName) > 100:
		return invalid("주문명(orderName)이 올바르지 않습니다.")
	case req.Type != "소득공제" && req.Type != "지출증빙":
		return invalid("현금영수증 종류(type)는 소득공제 또는 지출증빙입니다.")
	case !validIdentity(req.Type, req.CustomerIdentityNumber):
		return invalid("현금영수증 발급 번호(customerIdentityNumber)가 올바르지 않습니다.")
	}
	if e := s.cash.refuse; e != nil {
		s.cash.refuse = nil
		return http.StatusBadRequest, *e
	}
	now := time.Now().In(kst)
	key := "crk_" + transactionKey()
	r := &Receipt{
		ReceiptKey:             key,
		OrderID:                req.OrderID,
		OrderName:              req.OrderName,
		Type:                   req.Type,
		IssueNumber:            fmt.Sprintf("%09d", now.UnixNano()%1e9),
		ReceiptURL:             "https://dashboard.tosspayments.com/receipt/cash-receipt?receiptKey=" + key,
		BusinessNumber:         "1234567890",
		TransactionType:        "CONFIRM",
		Amount:                 *req.Amount,
		TaxFreeAmount:          req.TaxFreeAmount,
		IssueStatus:            "IN_PROGRESS",
		CustomerIdentityNumber: req.CustomerIdentityNumber,
		RequestedAt:            now.Format(timeLayout),
		Issued:                 *req.Amount,
		day:                    now.Format(time.DateOnly),
	}
	s.cash.byKey[key] = r
	s.cash.order = append(s.cash.order, key)
	return http.StatusOK, r
}

// cancelReceipt is POST /v1/cash-receipts/{receiptKey}/cancel: all that is
// left without an amount, else that amount. The caller holds s.mu.
func (s *Server) cancelReceipt(r *http.Request, body []byte) (int, any) {
	var req struct {
		Amount *int64 `json:"amount"`
	}
	if len(body) > 0 {
		if err := json.Unmarshal(body, &req); err != nil {
			return invalid("잘못된 요청입니다.")
		}
	}
	c := s.cash.byKey[r.PathValue("receiptKey")]
	if c == nil {
		return http.StatusNotFound, apiError{"NOT_FOUND", "존재하지 않는 정보 입니다."}
	}
	if c.Amount == 0 {
		return http.StatusBadRequest, apiError{"ALREADY_CANCELED_CASH_RECEIPT", "이미 취소된 현금영수증입니다."}
	}
	amount := c.Amount
	if req.Amount != nil {
		amount = *req.Amount
	}
	if amount <= 0 || amount > c.Amount {
		return invalid("취소 금액이 올바르지 않습니다.")
	}
	c.Amount -= amount
	c.Cancels = append(c.Cancels, amount)
	c.TaxFreeAmount = min(c.TaxFreeAmount, c.Amount)
	c.TransactionType = "CANCEL"
	answer := *c
	answer.Amount = amount
	return http.StatusOK, answer
}

// listReceipts is GET /v1/cash-receipts?requestDate=yyyy-MM-dd: the
// receipts asked for on that day (KST). The caller holds s.mu.
func (s *Server) listReceipts(r *http.Request, _ []byte) (int, any) {
	day := r.URL.Query().Get("requestDate")
	if _, err := time.Parse(time.DateOnly, day); err != nil {
		return invalid("조회 날짜(requestDate)가 올바르지 않습니다.")
	}
	out := []Receipt{}
	for _, k := range s.cash.order {
		if c := s.cash.byKey[k]; c.day == day {
			out = append(out, *c)
		}
	}
	return http.StatusOK, out
}
