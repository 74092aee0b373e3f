package main

import (
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/mallang/mallang/bench/load"
)

// The aims of issue 3, on a 2-core machine with the load generator on it.
const (
	targetCategoryRate = 3000
	targetCategoryP99  = 25 * time.Millisecond
	targetSearchP99    = 50 * time.Millisecond
	targetSearchSize   = 100000
	targetCategorySize = 10000
	targetRSS          = 150 << 20
)

// The aims of issue 17: shares of the bare server's rate for the same bytes.
const (
	targetFirstShare   = 0.40 // the cached first page of a category
	targetMixShare     = 0.20 // every page of every top category in every sort
	targetMixP99       = 50 * time.Millisecond
	targetProductShare = 0.25 // 1,000 different product pages
	targetProductP99   = 25 * time.Millisecond
)

// share is the shop's rate as a share of the bare server's for the same
// pages, or "-" when the bare server was not measured.
func share(r scenarioResult) string {
	if !r.bareMeasured || r.bare.Rate() == 0 {
		return "-"
	}
	return fmt.Sprintf("%.0f%%", 100*r.res.Rate()/r.bare.Rate())
}

// shareOf is share as a fraction; 0 when not measured.
func shareOf(r scenarioResult) float64 {
	if !r.bareMeasured || r.bare.Rate() == 0 {
		return 0
	}
	return r.res.Rate() / r.bare.Rate()
}

// bareColumns are the bare server's rate and p99 and the shop's share.
func bareColumns(r scenarioResult) []any {
	if !r.bareMeasured {
		return []any{"-", "-", "-"}
	}
	return []any{fmt.Sprintf("%.0f", r.bare.Rate()), ms(r.bare.Percentile(99)), share(r)}
}

func ms(d time.Duration) string {
	return fmt.Sprintf("%.2fms", float64(d)/float64(time.Millisecond))
}

func mib(b int64) string { return fmt.Sprintf("%.1f MiB", float64(b)/(1<<20)) }

// errorText counts failed requests and non-200 responses by status.
func errorText(r load.Result) string {
	if !r.Failed() {
		return "0"
	}
	var parts []string
	if r.Errors > 0 {
		parts = append(parts, fmt.Sprintf("%d failed", r.Errors))
	}
	for _, code := range slices.Sorted(maps.Keys(r.Status)) {
		parts = append(parts, fmt.Sprintf("%d×%d", r.Status[code], code))
	}
	return strings.Join(parts, ", ")
}

// cpuColumns are the CPU shares of a scenario: server, PostgreSQL, load
// generator and everything else on the machine (100% is one CPU).
func cpuColumns(r scenarioResult) []any {
	u := r.cpu
	return []any{u.percent(u.server), u.percent(u.postgres), u.percent(u.bench), u.percent(u.other), perRequest(r)}
}

// perRequest is the CPU time the server (and PostgreSQL) spent per
// response: the cost of a request, which other work on the machine hardly
// changes, while rates and latencies suffer from it.
func perRequest(r scenarioResult) string {
	n := r.res.Responses()
	if n == 0 {
		return "-"
	}
	return fmt.Sprintf("%.0fµs", float64((r.cpu.server+r.cpu.postgres).Microseconds())/float64(n))
}

// printTable prints the final table of the built-in load generator.
func printTable(w io.Writer, reports []engineReport) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "engine\tscenario\trequests\treq/s\tp50\tp90\tp99\tmax\terrors\t│ bare: req/s\tp99\tshare\t│ CPU: server\tpostgres\tloadgen\tother\tper request\t")
	for _, rep := range reports {
		for _, r := range rep.results {
			fmt.Fprintf(tw, "%s\t%s\t%d\t%.0f\t%s\t%s\t%s\t%s\t%s\t│ %s\t%s\t%s\t│ %s\t%s\t%s\t%s\t%s\t\n", append(append([]any{
				rep.engine, r.name, r.res.Responses() + r.res.Errors, r.res.Rate(),
				ms(r.res.Percentile(50)), ms(r.res.Percentile(90)), ms(r.res.Percentile(99)), ms(r.res.Max()),
				errorText(r.res)}, bareColumns(r)...), cpuColumns(r)...)...)
		}
	}
	tw.Flush()
	fmt.Fprintln(w)
	for _, rep := range reports {
		line := fmt.Sprintf("%s: seed %s, peak server memory %s without the database file (VmHWM %s)", rep.engine, rep.seedTime.Round(100*time.Millisecond), mib(rep.peakOwn), mib(rep.peakRSS))
		if rep.err != nil {
			line += fmt.Sprintf(" — INCOMPLETE: %v", rep.err)
		}
		fmt.Fprintln(w, line)
	}
}

// printMarkdown prints the same table as Markdown, for docs/performance.md.
func printMarkdown(w io.Writer, reports []engineReport) {
	fmt.Fprintln(w, "| engine | scenario | req/s | p50 | p90 | p99 | max | errors | bare req/s | bare p99 | share of bare | CPU server | CPU postgres | CPU loadgen | CPU other | server+db CPU per request |")
	fmt.Fprintln(w, "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
	for _, rep := range reports {
		for _, r := range rep.results {
			fmt.Fprintf(w, "| %s | %s | %.0f | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", append(append([]any{
				rep.engine, r.name, r.res.Rate(),
				ms(r.res.Percentile(50)), ms(r.res.Percentile(90)), ms(r.res.Percentile(99)), ms(r.res.Max()),
				errorText(r.res)}, bareColumns(r)...), cpuColumns(r)...)...)
		}
	}
	fmt.Fprintln(w)
	for _, rep := range reports {
		fmt.Fprintf(w, "- %s: seed %s, peak server memory %s without the database file (VmHWM %s)\n", rep.engine, rep.seedTime.Round(100*time.Millisecond), mib(rep.peakOwn), mib(rep.peakRSS))
	}
	fmt.Fprintln(w)
	// Every engine runs the same scenarios: describe them once.
	if len(reports) > 0 {
		for _, r := range reports[0].results {
			fmt.Fprintf(w, "- %s: %s\n", r.name, r.note)
		}
	}
}

// printWrkTable prints what wrk measured for the same scenarios.
func printWrkTable(w io.Writer, reports []engineReport) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "wrk: engine\tscenario\treq/s\tp50\tp90\tp99\tmax\terrors\t")
	for _, rep := range reports {
		for _, r := range rep.results {
			if r.wrk == nil {
				fmt.Fprintf(tw, "%s\t%s\t-\t-\t-\t-\t-\t%v\t\n", rep.engine, r.name, r.wrkErr)
				continue
			}
			x := r.wrk
			fmt.Fprintf(tw, "%s\t%s\t%.0f\t%s\t%s\t%s\t%s\t%s\t\n", rep.engine, r.name, x.rate,
				ms(x.p50), ms(x.p90), ms(x.p99), ms(x.max), x.errors)
		}
	}
	tw.Flush()
}

// printTargets compares the figures with the aims and says which are met.
func printTargets(w io.Writer, cfg config, reports []engineReport) {
	verdict := func(ok bool) string {
		if ok {
			return "met"
		}
		return "MISSED"
	}
	for _, rep := range reports {
		for _, r := range rep.results {
			p99, rate := r.res.Percentile(99), r.res.Rate()
			switch {
			case r.name == "category-first" || r.name == "category-deep":
				if r.name == "category-first" && r.bareMeasured {
					fmt.Fprintf(w, "target %s %s ≥ %.0f%% of the bare server: %s — %s\n",
						rep.engine, r.name, 100*targetFirstShare, share(r), verdict(shareOf(r) >= targetFirstShare && !r.res.Failed()))
				}
				ok := rate >= targetCategoryRate && p99 < targetCategoryP99 && !r.res.Failed()
				note := ""
				if cfg.products != targetCategorySize {
					note = fmt.Sprintf(" (aim is for %d products, this run has %d)", targetCategorySize, cfg.products)
				}
				fmt.Fprintf(w, "target %s %s ≥ %d req/s, p99 < %s: %.0f req/s, p99 %s — %s%s\n",
					rep.engine, r.name, targetCategoryRate, ms(targetCategoryP99), rate, ms(p99), verdict(ok), note)
			case r.name == "category-mix" && r.bareMeasured:
				ok := shareOf(r) >= targetMixShare && p99 < targetMixP99 && !r.res.Failed()
				fmt.Fprintf(w, "target %s %s ≥ %.0f%% of the bare server, p99 < %s: %s, p99 %s — %s\n",
					rep.engine, r.name, 100*targetMixShare, ms(targetMixP99), share(r), ms(p99), verdict(ok))
			case r.name == "product" && r.bareMeasured:
				ok := shareOf(r) >= targetProductShare && p99 < targetProductP99 && !r.res.Failed()
				fmt.Fprintf(w, "target %s %s ≥ %.0f%% of the bare server, p99 < %s: %s, p99 %s — %s\n",
					rep.engine, r.name, 100*targetProductShare, ms(targetProductP99), share(r), ms(p99), verdict(ok))
			case strings.HasPrefix(r.name, "search"):
				ok := p99 < targetSearchP99 && !r.res.Failed()
				note := ""
				if cfg.products != targetSearchSize {
					note = fmt.Sprintf(" (aim is for %d products, this run has %d)", targetSearchSize, cfg.products)
				}
				fmt.Fprintf(w, "target %s %s p99 < %s: p99 %s — %s%s\n",
					rep.engine, r.name, ms(targetSearchP99), ms(p99), verdict(ok), note)
			}
		}
		fmt.Fprintf(w, "target %s server memory < %s: peak %s without the database file (VmHWM %s) — %s\n",
			rep.engine, mib(targetRSS), mib(rep.peakOwn), mib(rep.peakRSS), verdict(rep.peakOwn < targetRSS))
	}
}
