package paypal

import (
	"strings"
	"testing"
)

func TestFromWon(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		won      int64
		rate     string
		currency string
		want     int64
	}{
		{"exact cents", 138550, "1385.50", "USD", 10000},
		{"rounds down below half", 12900, "1385.50", "USD", 931},          // 9.3107… USD
		{"rounds half up", 13855, "1385.50", "USD", 1000},                 // exactly 10.00
		{"half cent goes up", 5, "1000", "USD", 1},                        // 0.005 USD
		{"just under half stays", 4, "1000", "USD", 0},                    // 0.004 USD
		{"zero decimals", 100000, "9.05", "JPY", 11050},                   // 11049.72… → 11050
		{"zero decimals half up", 19, "2", "HUF", 10},                     // 9.5 → 10
		{"rate with many decimals", 1000000, "1452.123456", "EUR", 68865}, // 688.6466… EUR
		{"zero won", 0, "1385.50", "USD", 0},
		{"one won", 1, "1385.50", "USD", 0},
		{"large order", 9_000_000_000, "1385.50", "USD", 649584987},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r, err := parseRate(tt.rate)
			if err != nil {
				t.Fatalf("parseRate(%q): %v", tt.rate, err)
			}
			c, err := lookupCurrency(tt.currency)
			if err != nil {
				t.Fatal(err)
			}
			got, err := r.fromWon(tt.won, c)
			if err != nil {
				t.Fatalf("fromWon(%d): %v", tt.won, err)
			}
			if got != tt.want {
				t.Errorf("fromWon(%d won at %s %s) = %d, want %d", tt.won, tt.rate, tt.currency, got, tt.want)
			}
		})
	}
}

func TestParseRateRefuses(t *testing.T) {
	t.Parallel()
	for _, s := range []string{"", "0", "0.00", "-1385", "1/3", "1e3", "1,385.50", "1385.", ".5", "abc", "+2"} {
		t.Run(s, func(t *testing.T) {
			t.Parallel()
			if _, err := parseRate(s); err == nil {
				t.Errorf("parseRate(%q) = nil error, want one", s)
			}
		})
	}
}

func TestLookupCurrency(t *testing.T) {
	t.Parallel()
	tests := []struct {
		code     string
		decimals int
		wantErr  string
	}{
		{"USD", 2, ""}, {"EUR", 2, ""}, {"JPY", 0, ""}, {"HUF", 0, ""}, {"TWD", 0, ""},
		{"KRW", 0, "does not take Korean won"}, {"XYZ", 0, "not a currency PayPal supports"},
	}
	for _, tt := range tests {
		t.Run(tt.code, func(t *testing.T) {
			t.Parallel()
			c, err := lookupCurrency(tt.code)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("lookupCurrency(%q) = %v, want error containing %q", tt.code, err, tt.wantErr)
				}
				return
			}
			if err != nil || c.decimals != tt.decimals {
				t.Fatalf("lookupCurrency(%q) = %+v, %v; want %d decimals", tt.code, c, err, tt.decimals)
			}
		})
	}
}

func TestValueRoundTrip(t *testing.T) {
	t.Parallel()
	tests := []struct {
		minor    int64
		currency string
		value    string
	}{
		{1234, "USD", "12.34"}, {5, "USD", "0.05"}, {0, "USD", "0.00"}, {100, "EUR", "1.00"},
		{1234, "JPY", "1234"}, {7, "HUF", "7"},
	}
	for _, tt := range tests {
		t.Run(tt.value+tt.currency, func(t *testing.T) {
			t.Parallel()
			c, _ := lookupCurrency(tt.currency)
			if got := formatValue(tt.minor, c); got != tt.value {
				t.Errorf("formatValue(%d) = %q, want %q", tt.minor, got, tt.value)
			}
			got, _, err := parseValue(tt.value, tt.currency)
			if err != nil || got != tt.minor {
				t.Errorf("parseValue(%q) = %d, %v; want %d", tt.value, got, err, tt.minor)
			}
		})
	}
	for _, bad := range []struct{ value, currency string }{
		{"12.345", "USD"}, {"12.3", "JPY"}, {"-1.00", "USD"}, {"1e3", "USD"}, {"", "USD"}, {"1.00", "KRW"},
	} {
		if _, _, err := parseValue(bad.value, bad.currency); err == nil {
			t.Errorf("parseValue(%q, %s) = nil error, want one", bad.value, bad.currency)
		}
	}
	// A short fraction is padded: "12.5" USD is 1250 cents.
	if got, _, err := parseValue("12.5", "USD"); err != nil || got != 1250 {
		t.Errorf("parseValue(12.5) = %d, %v; want 1250", got, err)
	}
}
