package backoffice

// shipmentTexts hold the texts of the shipment upload and of what an
// order's page says after one of its forms, as {Korean, English}.
var shipmentTexts = map[string][2]string{
	"ord.done.deposit":         {"입금을 확인했습니다. 주문이 결제 완료로 바뀌었습니다.", "The deposit is confirmed; the order is paid."},
	"ord.done.refund":          {"환불했습니다. 환불 금액과 반환된 적립금은 결제 정보에서 확인하세요.", "Refunded. The amount and the points given back are under the payment."},
	"ord.done.refund.awaiting": {"환불을 접수했습니다. 고객 계좌로 송금한 뒤 환불 목록에서 ‘송금 완료 기록’을 누르세요.", "The refund is recorded as waiting: send it to the customer's account, then press “Record the transfer” in the refunds."},
	"ord.done.transfer":        {"송금을 기록했습니다. 환불이 완료되었고 고객에게 메일을 보냈습니다.", "The transfer is recorded; the refund is done and the customer emailed."},
}
