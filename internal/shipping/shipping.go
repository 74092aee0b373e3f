// Package shipping keeps the shop's shipping-fee rules, which staff edit in
// the back office and internal/pricing applies, and the carriers a shipment
// can name, with the links to their tracking pages.
package shipping

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/mallang/mallang/internal/fault"
	"github.com/mallang/mallang/internal/pricing"
)

// Defaults are the rules of a shop whose staff have not saved any: 3,000 won
// per seller's shipment, free from 50,000 won, 3,000 won more to Jeju and
// 5,000 won more to the islands and remote areas most Korean shops list (see
// docs/decisions/0022-pricing.md for where the ranges come from). Each call
// returns a new value, so callers may change it.
func Defaults() pricing.ShippingRules {
	r := pricing.ShippingRules{
		BaseFee:   3000,
		FreeOver:  50000,
		PerSeller: true,
		Remote:    []pricing.RemoteArea{{Name: "제주", From: "63000", To: "63644", Surcharge: 3000}},
	}
	for _, fromTo := range islandRanges() {
		r.Remote = append(r.Remote, pricing.RemoteArea{Name: "도서산간", From: fromTo[0], To: fromTo[1], Surcharge: 5000})
	}
	return r
}

// islandRanges are the postcode ranges of islands outside Jeju that shops
// commonly charge extra for, in postcode order.
func islandRanges() [][2]string {
	return [][2]string{
		{"22386", "22388"}, // 인천 중구 섬 지역
		{"23004", "23010"}, // 인천 강화군 섬 지역
		{"23100", "23116"}, // 인천 옹진군
		{"23124", "23136"}, // 인천 옹진군
		{"31708", "31708"}, // 충남 당진시 섬 지역
		{"32133", "32133"}, // 충남 태안군 섬 지역
		{"33411", "33411"}, // 충남 보령시 섬 지역
		{"40200", "40240"}, // 경북 울릉군
		{"46768", "46771"}, // 부산 강서구 섬 지역
		{"52570", "52571"}, // 경남 사천시 섬 지역
		{"53031", "53033"}, // 경남 통영시 섬 지역
		{"53089", "53104"}, // 경남 통영시 섬 지역
		{"54000", "54000"}, // 전북 군산시 섬 지역
		{"56347", "56349"}, // 전북 부안군 섬 지역
		{"57068", "57069"}, // 전남 영광군 섬 지역
		{"58760", "58762"}, // 전남 목포시 섬 지역
		{"58800", "58810"}, // 전남 신안군
		{"58816", "58818"}, // 전남 신안군
		{"58826", "58826"}, // 전남 신안군
		{"58828", "58866"}, // 전남 신안군
		{"58953", "58958"}, // 전남 진도군 섬 지역
		{"59102", "59103"}, // 전남 완도군 섬 지역
		{"59106", "59106"}, // 전남 완도군 섬 지역
		{"59127", "59127"}, // 전남 완도군 섬 지역
		{"59129", "59129"}, // 전남 완도군 섬 지역
		{"59137", "59166"}, // 전남 완도군 섬 지역
		{"59650", "59650"}, // 전남 여수시 섬 지역
		{"59766", "59766"}, // 전남 여수시 섬 지역
		{"59781", "59790"}, // 전남 여수시 섬 지역
	}
}

// Carrier is a delivery company a shipment can name.
type Carrier struct {
	ID   int64
	Code string // stable key that shipments store: "cj", "hanjin", "lotte", "epost", "logen"
	Name string // shown to customers: "CJ대한통운"
	// TrackingURLTemplate is the carrier's public tracking page with
	// {tracking} where the tracking number goes.
	TrackingURLTemplate string
	Active              bool // inactive carriers are not offered for new shipments but still link old ones
	Position            int  // order in lists
}

// TrackingPlaceholder marks where the tracking number goes in a template.
const TrackingPlaceholder = "{tracking}"

// TrackingURL returns the link to c's tracking page for trackingNumber. The
// number must be 8 to 20 characters of digits and dashes (how carriers print
// them, e.g. 6789-1234-5678); otherwise it returns *fault.Invalid for
// "tracking_number". Dashes are dropped in the link because the carriers'
// pages look numbers up by their digits. The digits are escaped for where
// the placeholder stands (path or query) all the same, so a template can
// never be turned into another URL by what is typed.
func TrackingURL(c Carrier, trackingNumber string) (string, error) {
	if err := ValidTrackingNumber(trackingNumber); err != nil {
		return "", err
	}
	tmpl := c.TrackingURLTemplate
	at := strings.Index(tmpl, TrackingPlaceholder)
	if at < 0 {
		return "", fmt.Errorf("carrier %q: tracking URL template has no %s", c.Code, TrackingPlaceholder)
	}
	digits := strings.ReplaceAll(trackingNumber, "-", "")
	esc := url.PathEscape(digits)
	if strings.Contains(tmpl[:at], "?") {
		esc = url.QueryEscape(digits)
	}
	return strings.ReplaceAll(tmpl, TrackingPlaceholder, esc), nil
}

// ValidTrackingNumber returns *fault.Invalid for "tracking_number" unless s
// is 8 to 20 characters of ASCII digits and dashes with at least one digit.
func ValidTrackingNumber(s string) error {
	if len(s) < 8 || len(s) > 20 {
		return &fault.Invalid{Fields: map[string]string{"tracking_number": "must be 8 to 20 digits and dashes"}}
	}
	digits := 0
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9':
			digits++
		case c == '-':
		default:
			return &fault.Invalid{Fields: map[string]string{"tracking_number": "must hold only digits and dashes"}}
		}
	}
	if digits == 0 {
		return &fault.Invalid{Fields: map[string]string{"tracking_number": "must hold only digits and dashes"}}
	}
	return nil
}
