// Package ordertest builds a shop for tests of orders and of what builds on
// them (payments): a database with a catalog, customers, carts, and the
// order service with simple stand-ins for coupons, shipping and promotions.
package ordertest

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mallang/mallang/internal/account/address"
	"github.com/mallang/mallang/internal/catalog"
	"github.com/mallang/mallang/internal/catalog/catalogtest"
	"github.com/mallang/mallang/internal/crypt"
	"github.com/mallang/mallang/internal/db"
	"github.com/mallang/mallang/internal/db/dbtest"
	"github.com/mallang/mallang/internal/fault"
	"github.com/mallang/mallang/internal/order"
	"github.com/mallang/mallang/internal/points"
	"github.com/mallang/mallang/internal/pricing"
)

// Clock is a settable test clock.
type Clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *Clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *Clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// SQLCart is a cart on the carts and cart_lines tables with the catalog's
// current prices, standing in for the cart service.
type SQLCart struct{ D *db.DB }

func (c SQLCart) Checkout(ctx context.Context, userID int64) (int64, []order.CartLine, error) {
	q := c.D.Read()
	var cartID int64
	if err := q.GetContext(ctx, &cartID, q.Rebind(`SELECT COALESCE(MAX(id), 0) FROM carts WHERE user_id = ?`), userID); err != nil {
		return 0, nil, err
	}
	var rows []struct {
		ID         int64  `db:"id"`
		VariantID  int64  `db:"variant_id"`
		ProductID  int64  `db:"product_id"`
		CategoryID int64  `db:"category_id"`
		SellerID   int64  `db:"seller_id"`
		Name       string `db:"name"`
		Option1    string `db:"option1"`
		SKU        string `db:"sku"`
		UnitPrice  int64  `db:"unit_price"`
		Quantity   int64  `db:"quantity"`
		TaxFree    bool   `db:"tax_free"`
	}
	err := q.SelectContext(ctx, &rows, q.Rebind(`SELECT l.id, l.variant_id, p.id AS product_id, p.category_id,
		p.seller_id, p.name, v.option1, v.sku, COALESCE(v.sale_price_minor, v.price_minor) AS unit_price, l.quantity, p.tax_free
		FROM cart_lines l JOIN variants v ON v.id = l.variant_id JOIN products p ON p.id = v.product_id
		WHERE l.cart_id = ? AND l.selected ORDER BY l.id`), cartID)
	if err != nil {
		return 0, nil, err
	}
	lines := make([]order.CartLine, len(rows))
	for i, r := range rows {
		lines[i] = order.CartLine{ID: r.ID, VariantID: r.VariantID, ProductID: r.ProductID, CategoryID: r.CategoryID,
			SellerID: r.SellerID, Name: r.Name, Options: r.Option1, SKU: r.SKU, UnitPrice: r.UnitPrice, Quantity: r.Quantity, TaxFree: r.TaxFree}
	}
	return cartID, lines, nil
}

func (c SQLCart) RemoveLines(ctx context.Context, q db.Querier, cartID int64, ids []int64) error {
	for _, id := range ids {
		if _, err := q.ExecContext(ctx, q.Rebind(`DELETE FROM cart_lines WHERE cart_id = ? AND id = ?`), cartID, id); err != nil {
			return err
		}
	}
	return nil
}

// Coupons stands in for the coupon service: codes with no limits, and a
// record of what was Redeemed and released.
type Coupons struct {
	mu       sync.Mutex
	ByCode   map[string]pricing.Coupon
	Redeemed map[int64]int64 // order → coupon
	Released map[int64]bool
}

func (c *Coupons) Check(_ context.Context, code string, _ int64) (pricing.Coupon, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	cp, ok := c.ByCode[code]
	if !ok {
		return pricing.Coupon{}, fault.ErrNotFound
	}
	return cp, nil
}

func (c *Coupons) Redeem(_ context.Context, _ db.Querier, couponID, _, orderID int64) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.Redeemed[orderID] = couponID
	return nil
}

func (c *Coupons) Release(_ context.Context, _ db.Querier, orderID int64) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.Released[orderID] = true
	return nil
}

// Shipping charges 3,000 won below 50,000 and knows one carrier, "cj".
type Shipping struct{}

func (Shipping) Rules(context.Context) (pricing.ShippingRules, error) {
	return pricing.ShippingRules{BaseFee: 3000, FreeOver: 50000,
		Remote: []pricing.RemoteArea{{Name: "제주", From: "63000", To: "63644", Surcharge: 3000}}}, nil
}

func (Shipping) TrackingURL(_ context.Context, code, number string) (string, error) {
	if code != "cj" {
		return "", fault.ErrNotFound
	}
	return "https://trace.cjlogistics.com/next/tracking.html?wblNo=" + number, nil
}

// Promotions earns 1 %, lets points pay up to the whole order and gives
// the gifts of GiftRules.
type Promotions struct{ GiftRules []pricing.GiftRule }

func (*Promotions) PointsRules(context.Context, int64) (pricing.PointsRules, error) {
	return pricing.PointsRules{EarnPermille: 10}, nil
}
func (p *Promotions) Gifts(context.Context) ([]pricing.GiftRule, error) { return p.GiftRules, nil }

// Shop is a database with a catalog, customers and the order service.
type Shop struct {
	D       *db.DB
	Clock   *Clock
	Cat     *catalog.Service
	Addr    *address.Service
	Points  *points.Service
	Coupons *Coupons
	Promos  *Promotions
	KR      *crypt.Keyring
	Orders  *order.Service
	Leaf    int64
	N       int
}

// NewShop returns a shop on a fresh test database (dbtest: SQLite, or
// PostgreSQL when MALLANG_TEST_POSTGRES_URL is set).
func NewShop(t *testing.T) *Shop {
	t.Helper()
	d := dbtest.New(t)
	c := &Clock{t: time.Date(2026, 11, 30, 14, 0, 0, 0, time.UTC)}
	kr := crypt.DeriveKeyring([]byte("order tests: a secret of at least 32 bytes"))
	sh := &Shop{D: d, Clock: c, Cat: catalog.NewService(d, c.Now, nil, nil), Addr: address.New(d, kr, c.Now),
		Points: points.New(d, c.Now),
		Coupons: &Coupons{ByCode: map[string]pricing.Coupon{
			"WELCOME": {ID: 7, Code: "WELCOME", Kind: pricing.CouponFixed, Amount: 5000},
			"BIG":     {ID: 8, Code: "BIG", Kind: pricing.CouponFixed, Amount: 1000, MinOrder: 1_000_000},
		}, Redeemed: map[int64]int64{}, Released: map[int64]bool{}}, Promos: &Promotions{}, KR: kr}
	sh.Orders = sh.Service(sh.Coupons)
	sh.Leaf = catalogtest.Categories(t, sh.Cat).Leaves[0].ID
	return sh
}

// Service returns the order service of the shop with coupons cs.
func (sh *Shop) Service(cs order.Coupons) *order.Service {
	return order.NewService(sh.D, order.Deps{Catalog: sh.Cat, Cart: SQLCart{D: sh.D}, Addresses: sh.Addr,
		Coupons: cs, Points: sh.Points, Shipping: Shipping{}, Promotions: sh.Promos, Keyring: sh.KR},
		order.Config{PayWithin: 30 * time.Minute}, sh.Clock.Now, nil)
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

// Address adds an address to userID's book and returns its id.
func (sh *Shop) Address(t *testing.T, userID int64) int64 {
	t.Helper()
	a, err := sh.Addr.Create(t.Context(), userID, address.Input{Recipient: "김말랑", Phone: "010-1234-5678",
		Postcode: "06236", Line1: "서울 강남구 테헤란로 123", Line2: "4층"})
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
	o, err := sh.Orders.Place(t.Context(), order.PlaceInput{UserID: u, IdempotencyKey: "k", AddressID: sh.Address(t, u),
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
