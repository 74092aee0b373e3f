package shipping

import (
	"errors"
	"strings"
	"testing"

	"github.com/mallang/mallang/internal/fault"
	"github.com/mallang/mallang/internal/pricing"
)

func TestDefaultsAreValid(t *testing.T) {
	t.Parallel()
	r := Defaults()
	if err := r.Validate(); err != nil {
		t.Fatalf("Defaults().Validate() = %v", err)
	}
	if r.BaseFee != 3000 || r.FreeOver != 50000 || !r.PerSeller {
		t.Fatalf("Defaults() = %+v", r)
	}
	tests := []struct {
		postcode string
		want     int64
	}{
		{"63000", 3000}, {"63644", 3000}, {"63645", 0}, {"62999", 0},
		{"40200", 5000}, {"23110", 5000}, {"58826", 5000}, {"04524", 0},
	}
	for _, tt := range tests {
		t.Run(tt.postcode, func(t *testing.T) {
			t.Parallel()
			b, err := pricing.Quote(pricing.Input{
				Lines:    []pricing.Line{{ID: 1, SellerID: 1, UnitPrice: 10000, Quantity: 1}},
				Shipping: Defaults(), Postcode: tt.postcode,
			})
			if err != nil {
				t.Fatal(err)
			}
			if b.RemoteSurcharge != tt.want {
				t.Fatalf("surcharge to %s = %d, want %d", tt.postcode, b.RemoteSurcharge, tt.want)
			}
		})
	}
}

func TestTrackingURL(t *testing.T) {
	t.Parallel()
	cj := Carrier{Code: "cj", TrackingURLTemplate: "https://trace.cjlogistics.com/next/tracking.html?wblNo={tracking}"}
	logen := Carrier{Code: "logen", TrackingURLTemplate: "https://www.ilogen.com/web/personal/trace/{tracking}"}
	tests := []struct {
		name    string
		c       Carrier
		number  string
		want    string
		invalid bool
	}{
		{"query template", cj, "123456789012", "https://trace.cjlogistics.com/next/tracking.html?wblNo=123456789012", false},
		{"dashes dropped", cj, "1234-5678-9012", "https://trace.cjlogistics.com/next/tracking.html?wblNo=123456789012", false},
		{"path template", logen, "98765432101", "https://www.ilogen.com/web/personal/trace/98765432101", false},
		{"8 characters", cj, "12345678", "https://trace.cjlogistics.com/next/tracking.html?wblNo=12345678", false},
		{"20 characters", cj, "1234567890-234567890", "https://trace.cjlogistics.com/next/tracking.html?wblNo=1234567890234567890", false},
		{"7 characters", cj, "1234567", "", true},
		{"21 characters", cj, "123456789012345678901", "", true},
		{"empty", cj, "", "", true},
		{"letters", cj, "12345678AB", "", true},
		{"spaces", cj, "1234 5678 9012", "", true},
		{"query injection", cj, "12345678&x=1", "", true},
		{"path injection", logen, "12345678/../x", "", true},
		{"dashes only", cj, "---------", "", true},
		{"full-width digits", cj, "１２３４５６７８", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := TrackingURL(tt.c, tt.number)
			if tt.invalid {
				inv, ok := fault.AsInvalid(err)
				if !ok || inv.Fields["tracking_number"] == "" {
					t.Fatalf("TrackingURL(%q) = %q, %v; want *fault.Invalid for tracking_number", tt.number, got, err)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("TrackingURL(%q) = %q, %v; want %q", tt.number, got, err, tt.want)
			}
		})
	}
}

func TestTrackingURLWithoutPlaceholder(t *testing.T) {
	t.Parallel()
	_, err := TrackingURL(Carrier{Code: "x", TrackingURLTemplate: "https://example.com/track"}, "12345678")
	if err == nil || !strings.Contains(err.Error(), TrackingPlaceholder) {
		t.Fatalf("TrackingURL = %v, want an error naming the missing placeholder", err)
	}
	if _, ok := fault.AsInvalid(err); ok || errors.Is(err, fault.ErrNotFound) {
		t.Fatalf("TrackingURL = %v: a broken template is the shop's fault, not the input's", err)
	}
}
