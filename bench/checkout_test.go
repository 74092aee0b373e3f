package main

import (
	"errors"
	"slices"
	"testing"
	"time"
)

func TestOrderNumber(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, location, want string
		ok                   bool
	}{
		{"relative", "/account/orders/20261130-K7QX2M9A", "20261130-K7QX2M9A", true},
		{"absolute", "http://127.0.0.1:8080/account/orders/20261130-K7QX2M9A", "20261130-K7QX2M9A", true},
		{"no number", "/account/orders/", "", false},
		{"order list", "/account/orders", "", false},
		{"deeper", "/account/orders/20261130-K7QX2M9A/receipt", "", false},
		{"elsewhere", "/checkout", "", false},
		{"login", "/login?next=%2Fcheckout", "", false},
		{"empty", "", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, ok := orderNumber(tt.location)
			if got != tt.want || ok != tt.ok {
				t.Fatalf("orderNumber(%q) = %q, %v; want %q, %v", tt.location, got, ok, tt.want, tt.ok)
			}
		})
	}
}

func TestSpread(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		n, k int
		want []int
	}{
		{"fewer than there are", 10, 5, []int{0, 2, 4, 6, 8}},
		{"all", 3, 3, []int{0, 1, 2}},
		{"more than there are", 3, 5, []int{0, 1, 2}},
		{"none", 0, 5, nil},
		{"none asked", 5, 0, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := spread(tt.n, tt.k); !slices.Equal(got, tt.want) {
				t.Fatalf("spread(%d, %d) = %v, want %v", tt.n, tt.k, got, tt.want)
			}
		})
	}
}

func TestStockAuditOK(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		a    stockAudit
		want bool
	}{
		{"balanced", stockAudit{taken: 120, ordered: 120, lines: 120, orders: 120, lowest: 999_880}, true},
		{"nothing sold", stockAudit{lowest: 10}, true},
		{"last units", stockAudit{taken: 10, ordered: 10, lines: 10, orders: 10, lowest: 0}, true},
		{"taken but not ordered", stockAudit{taken: 121, ordered: 120, lines: 120, orders: 120}, false},
		{"ordered but not taken", stockAudit{taken: 119, ordered: 120, lines: 120, orders: 120}, false},
		{"an order the database lacks", stockAudit{taken: 120, ordered: 120, lines: 120, orders: 121}, false},
		{"a line of two units", stockAudit{taken: 121, ordered: 121, lines: 120, orders: 120}, false},
		{"negative stock", stockAudit{taken: 11, ordered: 11, lines: 11, orders: 11, lowest: -1}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := tt.a.ok(); got != tt.want {
				t.Fatalf("%+v.ok() = %v, want %v", tt.a, got, tt.want)
			}
		})
	}
}

func TestMerge(t *testing.T) {
	t.Parallel()
	ms := time.Millisecond
	ts := []tally{
		{lat: []time.Duration{3 * ms, 1 * ms}, otherLat: []time.Duration{2 * ms}, ok: 2, numbers: []string{"A", "B"}},
		{lat: []time.Duration{2 * ms}, ok: 1, refused: 1, nonOK: 1, firstErr: errors.New("boom"), numbers: []string{"B"}},
	}
	f := merge(ts, 2*time.Second)
	if !slices.Equal(f.res.Latencies, []time.Duration{ms, 2 * ms, 3 * ms}) {
		t.Errorf("latencies = %v, want sorted 1ms 2ms 3ms", f.res.Latencies)
	}
	if f.res.OK != 3 || f.refused != 1 || f.nonOK != 1 || f.errText != "boom" {
		t.Errorf("ok %d refused %d nonOK %d err %q, want 3 1 1 boom", f.res.OK, f.refused, f.nonOK, f.errText)
	}
	if f.numbers != 2 {
		t.Errorf("distinct numbers = %d, want 2 (B twice counts once)", f.numbers)
	}
	if got := f.rate(); got != 1.5 {
		t.Errorf("rate = %v, want 1.5 per second", got)
	}
}

func TestProfileName(t *testing.T) {
	t.Parallel()
	tests := []struct{ file, engine, want string }{
		{"checkout.prof", "postgres", "checkout-postgres.prof"},
		{"/tmp/cpu", "sqlite", "/tmp/cpu-sqlite"},
		{"a.b/cpu.out", "sqlite", "a.b/cpu-sqlite.out"},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			t.Parallel()
			if got := profileName(tt.file, tt.engine); got != tt.want {
				t.Fatalf("profileName(%q, %q) = %q, want %q", tt.file, tt.engine, got, tt.want)
			}
		})
	}
}
