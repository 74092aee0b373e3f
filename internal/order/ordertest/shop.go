// Package ordertest builds a shop for tests of orders and of what builds on
// them (payments): a database with a catalog, customers, carts and the
// real services an order is placed with.
package ordertest

import (
	"context"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mallang/mallang/internal/account/address"
	"github.com/mallang/mallang/internal/audit"
	"github.com/mallang/mallang/internal/cart"
	"github.com/mallang/mallang/internal/catalog"
	"github.com/mallang/mallang/internal/catalog/catalogtest"
	"github.com/mallang/mallang/internal/checkout"
	"github.com/mallang/mallang/internal/coupon"
	"github.com/mallang/mallang/internal/crypt"
	"github.com/mallang/mallang/internal/db"
	"github.com/mallang/mallang/internal/db/dbtest"
	"github.com/mallang/mallang/internal/fake"
	"github.com/mallang/mallang/internal/notify"
	"github.com/mallang/mallang/internal/notify/notifytest"
	"github.com/mallang/mallang/internal/order"
	"github.com/mallang/mallang/internal/payment"
	"github.com/mallang/mallang/internal/payment/paymenttest"
	"github.com/mallang/mallang/internal/points"
	"github.com/mallang/mallang/internal/pricing"
	"github.com/mallang/mallang/internal/promotion"
	"github.com/mallang/mallang/internal/shipping"
	"github.com/mallang/mallang/internal/stats"
)

// Shop is a database with a catalog, customers and the real services
// orders are placed with: carts, addresses, coupons (WELCOME: 5,000 off;
// BIG: 1,000 off orders of 1,000,000 or more), points (spent from 1 point,
// earned at 1 %), shipping (3,000 below 50,000; Jeju 63000–63644 3,000
// more; one carrier, "cj"), gifts, payments (bank transfer to the shop's
// account; webhooks' syncs kept in Syncs for the test to run, mail in
// Outbox) and the checkout that places orders.
type Shop struct {
	D        *db.DB
	Clock    *fake.Clock
	Cat      *catalog.Service
	Addr     *address.Service
	Points   *points.Service
	Carts    *cart.Service
	Coupons  *coupon.Service
	Shipping *shipping.Service
	Promos   *promotion.Service
	KR       *crypt.Keyring
	Orders   *order.Service
	Payments *payment.Service
	Syncs    *paymenttest.Queue
	Outbox   *notify.Outbox
	Checkout *checkout.Service
	// Stats counts paid orders and refunds (the statistics).
	Stats *stats.Service
	Leaf  int64
	N     int
}

// Bank is the shop's account for bank transfers.
var Bank = payment.BankAccount{Bank: "말랑은행", Account: "123-456-789", Holder: "(주)말랑"}

// NewShop returns a shop on a fresh test database (dbtest: SQLite, or
// PostgreSQL when MALLANG_TEST_POSTGRES_URL is set).
func NewShop(t *testing.T) *Shop {
	t.Helper()
	ctx := t.Context()
	d := dbtest.New(t)
	c := fake.NewClock(time.Date(2026, 11, 30, 14, 0, 0, 0, time.UTC))
	kr := crypt.DeriveKeyring([]byte("order tests: a secret of at least 32 bytes"))
	cat := catalog.NewService(d, c.Now, slog.New(slog.DiscardHandler), &catalogtest.Thumbs{})
	sh := &Shop{D: d, Clock: c, Cat: cat, Addr: address.New(d, kr, c.Now), Points: points.New(d, c.Now),
		Carts: cart.New(d, cat, cart.Config{}, c.Now), Coupons: coupon.New(d, audit.New(d, c.Now), c.Now), Shipping: shipping.New(d, audit.New(d, c.Now), c.Now),
		Promos: promotion.New(d, cat, audit.New(d, c.Now), c.Now), KR: kr}
	if err := sh.Shipping.SetRules(ctx, audit.Actor{}, pricing.ShippingRules{BaseFee: 3000, FreeOver: 50000,
		Remote: []pricing.RemoteArea{{Name: "제주", From: "63000", To: "63644", Surcharge: 3000}}}); err != nil {
		t.Fatal(err)
	}
	if err := sh.Promos.SetSettings(ctx, audit.Actor{}, promotion.Settings{PointsMinSpend: 0, PointsMaxPercent: 100, PointsValidDays: 365}); err != nil {
		t.Fatal(err)
	}
	for _, cp := range []coupon.NewCoupon{
		{Code: "WELCOME", Name: "첫 구매 5천원", Kind: coupon.KindFixed, Amount: 5000},
		{Code: "BIG", Name: "백만원 이상 1천원", Kind: coupon.KindFixed, Amount: 1000, MinOrder: 1_000_000},
	} {
		if _, err := sh.Coupons.Create(ctx, audit.Actor{}, cp); err != nil {
			t.Fatal(err)
		}
	}
	// The set-up above is the system's, recorded as such; tests start with
	// an empty audit log and see only what they do.
	if _, err := d.Write().ExecContext(ctx, `DELETE FROM audit_log`); err != nil {
		t.Fatal(err)
	}
	sh.Syncs, sh.Outbox = &paymenttest.Queue{}, notifytest.Outbox(d, c.Now)
	sh.Stats = stats.NewService(d, c.Now, slog.New(slog.DiscardHandler))
	sh.Orders = order.NewService(d, order.Deps{Catalog: cat, Cart: sh.Carts, Addresses: sh.Addr, Coupons: sh.Coupons,
		Points: sh.Points, Shipping: sh.Shipping, Promotions: sh.Promos, Keyring: kr, SearchKey: []byte("order tests: search key"), Audit: audit.New(d, c.Now),
		Mailer: sh.Outbox, Customers: paymenttest.Contacts{D: d}, Sales: sh.Stats},
		order.Config{PayWithin: 30 * time.Minute, BaseURL: "http://shop.test"}, c.Now, slog.New(slog.DiscardHandler))
	sh.Payments = payment.NewService(d, sh.PaymentDeps(), payment.Config{BaseURL: "http://shop.test", Bank: Bank}, nil, c.Now, slog.New(slog.DiscardHandler))
	sh.Checkout = checkout.New(d, sh.Orders, sh.Payments, paymenttest.Contacts{D: d})
	sh.Leaf = catalogtest.Categories(t, cat).Leaves[0].ID
	return sh
}

// PaymentDeps are the dependencies of the shop's payment service, for a
// test that builds another on the same shop: its orders and keyring, the
// customers of its users table, Syncs, Outbox and the audit log.
func (sh *Shop) PaymentDeps() payment.Deps {
	return payment.Deps{Orders: sh.Orders, Customers: paymenttest.Contacts{D: sh.D}, Keyring: sh.KR, Queue: sh.Syncs,
		Mailer: sh.Outbox, Audit: audit.New(sh.D, sh.Clock.Now), Sales: sh.Stats}
}

// Place places in through the shop's checkout.
func (sh *Shop) Place(ctx context.Context, in order.PlaceInput) (order.Order, error) {
	p, err := sh.Checkout.Place(ctx, checkout.Input{PlaceInput: in})
	return p.Order, err
}

// CouponID returns the id of the coupon with code.
func (sh *Shop) CouponID(t *testing.T, code string) int64 {
	t.Helper()
	var id int64
	q := sh.D.Read()
	if err := q.GetContext(t.Context(), &id, q.Rebind(`SELECT id FROM coupons WHERE code = ?`), code); err != nil {
		t.Fatal(err)
	}
	return id
}

// CouponUse returns the coupon order orderID used, 0 for none, and whether
// that use was given back.
func (sh *Shop) CouponUse(t *testing.T, orderID int64) (couponID int64, released bool) {
	t.Helper()
	var rows []struct {
		CouponID int64 `db:"coupon_id"`
		Released bool  `db:"released"`
	}
	q := sh.D.Read()
	if err := q.SelectContext(t.Context(), &rows, q.Rebind(`SELECT coupon_id, released_at IS NOT NULL AS released
		FROM coupon_redemptions WHERE order_id = ? ORDER BY id DESC`), orderID); err != nil {
		t.Fatal(err)
	}
	if len(rows) == 0 {
		return 0, false
	}
	return rows[0].CouponID, rows[0].Released
}

// Gift adds a gift-with-purchase rule: quantity of variantID with orders
// of threshold or more.
func (sh *Shop) Gift(t *testing.T, variantID, threshold, quantity int64) {
	t.Helper()
	if _, err := sh.Promos.CreateGift(t.Context(), audit.Actor{}, promotion.NewGift{Name: "사은품", Threshold: threshold,
		VariantID: variantID, Quantity: quantity}); err != nil {
		t.Fatal(err)
	}
}

// Product adds a product with one variant of price and stock and returns
// the variant's id.
func (sh *Shop) Product(t *testing.T, name string, price, stock int64) int64 {
	t.Helper()
	sh.N++
	sku := "OT-" + strconv.Itoa(sh.N)
	id, err := sh.Cat.CreateProduct(t.Context(), catalog.NewProduct{CategoryID: sh.Leaf, Name: name,
		OptionNames: []string{"맛"},
		Variants:    []catalog.NewVariant{{SKU: sku, Options: [3]string{"기본"}, Price: price, Stock: stock, Active: true}}})
	if err != nil {
		t.Fatal(err)
	}
	p, err := sh.Cat.Product(t.Context(), id)
	if err != nil {
		t.Fatal(err)
	}
	return p.Variants[0].ID
}

// Stock returns variant id's stock.
func (sh *Shop) Stock(t *testing.T, id int64) int64 {
	t.Helper()
	var n int64
	if err := sh.D.Read().GetContext(t.Context(), &n, sh.D.Read().Rebind(`SELECT stock FROM variants WHERE id = ?`), id); err != nil {
		t.Fatal(err)
	}
	return n
}

// Customer adds a user and returns its id.
func (sh *Shop) Customer(t *testing.T, email string) int64 {
	t.Helper()
	q := sh.D.Write()
	var id int64
	if err := q.QueryRowxContext(t.Context(), q.Rebind(`INSERT INTO users (email) VALUES (?) RETURNING id`), email).Scan(&id); err != nil {
		t.Fatal(err)
	}
	return id
}

// Staff adds a staff member and returns them as the audit log names them.
func (sh *Shop) Staff(t *testing.T, email string) audit.Actor {
	t.Helper()
	q := sh.D.Write()
	var id int64
	err := q.QueryRowxContext(t.Context(), q.Rebind(`INSERT INTO users (email, role) VALUES (?, 'staff') RETURNING id`), email).Scan(&id)
	if err != nil {
		t.Fatal(err)
	}
	return audit.Actor{UserID: id, Email: email, IP: "192.0.2.1", UserAgent: "ordertest"}
}

// Address adds an address to userID's book and returns its id.
func (sh *Shop) Address(t *testing.T, userID int64) int64 {
	t.Helper()
	return sh.AddressAt(t, userID, "06236")
}

// AddressAt adds an address at postcode to userID's book and returns its id.
func (sh *Shop) AddressAt(t *testing.T, userID int64, postcode string) int64 {
	t.Helper()
	a, err := sh.Addr.Create(t.Context(), userID, address.Input{Recipient: "김말랑", Phone: "010-1234-5678",
		Postcode: postcode, Line1: "서울 강남구 테헤란로 123", Line2: "4층"})
	if err != nil {
		t.Fatal(err)
	}
	return a.ID
}

// Add puts quantity of variantID in userID's cart.
func (sh *Shop) Add(t *testing.T, userID, variantID, quantity int64) {
	t.Helper()
	q := sh.D.Write()
	var cartID int64
	err := q.GetContext(t.Context(), &cartID, q.Rebind(`SELECT id FROM carts WHERE user_id = ?`), userID)
	if err != nil {
		if err := q.QueryRowxContext(t.Context(), q.Rebind(`INSERT INTO carts (user_id) VALUES (?) RETURNING id`), userID).Scan(&cartID); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := q.ExecContext(t.Context(), q.Rebind(`INSERT INTO cart_lines (cart_id, variant_id, quantity) VALUES (?, ?, ?)`),
		cartID, variantID, quantity); err != nil {
		t.Fatal(err)
	}
}

// Give credits points to userID.
func (sh *Shop) Give(t *testing.T, userID, amount int64) {
	t.Helper()
	err := sh.D.InTx(t.Context(), func(q db.Querier) error {
		return sh.Points.Earn(t.Context(), q, userID, amount, 0, "테스트 적립", time.Time{})
	})
	if err != nil {
		t.Fatal(err)
	}
}

// CartLines counts the lines left in userID's cart.
func (sh *Shop) CartLines(t *testing.T, userID int64) int {
	t.Helper()
	var n int
	q := sh.D.Read()
	if err := q.GetContext(t.Context(), &n, q.Rebind(`SELECT COUNT(*) FROM cart_lines l JOIN carts c ON c.id = l.cart_id
		WHERE c.user_id = ?`), userID); err != nil {
		t.Fatal(err)
	}
	return n
}

// SetStatus puts order id in status s directly, for the transition tests.
func (sh *Shop) SetStatus(t *testing.T, id int64, s order.Status) {
	t.Helper()
	q := sh.D.Write()
	if _, err := q.ExecContext(t.Context(), q.Rebind(`UPDATE orders SET status = ? WHERE id = ?`), s, id); err != nil {
		t.Fatal(err)
	}
	if _, err := q.ExecContext(t.Context(), q.Rebind(`UPDATE order_lines SET status = ? WHERE order_id = ?`), s, id); err != nil {
		t.Fatal(err)
	}
}

// PlaceOne places an order of quantity of variantID for a new customer.
func (sh *Shop) PlaceOne(t *testing.T, variantID, quantity int64) order.Order {
	t.Helper()
	sh.N++
	u := sh.Customer(t, fmt.Sprintf("buyer%d@example.com", sh.N))
	sh.Add(t, u, variantID, quantity)
	o, err := sh.Place(t.Context(), order.PlaceInput{UserID: u, IdempotencyKey: "k", AddressID: sh.Address(t, u),
		PaymentMethod: "card", Channel: order.PCWeb})
	if err != nil {
		t.Fatal(err)
	}
	return o
}

// Key is a checkout idempotency key for the i-th checkout of a test.
func Key(i int) string { return "checkout-" + strings.Repeat("x", i%3) + strconv.Itoa(i) }

// SetTaxFree marks the product of variant id as VAT-exempt (면세).
func (sh *Shop) SetTaxFree(t *testing.T, variantID int64) {
	t.Helper()
	q := sh.D.Write()
	if _, err := q.ExecContext(t.Context(), q.Rebind(`UPDATE products SET tax_free = TRUE
		WHERE id = (SELECT product_id FROM variants WHERE id = ?)`), variantID); err != nil {
		t.Fatal(err)
	}
}
