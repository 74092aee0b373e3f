package order_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mallang/mallang/internal/account/address"
	"github.com/mallang/mallang/internal/fault"
	"github.com/mallang/mallang/internal/order"
	"github.com/mallang/mallang/internal/order/ordertest"
)

// searchShop is a shop with five orders that differ in every way staff
// filter by.
type searchShop struct {
	sh     *ordertest.Shop
	o      []order.Order
	skuB   string
	emails []string
}

// exec runs a fixture statement.
func (ss searchShop) exec(t *testing.T, sqlText string, args ...any) {
	t.Helper()
	q := ss.sh.D.Write()
	if _, err := q.ExecContext(t.Context(), q.Rebind(sqlText), args...); err != nil {
		t.Fatalf("%s: %v", sqlText, err)
	}
}

func newSearchShop(t *testing.T) searchShop {
	t.Helper()
	sh := ordertest.NewShop(t)
	a := sh.Product(t, "말랑 드립백커피", 8000, 100)
	b := sh.Product(t, "바삭 쿠키 선물세트", 15000, 100)
	ss := searchShop{sh: sh}
	for i, v := range []int64{a, b, a, a, b} {
		email := "buyer" + string(rune('a'+i)) + "@example.com"
		u := sh.Customer(t, email)
		ss.emails = append(ss.emails, email)
		sh.Add(t, u, v, 1)
		in := address.Input{Recipient: "김말랑", Phone: "010-1234-5678", Postcode: "06236", Line1: "서울 강남구 테헤란로 123", Line2: "4층"}
		if i == 2 {
			in.Recipient, in.Phone = "이수진", "010-9876-5432"
		}
		ad, err := sh.Addr.Create(t.Context(), u, in)
		if err != nil {
			t.Fatal(err)
		}
		o, err := sh.Place(t.Context(), order.PlaceInput{UserID: u, IdempotencyKey: "k", AddressID: ad.ID, PaymentMethod: "card", Channel: order.PCWeb})
		if err != nil {
			t.Fatal(err)
		}
		ss.o = append(ss.o, o)
	}
	ss.skuB = ss.o[1].Lines[0].SKU
	// The clock reads 2026-11-30 23:00 in Korea.
	ss.exec(t, `UPDATE users SET name = ? WHERE email = ?`, "홍길동", ss.emails[0])
	ss.exec(t, `UPDATE orders SET payment_method = 'bank_transfer', status = 'awaiting_deposit', pay_by = ? WHERE id = ?`,
		time.Date(2026, 11, 30, 14, 30, 0, 0, time.UTC), ss.o[1].ID) // due 23:30 today
	ss.exec(t, `UPDATE orders SET payment_method = 'bank_transfer', status = 'awaiting_deposit', pay_by = ? WHERE id = ?`,
		time.Date(2026, 12, 1, 15, 30, 0, 0, time.UTC), ss.o[3].ID) // due tomorrow, 00:30 on 2 December
	ss.exec(t, `UPDATE orders SET channel = 'mobile_web' WHERE id = ?`, ss.o[2].ID)
	// Placed on 28 November 00:10 and 29 November 23:50 in Korea.
	ss.exec(t, `UPDATE orders SET created_at = ?, updated_at = ? WHERE id = ?`,
		time.Date(2026, 11, 27, 15, 10, 0, 0, time.UTC), time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC), ss.o[0].ID)
	ss.exec(t, `UPDATE orders SET created_at = ? WHERE id = ?`, time.Date(2026, 11, 29, 14, 50, 0, 0, time.UTC), ss.o[2].ID)
	ss.exec(t, `UPDATE orders SET total_minor = ? WHERE id = ?`, 100000, ss.o[4].ID)
	sh.SetStatus(t, ss.o[0].ID, order.Preparing)
	ss.exec(t, `UPDATE orders SET updated_at = ? WHERE id = ?`, time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC), ss.o[0].ID)
	return ss
}

func orderIDs(os []order.Order) []int64 {
	var out []int64
	for _, o := range os {
		out = append(out, o.ID)
	}
	return out
}

func ptr(n int64) *int64 { return &n }

// Staff find orders by any of the things they know of one and narrow the
// list by status, way to pay, channel, days, amount, a deposit due today
// and orders left unchanged.
func TestAdminListFilters(t *testing.T) {
	t.Parallel()
	ss := newSearchShop(t)
	o := ss.o
	id := func(is ...int) []int64 {
		var out []int64
		for _, i := range is {
			out = append(out, o[i].ID)
		}
		return out
	}
	tests := []struct {
		name string
		f    order.AdminFilter
		want []int64
	}{
		{"no filter", order.AdminFilter{}, id(4, 3, 2, 1, 0)},
		{"number in any case", order.AdminFilter{Query: " " + strings.ToLower(o[3].Number) + " "}, id(3)},
		{"email in any case", order.AdminFilter{Query: strings.ToUpper(ss.emails[1])}, id(1)},
		{"unknown email", order.AdminFilter{Query: "nobody@example.com"}, nil},
		{"recipient's phone with hyphens", order.AdminFilter{Query: "010-9876-5432"}, id(2)},
		{"recipient's phone with spaces", order.AdminFilter{Query: "010 9876 5432"}, id(2)},
		{"recipient's phone, international", order.AdminFilter{Query: "+82 10 9876 5432"}, id(2)},
		{"recipient's name", order.AdminFilter{Query: "이수진"}, id(2)},
		{"recipient's name with a space", order.AdminFilter{Query: "이 수진"}, id(2)},
		{"part of a recipient's name", order.AdminFilter{Query: "수진"}, nil},
		{"customer's account name", order.AdminFilter{Query: "홍길동"}, id(0)},
		{"product name", order.AdminFilter{Query: "바삭 쿠키 선물세트"}, id(4, 1)},
		{"part of a product name", order.AdminFilter{Query: "바삭 쿠키"}, nil},
		{"SKU in lower case", order.AdminFilter{Query: strings.ToLower(ss.skuB)}, id(4, 1)},
		{"status", order.AdminFilter{Status: order.AwaitingDeposit}, id(3, 1)},
		{"payment method", order.AdminFilter{Method: "card"}, id(4, 2, 0)},
		{"channel", order.AdminFilter{Channel: order.MobileWeb}, id(2)},
		{"from a Korean day", order.AdminFilter{From: "2026-11-29"}, id(4, 3, 2, 1)},
		{"to a Korean day, included", order.AdminFilter{To: "2026-11-29"}, id(2, 0)},
		{"one Korean day", order.AdminFilter{From: "2026-11-28", To: "2026-11-28"}, id(0)},
		{"minimum total", order.AdminFilter{Min: ptr(100000)}, id(4)},
		{"maximum total", order.AdminFilter{Max: ptr(99999)}, id(3, 2, 1, 0)},
		{"deposit due today", order.AdminFilter{DueToday: true}, id(1)},
		{"unchanged for more than 7 days", order.AdminFilter{StuckDays: 7}, id(0)},
		{"unchanged for more than 30 days", order.AdminFilter{StuckDays: 30}, nil},
		{"search and filters together", order.AdminFilter{Query: "말랑 드립백커피", Method: "card", Channel: order.PCWeb}, id(0)},
		{"preparing for more than 7 days", order.AdminFilter{Status: order.Preparing, StuckDays: 7}, id(0)},
		{"paid for more than 7 days", order.AdminFilter{Status: order.Paid, StuckDays: 7}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.f.Limit = 10
			got, total, err := ss.sh.Orders.AdminList(t.Context(), tt.f)
			if err != nil {
				t.Fatal(err)
			}
			if total != len(tt.want) || !slices.Equal(orderIDs(got), tt.want) {
				t.Fatalf("AdminList(%+v) = %v (%d in all), want %v", tt.f, orderIDs(got), total, tt.want)
			}
		})
	}
}

// A bad filter names each parameter at fault.
func TestAdminListInvalid(t *testing.T) {
	t.Parallel()
	sh := ordertest.NewShop(t)
	tests := []struct {
		name   string
		f      order.AdminFilter
		fields []string
	}{
		{"status", order.AdminFilter{Status: "lost"}, []string{"status"}},
		{"channel", order.AdminFilter{Channel: "fax"}, []string{"channel"}},
		{"method", order.AdminFilter{Method: "카드"}, []string{"method"}},
		{"dates", order.AdminFilter{From: "2026-13-01", To: "어제"}, []string{"from", "to"}},
		{"dates reversed", order.AdminFilter{From: "2026-11-30", To: "2026-11-01"}, []string{"to"}},
		{"amounts", order.AdminFilter{Min: ptr(-1), Max: ptr(-5)}, []string{"min", "max"}},
		{"amounts reversed", order.AdminFilter{Min: ptr(5000), Max: ptr(1000)}, []string{"max"}},
		{"stuck", order.AdminFilter{StuckDays: -1}, []string{"stuck"}},
		{"long query", order.AdminFilter{Query: strings.Repeat("가", order.MaxQuery+1)}, []string{"q"}},
		{"page too large", order.AdminFilter{Limit: order.MaxAdminList + 1}, []string{"limit"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.f.Limit == 0 {
				tt.f.Limit = 50
			}
			_, _, err := sh.Orders.AdminList(t.Context(), tt.f)
			inv, ok := isInvalidErr(err)
			if !ok {
				t.Fatalf("AdminList = %v, want *fault.Invalid", err)
			}
			for _, f := range tt.fields {
				if inv[f] == "" {
					t.Errorf("no message for %q in %v", f, inv)
				}
			}
			if len(inv) != len(tt.fields) {
				t.Errorf("messages %v, want only %v", inv, tt.fields)
			}
		})
	}
}

// Orders stored before their recipient and phone were indexed are found
// once the job has indexed them.
func TestIndexSearchKeys(t *testing.T) {
	t.Parallel()
	ss := newSearchShop(t)
	ss.exec(t, `UPDATE orders SET recipient_key = NULL, phone_key = NULL WHERE id = ?`, ss.o[2].ID)
	find := func() []int64 {
		got, _, err := ss.sh.Orders.AdminList(t.Context(), order.AdminFilter{Query: "01098765432", Limit: 10})
		if err != nil {
			t.Fatal(err)
		}
		return orderIDs(got)
	}
	if got := find(); got != nil {
		t.Fatalf("before indexing: %v", got)
	}
	n, err := ss.sh.Orders.IndexSearchKeys(t.Context())
	if err != nil || n != 1 {
		t.Fatalf("IndexSearchKeys = %d, %v; want 1", n, err)
	}
	if got := find(); !slices.Equal(got, []int64{ss.o[2].ID}) {
		t.Fatalf("after indexing: %v", got)
	}
	if n, err := ss.sh.Orders.IndexSearchKeys(t.Context()); err != nil || n != 0 {
		t.Fatalf("again: %d, %v", n, err)
	}
}

// isInvalidErr returns the field messages of a *fault.Invalid.
func isInvalidErr(err error) (map[string]string, bool) {
	inv, ok := fault.AsInvalid(err)
	if !ok {
		return nil, false
	}
	return inv.Fields, true
}
