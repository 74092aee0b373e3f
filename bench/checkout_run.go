package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"runtime/pprof"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/mallang/mallang/bench/load"
	"github.com/mallang/mallang/internal/db"
)

// The aim of issue 5: orders placed per second on PostgreSQL with the
// load generator on the same 2-CPU machine.
const targetOrderRate = 300

// checkoutScenarios are the names of the checkout scenarios, for -only.
var checkoutScenarios = []scenario{
	{name: "checkout", note: "POST /cart/add then POST /checkout, one signed-in customer per client, one unit of a variant of the pool per order"},
	{name: "checkout-last", note: fmt.Sprintf("one customer per client checks out the same variant with %d units left, all at once", lastUnits)},
	{name: "cart-page", note: fmt.Sprintf("GET /cart, one signed-in customer per client, %d lines in each cart", cartPageLines)},
}

// checkoutResult is one checkout scenario measured on one engine.
type checkoutResult struct {
	scenario
	flow  flowResult
	cpu   cpuUsage
	audit *stockAudit // the stock audit after the scenario, for those that sell
	check string      // what the scenario expected and whether it got it
	ok    bool
}

// served is the running server the checkout scenarios measure.
type served struct {
	url  string
	pid  int    // the server process, for its CPU time
	pgDB string // the PostgreSQL database whose backends count, "" for none
}

// benchCheckout prepares customers and stock in the database at dbURL and
// runs the selected checkout scenarios against srv.
func benchCheckout(ctx context.Context, cfg config, engine, dbURL string, srv served, p *progress) ([]checkoutResult, error) {
	var selected []scenario
	for _, sc := range checkoutScenarios {
		if sc.selected(cfg.only) {
			selected = append(selected, sc)
		}
	}
	if len(selected) == 0 {
		return nil, nil
	}
	d, err := db.Open(ctx, dbURL, db.Options{MaxReaders: 2})
	if err != nil {
		return nil, err
	}
	defer d.Close()
	n := cfg.concurrency
	shop, emails, err := prepareCheckout(ctx, d, cfg.checkoutVariants, 3*n)
	if err != nil {
		return nil, err
	}
	p.printf("%s checkout: %d customers, %d variants with %d units each, variant %d with %d units", engine,
		len(emails), len(shop.pool), plentyStock, shop.last, lastUnits)
	tr := load.NewClient(len(emails)).Transport
	t0 := time.Now()
	cs, err := signIn(ctx, srv.url, tr, emails)
	if err != nil {
		return nil, err
	}
	p.printf("%s checkout: %d customers signed in through POST /login in %s", engine, len(cs), time.Since(t0).Round(10*time.Millisecond))
	buyers, racers, browsers := cs[:n], cs[n:2*n], cs[2*n:]

	var out []checkoutResult
	for _, sc := range selected {
		if ctx.Err() != nil {
			return out, ctx.Err()
		}
		if cfg.waitIdle > 0 {
			waitIdle(ctx, cfg.waitIdle, srv.pid, srv.pgDB, p, engine+" "+sc.name)
		}
		var r checkoutResult
		switch sc.name {
		case "checkout":
			r, err = measureCheckout(ctx, cfg, engine, d, srv, shop, buyers, p)
		case "checkout-last":
			r, err = measureRace(ctx, engine, d, srv, shop, racers, p)
		case "cart-page":
			r, err = measureCartPage(ctx, cfg, engine, srv, shop, browsers, p)
		}
		if err != nil {
			return out, fmt.Errorf("%s: %w", sc.name, err)
		}
		r.scenario = sc
		p.printf("%s %s: %s", engine, sc.name, r.check)
		if r.flow.errText != "" {
			p.printf("%s %s: first error: %s", engine, sc.name, r.flow.errText)
		}
		out = append(out, r)
	}
	return out, nil
}

func measureCheckout(ctx context.Context, cfg config, engine string, d *db.DB, srv served, shop *checkoutShop, cs []*customer, p *progress) (checkoutResult, error) {
	var r checkoutResult
	initial, err := stockOf(ctx, d.Write(), shop.pool)
	if err != nil {
		return r, err
	}
	placed := 0
	if cfg.warmup > 0 {
		p.printf("%s checkout: warming up for %s", engine, cfg.warmup)
		w := checkoutLoop(ctx, srv.url, cs, shop.pool, cfg.warmup, shop.run+"-warm")
		placed += w.res.OK
	}
	p.printf("%s checkout: measuring %s at %d customers", engine, cfg.duration, len(cs))
	stopProfile, err := startProfile(cfg.cpuprofile, engine+"-checkout")
	if err != nil {
		return r, err
	}
	cpu0 := takeCPU(srv.pid, srv.pgDB)
	r.flow = checkoutLoop(ctx, srv.url, cs, shop.pool, cfg.duration, shop.run)
	r.cpu = takeCPU(srv.pid, srv.pgDB).since(cpu0)
	if err := stopProfile(); err != nil {
		return r, err
	}
	if cfg.cpuprofile != "" {
		p.printf("%s checkout: CPU profile in %s (go tool pprof -top %[2]s)", engine, profileName(cfg.cpuprofile, engine+"-checkout"))
	}
	if ctx.Err() != nil {
		return r, ctx.Err()
	}
	placed += r.flow.res.OK
	a, err := auditStock(ctx, d.Write(), initial, int64(placed))
	if err != nil {
		return r, err
	}
	r.audit = &a
	r.ok = a.ok() && r.flow.nonOK == 0 && r.flow.numbers == r.flow.res.OK
	r.check = fmt.Sprintf("%d orders (%.0f/s), checkout p50 %s p95 %s p99 %s, cart add p50 %s; %d distinct order numbers; errors %d; %s",
		r.flow.res.OK, r.flow.rate(), ms(r.flow.res.Percentile(50)), ms(r.flow.res.Percentile(95)), ms(r.flow.res.Percentile(99)),
		ms(r.flow.other.Percentile(50)), r.flow.numbers, r.flow.nonOK, a)
	return r, nil
}

func measureRace(ctx context.Context, engine string, d *db.DB, srv served, shop *checkoutShop, cs []*customer, p *progress) (checkoutResult, error) {
	var r checkoutResult
	for _, c := range cs {
		if _, err := c.addToCart(ctx, srv.url, shop.last, 1); err != nil {
			return r, fmt.Errorf("%s: %w", c.email, err)
		}
	}
	initial, err := stockOf(ctx, d.Write(), []int64{shop.last})
	if err != nil {
		return r, err
	}
	p.printf("%s checkout-last: %d customers with variant %d in their carts check out at once (%d units left)", engine, len(cs), shop.last, initial[shop.last])
	cpu0 := takeCPU(srv.pid, srv.pgDB)
	r.flow = raceLast(ctx, srv.url, cs, shop.run+"-last")
	r.cpu = takeCPU(srv.pid, srv.pgDB).since(cpu0)
	a, err := auditStock(ctx, d.Write(), initial, int64(r.flow.res.OK))
	if err != nil {
		return r, err
	}
	r.audit = &a
	want := min(int(initial[shop.last]), len(cs))
	final := initial[shop.last] - a.taken
	r.ok = a.ok() && r.flow.res.OK == want && r.flow.refused == len(cs)-want && r.flow.nonOK == 0 && final == initial[shop.last]-int64(want)
	verdict := "as expected"
	if !r.ok {
		verdict = "NOT AS EXPECTED"
	}
	r.check = fmt.Sprintf("%d placed (want %d), %d refused (want %d: %d with 422 and the sold-out message, %d sent back to the cart), errors %d, final stock %d; %s — %s",
		r.flow.res.OK, want, r.flow.refused, len(cs)-want, r.flow.refused-r.flow.toCart, r.flow.toCart, r.flow.nonOK, final, a, verdict)
	return r, nil
}

func measureCartPage(ctx context.Context, cfg config, engine string, srv served, shop *checkoutShop, cs []*customer, p *progress) (checkoutResult, error) {
	var r checkoutResult
	for i, c := range cs {
		for j := range cartPageLines {
			v := shop.pool[(i*cartPageLines+j)%len(shop.pool)]
			if _, err := c.addToCart(ctx, srv.url, v, 1); err != nil {
				return r, fmt.Errorf("%s: %w", c.email, err)
			}
		}
	}
	st, _, _, body, err := cs[0].get(ctx, srv.url+"/cart")
	if err != nil {
		return r, err
	}
	if st != http.StatusOK {
		return r, &statusError{what: "GET /cart", status: st, body: body}
	}
	if n := strings.Count(body, `data-testid="cart-line"`); n != cartPageLines {
		return r, fmt.Errorf("GET /cart as %s shows %d lines, want %d", cs[0].email, n, cartPageLines)
	}
	if cfg.warmup > 0 {
		p.printf("%s cart-page: warming up for %s", engine, cfg.warmup)
		cartPageLoop(ctx, srv.url, cs, cfg.warmup)
	}
	p.printf("%s cart-page: measuring %s at %d customers", engine, cfg.duration, len(cs))
	cpu0 := takeCPU(srv.pid, srv.pgDB)
	r.flow = cartPageLoop(ctx, srv.url, cs, cfg.duration)
	r.cpu = takeCPU(srv.pid, srv.pgDB).since(cpu0)
	r.ok = r.flow.nonOK == 0
	r.check = fmt.Sprintf("%.0f req/s, p50 %s p95 %s p99 %s, errors %d",
		r.flow.rate(), ms(r.flow.res.Percentile(50)), ms(r.flow.res.Percentile(95)), ms(r.flow.res.Percentile(99)), r.flow.nonOK)
	return r, ctx.Err()
}

// perOK is the server's and PostgreSQL's CPU time per expected answer
// (per order placed, per cart page).
func perOK(r checkoutResult) string {
	if r.flow.res.OK == 0 {
		return "-"
	}
	return fmt.Sprintf("%.0fµs", float64((r.cpu.server+r.cpu.postgres).Microseconds())/float64(r.flow.res.OK))
}

func checkoutErrors(r checkoutResult) string {
	if r.flow.nonOK == 0 {
		return "0"
	}
	return fmt.Sprintf("%d", r.flow.nonOK)
}

// printCheckoutTable prints the checkout scenarios: the rate counts placed
// orders (checkout) or 200 pages (cart-page), the latencies are those of
// POST /checkout and GET /cart.
func printCheckoutTable(w io.Writer, reports []engineReport) {
	any := false
	for _, rep := range reports {
		any = any || len(rep.checkout) > 0
	}
	if !any {
		return
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "engine\tscenario\tdone\trefused\tper s\tp50\tp95\tp99\tmax\terrors\t│ CPU: server\tpostgres\tloadgen\tother\tper done\t")
	for _, rep := range reports {
		for _, r := range rep.checkout {
			u := r.cpu
			fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%.0f\t%s\t%s\t%s\t%s\t%s\t│ %s\t%s\t%s\t%s\t%s\t\n",
				rep.engine, r.name, r.flow.res.OK, r.flow.refused, r.flow.rate(),
				ms(r.flow.res.Percentile(50)), ms(r.flow.res.Percentile(95)), ms(r.flow.res.Percentile(99)), ms(r.flow.res.Max()),
				checkoutErrors(r), u.percent(u.server), u.percent(u.postgres), u.percent(u.bench), u.percent(u.other), perOK(r))
		}
	}
	tw.Flush()
	fmt.Fprintln(w)
	for _, rep := range reports {
		for _, r := range rep.checkout {
			if r.audit != nil {
				fmt.Fprintf(w, "%s %s: %s\n", rep.engine, r.name, r.audit)
			}
		}
	}
	fmt.Fprintln(w, "checkout: done = orders placed (303 to the order page), refused = sold out (422 with the message, or 303 back to the cart); latencies are those of POST /checkout")
	fmt.Fprintln(w, "cart-page: done = 200 responses; latencies are those of GET /cart")
}

// printCheckoutMarkdown prints the checkout table as Markdown.
func printCheckoutMarkdown(w io.Writer, reports []engineReport) {
	fmt.Fprintln(w, "| engine | scenario | done | refused | per s | p50 | p95 | p99 | max | errors | CPU server | CPU postgres | CPU loadgen | CPU other | server+db CPU per done |")
	fmt.Fprintln(w, "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
	for _, rep := range reports {
		for _, r := range rep.checkout {
			u := r.cpu
			fmt.Fprintf(w, "| %s | %s | %d | %d | %.0f | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n",
				rep.engine, r.name, r.flow.res.OK, r.flow.refused, r.flow.rate(),
				ms(r.flow.res.Percentile(50)), ms(r.flow.res.Percentile(95)), ms(r.flow.res.Percentile(99)), ms(r.flow.res.Max()),
				checkoutErrors(r), u.percent(u.server), u.percent(u.postgres), u.percent(u.bench), u.percent(u.other), perOK(r))
		}
	}
}

// printCheckoutTargets says whether the orders aim and the stock checks hold.
func printCheckoutTargets(w io.Writer, reports []engineReport) {
	verdict := func(ok bool) string {
		if ok {
			return "met"
		}
		return "MISSED"
	}
	for _, rep := range reports {
		for _, r := range rep.checkout {
			switch r.name {
			case "checkout":
				note := ""
				if rep.engine != "postgres" {
					note = " (the aim is for PostgreSQL)"
				}
				fmt.Fprintf(w, "target %s checkout ≥ %d orders/s with no oversell: %.0f orders/s, %s — %s%s\n",
					rep.engine, targetOrderRate, r.flow.rate(), strings.TrimPrefix(auditVerdict(r.audit), " "),
					verdict(r.ok && r.flow.rate() >= targetOrderRate), note)
			case "checkout-last":
				fmt.Fprintf(w, "check %s checkout-last: %d of %d customers got the last %d units — %s\n",
					rep.engine, r.flow.res.OK, r.flow.res.OK+r.flow.refused+r.flow.nonOK, lastUnits, verdict(r.ok))
			}
		}
	}
}

func auditVerdict(a *stockAudit) string {
	switch {
	case a == nil:
		return "not audited"
	case a.ok():
		return "no oversell"
	}
	return "STOCK MISMATCH"
}

// profileName adds a name (the engine's and the scenario's) to a profile's
// file name, before its extension: cpu.prof becomes cpu-postgres-product.prof.
func profileName(file, engine string) string {
	ext := filepath.Ext(file)
	return strings.TrimSuffix(file, ext) + "-" + engine + ext
}

// startProfile starts a CPU profile into profileName(file, engine) and
// returns the function that stops it; with file "" both do nothing.
func startProfile(file, engine string) (func() error, error) {
	if file == "" {
		return func() error { return nil }, nil
	}
	f, err := os.Create(profileName(file, engine))
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, err
	}
	return func() error {
		pprof.StopCPUProfile()
		return f.Close()
	}, nil
}
