package messaging

import (
	"strconv"

	"github.com/mallang/mallang/internal/kst"
	"github.com/mallang/mallang/internal/notify"
	"github.com/mallang/mallang/internal/settings"
)

// Event is an order notice that may go by 알림톡.
type Event string

// The events, each with the settings' template code of its own.
const (
	Placed    Event = "placed"    // the order is placed (not waiting for a transfer)
	Deposit   Event = "deposit"   // where to send a bank transfer, how much, by when
	Shipped   Event = "shipped"   // carrier and tracking number
	Delivered Event = "delivered" // arrived; when it confirms itself
)

// The variables each event's template may use, as the shop writes them in
// the template it has Kakao approve (docs/configuration.md lists them).
// Every message sends all of its event's variables.
const (
	VarName     = "#{이름}"
	VarShop     = "#{상점명}"
	VarNumber   = "#{주문번호}"
	VarURL      = "#{주문링크}"
	VarTotal    = "#{결제금액}"
	VarBank     = "#{은행}"
	VarAccount  = "#{계좌번호}"
	VarHolder   = "#{예금주}"
	VarAmount   = "#{입금액}"
	VarDeadline = "#{입금기한}"
	VarCarrier  = "#{택배사}"
	VarTracking = "#{송장번호}"
	VarTrackURL = "#{배송조회}"
	VarConfirm  = "#{구매확정일}"
)

// notice is what a mail's template and data become as a 알림톡: the
// event, the key that makes it once, and its variables.
type notice struct {
	event Event
	key   string
	vars  map[string]string
}

// plan maps the mail tmpl with data to the 알림톡 that replaces it, when
// the shop set a template code for its event; ok is false for a mail that
// stays a mail. An order placed to wait for a bank transfer goes by 알림톡
// only with the deposit template, which carries the account: the placed
// template does not, and the customer needs it.
func plan(m settings.Messaging, shop string, tmpl notify.Template, data any) (n notice, code string, ok bool) {
	base := func(name, number, url string) map[string]string {
		if name == "" {
			name = "고객"
		}
		return map[string]string{VarName: name, VarShop: shop, VarNumber: number, VarURL: url}
	}
	deposit := func(d notify.TransferData) notice {
		v := base(d.Name, d.Number, d.URL)
		v[VarBank], v[VarAccount], v[VarHolder] = d.Bank, d.Account, d.Holder
		v[VarAmount] = d.Amount.Korean()
		v[VarDeadline] = d.Deadline.In(kst.Zone).Format("2006-01-02 15:04")
		return notice{Deposit, "deposit:" + d.Number + ":" + strconv.FormatInt(d.Deadline.Unix(), 10), v}
	}
	switch d := data.(type) {
	case notify.OrderPlacedData:
		if tmpl != notify.OrderPlaced {
			return notice{}, "", false
		}
		if d.Transfer != nil {
			return deposit(*d.Transfer), m.Templates.Deposit, m.Templates.Deposit != ""
		}
		v := base(d.Name, d.Number, d.URL)
		v[VarTotal] = d.Total.Korean()
		return notice{Placed, "placed:" + d.Number, v}, m.Templates.Placed, m.Templates.Placed != ""
	case notify.TransferData:
		if tmpl != notify.TransferInstructions {
			return notice{}, "", false
		}
		return deposit(d), m.Templates.Deposit, m.Templates.Deposit != ""
	case notify.ShippedData:
		if tmpl != notify.OrderShipped {
			return notice{}, "", false
		}
		v := base(d.Name, d.Number, d.URL)
		v[VarCarrier], v[VarTracking], v[VarTrackURL] = d.Carrier, d.TrackingNumber, d.TrackingURL
		if d.TrackingURL == "" {
			v[VarTrackURL] = d.URL
		}
		return notice{Shipped, "shipped:" + d.Number + ":" + d.TrackingNumber, v}, m.Templates.Shipped, m.Templates.Shipped != ""
	case notify.DeliveredData:
		if tmpl != notify.OrderDelivered {
			return notice{}, "", false
		}
		v := base(d.Name, d.Number, d.URL)
		v[VarConfirm] = d.ConfirmBy.In(kst.Zone).Format("2006-01-02")
		return notice{Delivered, "delivered:" + d.Number + ":" + strconv.FormatInt(d.ConfirmBy.Unix(), 10), v},
			m.Templates.Delivered, m.Templates.Delivered != ""
	}
	return notice{}, "", false
}
