package tosstest

import (
	"crypto/rand"
	"encoding/json"
	"fmt"
	"net/http"
	"time"
)

// tossPayment is the Payment object, with the fields the docs list and the
// adapter reads. Fields Toss answers as null are pointers or nil slices.
type tossPayment struct {
	MID                 string          `json:"mId"`
	Version             string          `json:"version"`
	PaymentKey          string          `json:"paymentKey"`
	Type                string          `json:"type"`
	OrderID             string          `json:"orderId"`
	OrderName           string          `json:"orderName"`
	Currency            string          `json:"currency"`
	Country             string          `json:"country"`
	Method              *string         `json:"method"`
	Status              string          `json:"status"`
	TotalAmount         int64           `json:"totalAmount"`
	BalanceAmount       int64           `json:"balanceAmount"`
	SuppliedAmount      int64           `json:"suppliedAmount"`
	VAT                 int64           `json:"vat"`
	TaxFreeAmount       int64           `json:"taxFreeAmount"`
	TaxExemptionAmount  int64           `json:"taxExemptionAmount"`
	RequestedAt         string          `json:"requestedAt"`
	ApprovedAt          *string         `json:"approvedAt"`
	LastTransactionKey  *string         `json:"lastTransactionKey"`
	IsPartialCancelable bool            `json:"isPartialCancelable"`
	Cancels             []cancel        `json:"cancels"`
	Failure             *apiError       `json:"failure"`
	VirtualAccount      *virtualAccount `json:"virtualAccount"`
	Secret              *string         `json:"secret"`
	Receipt             *receipt        `json:"receipt"`
}

type cancel struct {
	TransactionKey     string `json:"transactionKey"`
	CancelReason       string `json:"cancelReason"`
	CancelAmount       int64  `json:"cancelAmount"`
	TaxFreeAmount      int64  `json:"taxFreeAmount"`
	TaxExemptionAmount int64  `json:"taxExemptionAmount"`
	RefundableAmount   int64  `json:"refundableAmount"`
	CanceledAt         string `json:"canceledAt"`
	CancelStatus       string `json:"cancelStatus"`
}

type virtualAccount struct {
	AccountType          string         `json:"accountType"`
	AccountNumber        string         `json:"accountNumber"`
	BankCode             string         `json:"bankCode"`
	CustomerName         string         `json:"customerName"`
	DueDate              string         `json:"dueDate"`
	Expired              bool           `json:"expired"`
	SettlementStatus     string         `json:"settlementStatus"`
	RefundStatus         string         `json:"refundStatus"`
	RefundReceiveAccount *refundAccount `json:"refundReceiveAccount"`
	DepositorName        *string        `json:"depositorName"`
}

// bankCodes are Toss's two-digit bank codes (docs.tosspayments.com
// reference/codes, API version 2022-11-16 and later).
var bankCodes = map[string]bool{
	"02": true, "03": true, "06": true, "07": true, "11": true, "12": true, "20": true, "23": true, "27": true,
	"31": true, "32": true, "34": true, "35": true, "37": true, "39": true, "45": true, "48": true, "50": true,
	"54": true, "64": true, "71": true, "81": true, "88": true, "89": true, "90": true, "92": true,
}

type refundAccount struct {
	Bank          string `json:"bank"`
	AccountNumber string `json:"accountNumber"`
	HolderName    string `json:"holderName"`
}

type receipt struct {
	URL string `json:"url"`
}

// apiError is Toss's error body, and a failed payment's failure.
type apiError struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

func invalid(message string) (int, any) {
	return http.StatusBadRequest, apiError{"INVALID_REQUEST", message}
}

func notFound() (int, any) {
	return http.StatusNotFound, apiError{"NOT_FOUND_PAYMENT", "존재하지 않는 결제 정보 입니다."}
}

// confirm is POST /v1/payments/confirm. The caller holds s.mu.
func (s *Server) confirm(_ *http.Request, body []byte) (int, any) {
	var req struct {
		PaymentKey string `json:"paymentKey"`
		OrderID    string `json:"orderId"`
		Amount     *int64 `json:"amount"`
	}
	if err := json.Unmarshal(body, &req); err != nil || req.PaymentKey == "" || req.OrderID == "" || req.Amount == nil {
		return invalid("잘못된 요청입니다.")
	}
	p := s.payments[req.PaymentKey]
	if p == nil {
		return notFound()
	}
	if p.OrderID != req.OrderID {
		return invalid("주문번호가 결제 정보와 일치하지 않습니다.")
	}
	switch p.Status {
	case "IN_PROGRESS":
	case "ABORTED", "EXPIRED":
		return http.StatusNotFound, apiError{"NOT_FOUND_PAYMENT_SESSION", "결제 시간이 만료되어 결제 진행 데이터가 존재하지 않습니다."}
	default:
		return http.StatusBadRequest, apiError{"ALREADY_PROCESSED_PAYMENT", "이미 처리된 결제 입니다."}
	}
	if *req.Amount != p.TotalAmount {
		return invalid("결제 금액이 일치하지 않습니다.")
	}

	now := time.Now().In(kst)
	tx := transactionKey()
	p.LastTransactionKey = &tx
	if hours := s.virtual[p.PaymentKey]; hours > 0 {
		p.Status = "WAITING_FOR_DEPOSIT"
		p.Secret = ptr("ps_" + rand.Text())
		p.VirtualAccount = &virtualAccount{
			AccountType:      "일반",
			AccountNumber:    "X" + fmt.Sprintf("%013d", now.UnixNano()%1e13),
			BankCode:         "88",
			CustomerName:     "홍길동",
			DueDate:          now.Add(time.Duration(hours) * time.Hour).Format(timeLayout),
			SettlementStatus: "INCOMPLETED",
			RefundStatus:     "NONE",
		}
		return http.StatusOK, p
	}
	p.Status = "DONE"
	p.ApprovedAt = ptr(now.Format(timeLayout))
	return http.StatusOK, p
}

// lookup is GET /v1/payments/{paymentKey}. The caller holds s.mu.
func (s *Server) lookup(r *http.Request, _ []byte) (int, any) {
	p := s.payments[r.PathValue("paymentKey")]
	if p == nil {
		return notFound()
	}
	return http.StatusOK, p
}

// lookupOrder is GET /v1/payments/orders/{orderId}: the latest payment of
// the order. The caller holds s.mu.
func (s *Server) lookupOrder(r *http.Request, _ []byte) (int, any) {
	p := s.payments[s.orders[r.PathValue("orderId")]]
	if p == nil {
		return notFound()
	}
	return http.StatusOK, p
}

// cancel is POST /v1/payments/{paymentKey}/cancel: the whole balance when
// cancelAmount is absent, otherwise that part of it. The caller holds s.mu.
func (s *Server) cancel(r *http.Request, body []byte) (int, any) {
	var req struct {
		CancelReason         string         `json:"cancelReason"`
		CancelAmount         *int64         `json:"cancelAmount"`
		TaxFreeAmount        int64          `json:"taxFreeAmount"`
		RefundReceiveAccount *refundAccount `json:"refundReceiveAccount"`
	}
	if err := json.Unmarshal(body, &req); err != nil {
		return invalid("잘못된 요청입니다.")
	}
	p := s.payments[r.PathValue("paymentKey")]
	if p == nil {
		return notFound()
	}
	if req.CancelReason == "" {
		return invalid("취소 사유(cancelReason)는 필수입니다.")
	}
	switch p.Status {
	case "DONE", "PARTIAL_CANCELED":
	case "WAITING_FOR_DEPOSIT":
		if req.CancelAmount != nil && *req.CancelAmount != p.BalanceAmount {
			return http.StatusBadRequest, apiError{"NOT_CANCELABLE_AMOUNT", "취소 할 수 없는 금액 입니다."}
		}
	case "CANCELED":
		return http.StatusBadRequest, apiError{"ALREADY_CANCELED_PAYMENT", "이미 취소된 결제 입니다."}
	default:
		return http.StatusBadRequest, apiError{"NOT_CANCELABLE_PAYMENT", "취소 할 수 없는 결제 입니다."}
	}
	amount := p.BalanceAmount
	if req.CancelAmount != nil {
		amount = *req.CancelAmount
	}
	if amount <= 0 || req.TaxFreeAmount < 0 || req.TaxFreeAmount > amount {
		return invalid("잘못된 요청입니다.")
	}
	if amount > p.BalanceAmount {
		return http.StatusBadRequest, apiError{"NOT_CANCELABLE_AMOUNT", "취소 할 수 없는 금액 입니다."}
	}
	deposited := p.VirtualAccount != nil && p.Status != "WAITING_FOR_DEPOSIT"
	if deposited && req.RefundReceiveAccount == nil {
		return invalid("환불 받을 계좌 정보(refundReceiveAccount)가 필요합니다.")
	}
	if a := req.RefundReceiveAccount; a != nil && !bankCodes[a.Bank] {
		return invalid("유효하지 않은 은행 코드입니다.")
	}

	now := time.Now().In(kst)
	tx := transactionKey()
	p.BalanceAmount -= amount
	p.Cancels = append(p.Cancels, cancel{
		TransactionKey:   tx,
		CancelReason:     req.CancelReason,
		CancelAmount:     amount,
		TaxFreeAmount:    req.TaxFreeAmount,
		RefundableAmount: p.BalanceAmount,
		CanceledAt:       now.Format(timeLayout),
		CancelStatus:     "DONE",
	})
	p.LastTransactionKey = &tx
	if deposited {
		p.VirtualAccount.RefundReceiveAccount = req.RefundReceiveAccount
		p.VirtualAccount.RefundStatus = "COMPLETED"
	}
	p.Status = "PARTIAL_CANCELED"
	if p.BalanceAmount == 0 {
		p.Status = "CANCELED"
	}
	return http.StatusOK, p
}
