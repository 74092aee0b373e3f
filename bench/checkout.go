package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/mallang/mallang/bench/load"
	"github.com/mallang/mallang/internal/account"
	"github.com/mallang/mallang/internal/db"
)

// The checkout scenarios sign customers in over HTTP and place real orders:
// each customer has its own session cookie, adds a variant to its cart and
// checks out, in a closed loop. Afterwards the stock of the variants used is
// audited against the order lines in the database, so a run that sold more
// than there was is reported as such.

const (
	// plentyStock is what every variant of the checkout pool gets: more than
	// any run can sell.
	plentyStock = 1_000_000
	// lastUnits is the stock of the variant customers race for.
	lastUnits = 10
	// cartPageLines is the number of lines in each cart of the cart-page scenario.
	cartPageLines = 3
	// benchPassword is every benchmark customer's password; it is hashed once.
	benchPassword = "mallang-bench-password"
)

// checkoutShop is what the checkout scenarios prepared in the database.
type checkoutShop struct {
	run      string  // a random tag in the customers' addresses and idempotency keys
	pool     []int64 // variants with plentyStock, bought in the checkout loop
	last     int64   // the variant with lastUnits left
	products map[int64]int64
}

// prepareCheckout picks the variants, sets their stock and refreshes their
// products' stock totals, and inserts n verified, active customers, all with
// benchPassword. It returns the customers' email addresses.
func prepareCheckout(ctx context.Context, d *db.DB, poolSize, n int) (*checkoutShop, []string, error) {
	q := d.Write()
	var rows []struct {
		ID        int64 `db:"id"`
		ProductID int64 `db:"product_id"`
	}
	// One active variant per active product, so products do not share stock totals.
	err := q.SelectContext(ctx, &rows, `SELECT MIN(v.id) AS id, v.product_id FROM variants v
JOIN products p ON p.id = v.product_id
WHERE v.active = TRUE AND p.status = 'active' AND p.deleted_at IS NULL
GROUP BY v.product_id ORDER BY v.product_id`)
	if err != nil {
		return nil, nil, fmt.Errorf("list variants: %w", err)
	}
	picked := spread(len(rows), poolSize+1)
	if len(picked) < 2 {
		return nil, nil, fmt.Errorf("the seeded catalog has %d sellable variants; the checkout scenarios need at least 2", len(rows))
	}
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	s := &checkoutShop{run: hex.EncodeToString(b), products: map[int64]int64{}}
	for i, k := range picked {
		r := rows[k]
		s.products[r.ID] = r.ProductID
		if i == len(picked)-1 {
			s.last = r.ID
		} else {
			s.pool = append(s.pool, r.ID)
		}
	}
	now := time.Now().UTC()
	for _, v := range s.pool {
		if err := setStock(ctx, q, v, s.products[v], plentyStock, now); err != nil {
			return nil, nil, err
		}
	}
	if err := setStock(ctx, q, s.last, s.products[s.last], lastUnits, now); err != nil {
		return nil, nil, err
	}

	hash, err := account.HashPassword(benchPassword)
	if err != nil {
		return nil, nil, err
	}
	emails := make([]string, n)
	for i := range emails {
		emails[i] = fmt.Sprintf("bench-%s-%d@example.com", s.run, i)
		if _, err := q.ExecContext(ctx, q.Rebind(`INSERT INTO users (email, name, password_hash, role, active, email_verified_at, created_at, updated_at)
VALUES (?, ?, ?, ?, TRUE, ?, ?, ?)`), emails[i], fmt.Sprintf("고객 %d", i), hash, string(account.Customer), now, now, now); err != nil {
			return nil, nil, fmt.Errorf("insert customer %s: %w", emails[i], err)
		}
	}
	return s, emails, nil
}

// setStock sets a variant's stock and its product's in-stock flag, as the
// catalog would.
func setStock(ctx context.Context, q db.Querier, variantID, productID, stock int64, now time.Time) error {
	if _, err := q.ExecContext(ctx, q.Rebind(`UPDATE variants SET stock = ?, updated_at = ? WHERE id = ?`), stock, now, variantID); err != nil {
		return fmt.Errorf("set stock of variant %d: %w", variantID, err)
	}
	if _, err := q.ExecContext(ctx, q.Rebind(`UPDATE products SET
	in_stock = EXISTS (SELECT 1 FROM variants v WHERE v.product_id = products.id AND v.active = TRUE AND v.stock > 0),
	updated_at = ? WHERE id = ?`), now, productID); err != nil {
		return fmt.Errorf("refresh product %d: %w", productID, err)
	}
	return nil
}

// spread returns up to k indexes of 0..n-1, evenly spaced over the range.
func spread(n, k int) []int {
	if n <= 0 || k <= 0 {
		return nil
	}
	k = min(k, n)
	out := make([]int, k)
	for i := range out {
		out[i] = i * n / k
	}
	return out
}

// stockOf reads the stock of each of variants.
func stockOf(ctx context.Context, q db.Querier, variants []int64) (map[int64]int64, error) {
	out := make(map[int64]int64, len(variants))
	for _, v := range variants {
		var n int64
		if err := q.GetContext(ctx, &n, q.Rebind(`SELECT stock FROM variants WHERE id = ?`), v); err != nil {
			return nil, fmt.Errorf("read stock of variant %d: %w", v, err)
		}
		out[v] = n
	}
	return out, nil
}

// stockAudit compares what left the shelves with what was ordered.
type stockAudit struct {
	taken    int64 // initial minus final stock, summed over the variants
	ordered  int64 // the quantity of the order lines of the variants
	lines    int64 // the number of those order lines
	orders   int64 // the orders the clients saw placed (303 to the order page)
	lowest   int64 // the lowest final stock of any of the variants
	variants int
}

// ok reports whether nothing was oversold: every unit taken is on an order
// line, every order the clients saw is in the database with one line of
// quantity 1, and no stock went below zero.
func (a stockAudit) ok() bool {
	return a.taken == a.ordered && a.lines == a.orders && a.ordered == a.lines && a.lowest >= 0
}

func (a stockAudit) String() string {
	verdict := "no oversell"
	if !a.ok() {
		verdict = "MISMATCH"
	}
	return fmt.Sprintf("stock taken %d = ordered %d in %d order lines; %d orders seen placed; lowest stock %d over %d variants — %s",
		a.taken, a.ordered, a.lines, a.orders, a.lowest, a.variants, verdict)
}

// auditStock reads the final stock and the order lines of variants and
// compares them with the initial stock and the orders the clients counted.
func auditStock(ctx context.Context, q db.Querier, initial map[int64]int64, placed int64) (stockAudit, error) {
	vs := slices.Sorted(maps.Keys(initial))
	final, err := stockOf(ctx, q, vs)
	if err != nil {
		return stockAudit{}, err
	}
	a := stockAudit{orders: placed, variants: len(vs), lowest: final[vs[0]]}
	for _, v := range vs {
		a.taken += initial[v] - final[v]
		a.lowest = min(a.lowest, final[v])
		var r struct {
			Qty   int64 `db:"qty"`
			Lines int64 `db:"lines"`
		}
		if err := q.GetContext(ctx, &r, q.Rebind(`SELECT COALESCE(SUM(quantity), 0) AS qty, COUNT(*) AS lines
FROM order_lines WHERE variant_id = ?`), v); err != nil {
			return stockAudit{}, fmt.Errorf("count order lines of variant %d: %w", v, err)
		}
		a.ordered += r.Qty
		a.lines += r.Lines
	}
	return a, nil
}

// customer is one signed-in customer: a client with its own cookie jar
// that does not follow redirects, so the benchmark sees each 303.
type customer struct {
	email  string
	client *http.Client
}

// signIn logs each of emails in through POST /login, two at a time (each
// login hashes the password on the server with 12 MiB of memory), over the
// shared transport.
func signIn(ctx context.Context, base string, tr http.RoundTripper, emails []string) ([]*customer, error) {
	cs := make([]*customer, len(emails))
	errs := make([]error, len(emails))
	sem := make(chan struct{}, 2)
	var wg sync.WaitGroup
	for i, e := range emails {
		jar, _ := cookiejar.New(nil)
		c := &customer{email: e, client: &http.Client{Transport: tr, Jar: jar, Timeout: 30 * time.Second,
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
		cs[i] = c
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			st, loc, _, _, err := c.post(ctx, base+"/login", url.Values{"email": {e}, "password": {benchPassword}})
			switch {
			case err != nil:
				errs[i] = err
			case st != http.StatusSeeOther:
				errs[i] = fmt.Errorf("POST /login as %s: status %d, want 303", e, st)
			case !c.hasSession(base):
				errs[i] = fmt.Errorf("POST /login as %s: 303 to %s but no %s cookie", e, loc, sessionCookie)
			}
		})
	}
	wg.Wait()
	return cs, errors.Join(errs...)
}

// sessionCookie is the storefront's session cookie over plain HTTP.
const sessionCookie = "mallang_session"

func (c *customer) hasSession(base string) bool {
	u, _ := url.Parse(base)
	for _, k := range c.client.Jar.Cookies(u) {
		if k.Name == sessionCookie && k.Value != "" {
			return true
		}
	}
	return false
}

// post sends a form and returns the status, the Location header, the time
// to the last byte of the body, and the start of the body.
func (c *customer) post(ctx context.Context, u string, form url.Values) (int, string, time.Duration, string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u, strings.NewReader(form.Encode()))
	if err != nil {
		return 0, "", 0, "", err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return c.do(req)
}

func (c *customer) get(ctx context.Context, u string) (int, string, time.Duration, string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return 0, "", 0, "", err
	}
	return c.do(req)
}

// bodyKept is how much of a response body do keeps for error messages and checks.
const bodyKept = 64 << 10

func (c *customer) do(req *http.Request) (int, string, time.Duration, string, error) {
	t0 := time.Now()
	resp, err := c.client.Do(req)
	if err != nil {
		return 0, "", 0, "", err
	}
	var b strings.Builder
	_, err = io.Copy(&b, io.LimitReader(resp.Body, bodyKept))
	if err == nil {
		_, err = io.Copy(io.Discard, resp.Body)
	}
	resp.Body.Close()
	d := time.Since(t0)
	if err != nil {
		return 0, "", 0, "", fmt.Errorf("read body of %s %s: %w", req.Method, req.URL.Path, err)
	}
	return resp.StatusCode, resp.Header.Get("Location"), d, b.String(), nil
}

// addToCart posts one variant to the cart and expects 303 to /cart.
func (c *customer) addToCart(ctx context.Context, base string, variant, qty int64) (time.Duration, error) {
	st, loc, d, body, err := c.post(ctx, base+"/cart/add", url.Values{
		"variant": {strconv.FormatInt(variant, 10)}, "quantity": {strconv.FormatInt(qty, 10)}})
	if err != nil {
		return d, err
	}
	if st != http.StatusSeeOther || !strings.HasPrefix(loc, "/cart") {
		return d, &statusError{what: "POST /cart/add", status: st, location: loc, body: body}
	}
	return d, nil
}

// checkoutForm is the checkout as a customer submits it: a new address in
// Seoul (no remote surcharge), no coupon or points, bank transfer.
func checkoutForm(key string) url.Values {
	return url.Values{
		"key":       {key},
		"address":   {"new"},
		"recipient": {"김말랑"},
		"phone":     {"010-1234-5678"},
		"postcode":  {"04524"},
		"line1":     {"서울특별시 중구 세종대로 110"},
		"line2":     {"3층"},
		"note":      {"문 앞에 놓아 주세요"},
		"coupon":    {""},
		"points":    {"0"},
		"payment":   {"bank_transfer"},
		"action":    {"place"}, // the button that places the order; others re-price the page
	}
}

// orderPath is where a placed order redirects to.
const orderPath = "/account/orders/"

// orderNumber returns the order number of a Location header that points to
// an order's page, relative or absolute.
func orderNumber(location string) (string, bool) {
	if u, err := url.Parse(location); err == nil {
		location = u.Path
	}
	n, ok := strings.CutPrefix(location, orderPath)
	if !ok || n == "" || strings.Contains(n, "/") {
		return "", false
	}
	return n, true
}

// soldOut reports whether a checkout page says the order could not be
// placed because a line is sold out: the page's error names the cart.
func soldOut(page string) bool {
	return strings.Contains(page, `data-testid="form-error"`) && strings.Contains(page, "sold out")
}

// checkoutOutcome is what one POST /checkout ended in.
type checkoutOutcome int

const (
	outcomePlaced     checkoutOutcome = iota // 303 to the order's page
	outcomeRefused                           // 422: the checkout page again, saying a line is sold out
	outcomeBackToCart                        // 303 to /cart: nothing in the cart can be ordered any more
	outcomeOther                             // anything else
)

// checkout posts the checkout form with key and classifies the answer.
func (c *customer) checkout(ctx context.Context, base, key string) (checkoutOutcome, string, time.Duration, error) {
	st, loc, d, body, err := c.post(ctx, base+"/checkout", checkoutForm(key))
	if err != nil {
		return outcomeOther, "", d, err
	}
	if st == http.StatusSeeOther {
		if n, ok := orderNumber(loc); ok {
			return outcomePlaced, n, d, nil
		}
	}
	if st == http.StatusUnprocessableEntity && soldOut(body) {
		return outcomeRefused, body, d, nil
	}
	if st == http.StatusSeeOther && loc == "/cart" {
		// When no line of the cart can be ordered any more the checkout
		// page has nothing to show and sends the customer back to the
		// cart, which marks the line sold out.
		return outcomeBackToCart, body, d, nil
	}
	return outcomeOther, "", d, &statusError{what: "POST /checkout", status: st, location: loc, body: body}
}

// statusError is a response other than the one expected.
type statusError struct {
	what     string
	status   int
	location string
	body     string
}

func (e *statusError) Error() string {
	s := fmt.Sprintf("%s: status %d", e.what, e.status)
	if e.location != "" {
		s += " to " + e.location
	}
	return fmt.Sprintf("%s: %.300s", s, strings.TrimSpace(e.body))
}

// flowResult is what a closed loop of one kind of request measured.
type flowResult struct {
	res      load.Result // latencies of the measured request; OK counts the expected answers
	other    load.Result // latencies of the request before it in each loop (the cart add), if any
	refused  int         // POST /checkout refused: 422 with the sold-out message, or 303 back to the cart
	toCart   int         // of those, the 303s back to the cart
	numbers  int         // distinct order numbers seen
	errText  string      // the first unexpected answer or error
	nonOK    int         // requests that failed or got an unexpected answer
	duration time.Duration
}

// rate is the expected answers per second.
func (f flowResult) rate() float64 {
	if f.res.Elapsed <= 0 {
		return 0
	}
	return float64(f.res.OK) / f.res.Elapsed.Seconds()
}

// tally is one customer's record in a closed loop; only its goroutine
// writes it until the loop merges them.
type tally struct {
	lat, otherLat []time.Duration
	ok, refused   int
	toCart        int
	nonOK         int
	firstErr      error
	numbers       []string
}

func (t *tally) fail(err error) {
	if errors.Is(err, context.Canceled) {
		return
	}
	t.nonOK++
	if t.firstErr == nil {
		t.firstErr = err
	}
}

// closedLoop runs step for each customer, again and again, until d has
// passed or ctx is done, and merges the tallies.
func closedLoop(ctx context.Context, cs []*customer, d time.Duration, step func(i, n int, c *customer, t *tally)) flowResult {
	ts := make([]tally, len(cs))
	start := time.Now()
	deadline := start.Add(d)
	var wg sync.WaitGroup
	for i, c := range cs {
		t := &ts[i]
		t.lat = make([]time.Duration, 0, 1024)
		wg.Go(func() {
			for n := 0; ctx.Err() == nil && time.Now().Before(deadline); n++ {
				step(i, n, c, t)
			}
		})
	}
	wg.Wait()
	return merge(ts, time.Since(start))
}

func merge(ts []tally, elapsed time.Duration) flowResult {
	f := flowResult{res: load.Result{Elapsed: elapsed}, other: load.Result{Elapsed: elapsed}, duration: elapsed}
	seen := map[string]bool{}
	for i := range ts {
		t := &ts[i]
		f.res.Latencies = append(f.res.Latencies, t.lat...)
		f.other.Latencies = append(f.other.Latencies, t.otherLat...)
		f.res.OK += t.ok
		f.refused += t.refused
		f.toCart += t.toCart
		f.nonOK += t.nonOK
		if f.errText == "" && t.firstErr != nil {
			f.errText = t.firstErr.Error()
		}
		for _, n := range t.numbers {
			seen[n] = true
		}
	}
	f.numbers = len(seen)
	slices.Sort(f.res.Latencies)
	slices.Sort(f.other.Latencies)
	return f
}

// checkoutLoop has every customer add one unit of a pool variant to its
// cart and check out, again and again. Customer i buys the pool's variants
// in turn starting at its own, so neighbouring customers buy different
// variants. Keys are unique per run, customer and loop.
func checkoutLoop(ctx context.Context, base string, cs []*customer, pool []int64, d time.Duration, keyPrefix string) flowResult {
	return closedLoop(ctx, cs, d, func(i, n int, c *customer, t *tally) {
		v := pool[(i+n*len(cs))%len(pool)]
		ad, err := c.addToCart(ctx, base, v, 1)
		if err != nil {
			t.fail(err)
			return
		}
		t.otherLat = append(t.otherLat, ad)
		out, num, cd, err := c.checkout(ctx, base, fmt.Sprintf("%s-%d-%d", keyPrefix, i, n))
		if err != nil {
			t.fail(err)
			return
		}
		t.lat = append(t.lat, cd)
		switch out {
		case outcomePlaced:
			t.ok++
			t.numbers = append(t.numbers, num)
		default:
			t.refused++
			t.fail(fmt.Errorf("POST /checkout refused with plenty of stock: %.300s", num))
		}
	})
}

// raceLast has every customer, each with one unit of the variant in its
// cart already, check out at the same moment.
func raceLast(ctx context.Context, base string, cs []*customer, keyPrefix string) flowResult {
	ts := make([]tally, len(cs))
	startGun := make(chan struct{})
	var ready, wg sync.WaitGroup
	for i, c := range cs {
		t := &ts[i]
		ready.Add(1)
		wg.Go(func() {
			ready.Done()
			<-startGun
			out, body, d, err := c.checkout(ctx, base, fmt.Sprintf("%s-%d", keyPrefix, i))
			if err != nil {
				t.fail(err)
				return
			}
			t.lat = append(t.lat, d)
			switch out {
			case outcomePlaced:
				t.ok++
				t.numbers = append(t.numbers, body)
			case outcomeRefused:
				t.refused++
			case outcomeBackToCart:
				t.refused++
				t.toCart++
			}
		})
	}
	ready.Wait()
	start := time.Now()
	close(startGun)
	wg.Wait()
	return merge(ts, time.Since(start))
}

// cartPageLoop has every customer fetch its own cart page, again and again.
func cartPageLoop(ctx context.Context, base string, cs []*customer, d time.Duration) flowResult {
	return closedLoop(ctx, cs, d, func(_, _ int, c *customer, t *tally) {
		st, _, rd, body, err := c.get(ctx, base+"/cart")
		if err != nil {
			t.fail(err)
			return
		}
		t.lat = append(t.lat, rd)
		if st != http.StatusOK {
			t.fail(&statusError{what: "GET /cart", status: st, body: body})
			return
		}
		t.ok++
	})
}
