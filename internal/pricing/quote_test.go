package pricing

import (
	"slices"
	"testing"

	"github.com/mallang/mallang/internal/fault"
)

// The lines most cases buy: two from seller 1 (30,800 won), one from seller 2.
var (
	choco  = Line{ID: 1, VariantID: 11, ProductID: 1, CategoryID: 2, SellerID: 1, Name: "다크초콜릿세트", UnitPrice: 12900, Quantity: 2} // 25,800
	cookie = Line{ID: 2, VariantID: 21, ProductID: 2, CategoryID: 1, SellerID: 1, Name: "버터쿠키", UnitPrice: 5000, Quantity: 1}     // 5,000
	tea    = Line{ID: 3, VariantID: 31, ProductID: 3, CategoryID: 4, SellerID: 2, Name: "녹차", UnitPrice: 10000, Quantity: 1}      // 10,000
)

// ebook is a digital line: nothing to deliver.
var ebook = Line{ID: 4, VariantID: 41, ProductID: 4, CategoryID: 5, SellerID: 1, Name: "전자책", UnitPrice: 9000, Quantity: 1, NoShipping: true}

func digital(key string, price int64) Line {
	l := line(key, 1, price, 1)
	l.NoShipping = true
	return l
}

func line(key string, seller, price, qty int64) Line {
	return Line{ProductID: 100, CategoryID: 100, SellerID: seller, Name: key, UnitPrice: price, Quantity: qty}
}

var (
	flat   = ShippingRules{BaseFee: 3000}
	free50 = ShippingRules{BaseFee: 3000, FreeOver: 50000, PerSeller: true}
	remote = []RemoteArea{
		{Name: "제주", From: "63000", To: "63644", Surcharge: 3000},
		{Name: "도서산간", From: "40200", To: "40240", Surcharge: 5000},
	}
	withRemote = ShippingRules{BaseFee: 3000, FreeOver: 50000, PerSeller: true, Remote: remote}
)

// want lists what a case checks; nil slices are checked as "none".
type want struct {
	subtotal, discount, couponID, shipping, remote, points, total, earn int64
	grade                                                               int64    // the grade discount
	discounts                                                           []int64  // per bought line, in input order
	gifts                                                               []string // keys of the gift lines
	problems                                                            []string // problem codes, in order
	fees                                                                []int64  // per shipment
}

func check(t *testing.T, in Input, w want) {
	t.Helper()
	b, err := Quote(in)
	if err != nil {
		t.Fatalf("Quote: %v", err)
	}
	got := [9]int64{b.Subtotal, b.GradeDiscount, b.Discount, b.CouponID, b.Shipping, b.RemoteSurcharge, b.PointsUsed, b.Total, b.PointsToEarn}
	exp := [9]int64{w.subtotal, w.grade, w.discount, w.couponID, w.shipping, w.remote, w.points, w.total, w.earn}
	if got != exp {
		t.Errorf("subtotal, grade, discount, coupon, shipping, remote, points, total, earn = %v, want %v", got, exp)
	}
	var discounts []int64
	var gifts []string
	for _, l := range b.Lines {
		if l.Gift {
			gifts = append(gifts, l.Name)
			if l.LineTotal != 0 || l.Discount != 0 || l.UnitPrice != 0 || l.Quantity < 1 {
				t.Errorf("gift line %+v: want free, undiscounted, quantity ≥ 1", l)
			}
			continue
		}
		discounts = append(discounts, l.Discount)
	}
	if w.discounts == nil {
		w.discounts = make([]int64, len(in.Lines))
	}
	if !slices.Equal(discounts, w.discounts) {
		t.Errorf("line discounts = %v, want %v", discounts, w.discounts)
	}
	if !slices.Equal(gifts, w.gifts) {
		t.Errorf("gifts = %v, want %v", gifts, w.gifts)
	}
	var codes []string
	for _, p := range b.Problems {
		codes = append(codes, p.Code)
		if p.Message == "" || p.Message == p.Code || (p.Field != "coupon" && p.Field != "points") {
			t.Errorf("problem %+v: want a field and a message", p)
		}
	}
	if !slices.Equal(codes, w.problems) {
		t.Errorf("problems = %v, want %v", codes, w.problems)
	}
	if w.fees != nil {
		var fees []int64
		for _, s := range b.Shipments {
			fees = append(fees, s.Fee)
		}
		if !slices.Equal(fees, w.fees) {
			t.Errorf("shipment fees = %v, want %v", fees, w.fees)
		}
	}
	checkInvariants(t, in, b)
}

func TestQuoteShipping(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   Input
		want want
	}{
		{"flat fee", Input{Lines: []Line{choco}, Shipping: flat},
			want{subtotal: 25800, shipping: 3000, total: 28800}},
		{"flat fee is per order without per-seller", Input{Lines: []Line{choco, cookie, tea}, Shipping: flat},
			want{subtotal: 40800, shipping: 3000, total: 43800, fees: []int64{3000}}},
		{"free exactly at the threshold", Input{Lines: []Line{line("x", 1, 50000, 1)}, Shipping: free50},
			want{subtotal: 50000, total: 50000, fees: []int64{0}}},
		{"one won under the threshold pays", Input{Lines: []Line{line("x", 1, 49999, 1)}, Shipping: free50},
			want{subtotal: 49999, shipping: 3000, total: 52999}},
		{"free-over 0 is never free", Input{Lines: []Line{line("x", 1, 900000, 1)}, Shipping: flat},
			want{subtotal: 900000, shipping: 3000, total: 903000}},
		{"base fee 0 ships free", Input{Lines: []Line{choco}, Shipping: ShippingRules{}},
			want{subtotal: 25800, total: 25800}},
		{"per seller: one seller passes the threshold", Input{Lines: []Line{line("x", 1, 30000, 2), line("y", 2, 10000, 1)}, Shipping: free50},
			want{subtotal: 70000, shipping: 3000, total: 73000, fees: []int64{0, 3000}}},
		{"per seller: both under the threshold", Input{Lines: []Line{choco, cookie, tea}, Shipping: free50},
			want{subtotal: 40800, shipping: 6000, total: 46800, fees: []int64{3000, 3000}}},
		{"per seller: lines of one seller add up", Input{Lines: []Line{line("x", 1, 30000, 1), line("y", 2, 1000, 1), line("z", 1, 20000, 1)}, Shipping: free50},
			want{subtotal: 51000, shipping: 3000, total: 54000, fees: []int64{0, 3000}}},
		{"one shipment: the order's subtotal passes", Input{Lines: []Line{line("x", 1, 30000, 2), line("y", 2, 10000, 1)}, Shipping: ShippingRules{BaseFee: 3000, FreeOver: 50000}},
			want{subtotal: 70000, total: 70000, fees: []int64{0}}},
		{"threshold after the discount", Input{Lines: []Line{line("x", 1, 52000, 1)}, Shipping: free50, Coupon: &Coupon{ID: 7, Kind: CouponFixed, Amount: 5000}},
			want{subtotal: 52000, discount: 5000, couponID: 7, shipping: 3000, total: 50000, discounts: []int64{5000}}},
		{"Jeju, first postcode", Input{Lines: []Line{choco}, Shipping: withRemote, Postcode: "63000"},
			want{subtotal: 25800, shipping: 3000, remote: 3000, total: 31800}},
		{"Jeju, last postcode", Input{Lines: []Line{choco}, Shipping: withRemote, Postcode: "63644"},
			want{subtotal: 25800, shipping: 3000, remote: 3000, total: 31800}},
		{"just outside Jeju", Input{Lines: []Line{choco}, Shipping: withRemote, Postcode: "63645"},
			want{subtotal: 25800, shipping: 3000, total: 28800}},
		{"Seoul", Input{Lines: []Line{choco}, Shipping: withRemote, Postcode: "04524"},
			want{subtotal: 25800, shipping: 3000, total: 28800}},
		{"Ulleung island range", Input{Lines: []Line{choco}, Shipping: withRemote, Postcode: "40220"},
			want{subtotal: 25800, shipping: 3000, remote: 5000, total: 33800}},
		{"no postcode yet", Input{Lines: []Line{choco}, Shipping: withRemote, Postcode: ""},
			want{subtotal: 25800, shipping: 3000, total: 28800}},
		{"surcharge also when shipping is free", Input{Lines: []Line{line("x", 1, 60000, 1)}, Shipping: withRemote, Postcode: "63100"},
			want{subtotal: 60000, remote: 3000, total: 63000}},
		{"surcharge per shipment", Input{Lines: []Line{choco, tea}, Shipping: withRemote, Postcode: "63100"},
			want{subtotal: 35800, shipping: 6000, remote: 6000, total: 47800}},
		{"surcharge once per order without per-seller", Input{Lines: []Line{choco, tea}, Shipping: ShippingRules{BaseFee: 3000, Remote: remote}, Postcode: "40200"},
			want{subtotal: 35800, shipping: 3000, remote: 5000, total: 43800}},
		{"digital goods alone ship nothing", Input{Lines: []Line{ebook}, Shipping: withRemote, Postcode: "63100"},
			want{subtotal: 9000, total: 9000}},
		{"digital goods add no shipment and do not count to free shipping", Input{Lines: []Line{choco, ebook, digital("big ebook", 40000)}, Shipping: free50},
			want{subtotal: 25800 + 9000 + 40000, shipping: 3000, total: 77800, fees: []int64{3000}}},
		{"gift of another seller adds no shipment", Input{Lines: []Line{choco}, Shipping: free50, Gifts: []GiftRule{{ID: 1, Threshold: 10000, Gift: line("g", 9, 9999, 0)}}},
			want{subtotal: 25800, shipping: 3000, total: 28800, gifts: []string{"g"}, fees: []int64{3000}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			check(t, tt.in, tt.want)
		})
	}
}

func TestQuoteCoupon(t *testing.T) {
	t.Parallel()
	two := []Line{choco, cookie} // 25,800 + 5,000 = 30,800
	tests := []struct {
		name string
		c    Coupon
		want want
	}{
		{"fixed, shared by amount, remainder to the largest line", Coupon{ID: 1, Kind: CouponFixed, Amount: 3000},
			want{discount: 3000, couponID: 1, discounts: []int64{2513, 487}}},
		{"percent rounds down", Coupon{ID: 2, Kind: CouponPercent, Amount: 7},
			// 7 % of 30,800 = 2,156; 2,156 × 25,800 / 30,800 = 1,806.0 → 1,806; 350
			want{discount: 2156, couponID: 2, discounts: []int64{1806, 350}}},
		{"percent with cap", Coupon{ID: 3, Kind: CouponPercent, Amount: 10, MaxDiscount: 2000},
			want{discount: 2000, couponID: 3, discounts: []int64{1676, 324}}},
		{"percent under its cap", Coupon{ID: 3, Kind: CouponPercent, Amount: 10, MaxDiscount: 5000},
			want{discount: 3080, couponID: 3, discounts: []int64{2580, 500}}},
		{"100 percent", Coupon{ID: 4, Kind: CouponPercent, Amount: 100},
			want{discount: 30800, couponID: 4, discounts: []int64{25800, 5000}}},
		{"minimum met exactly", Coupon{ID: 5, Kind: CouponFixed, Amount: 1000, MinOrder: 30800},
			want{discount: 1000, couponID: 5, discounts: []int64{838, 162}}},
		{"under the minimum", Coupon{ID: 5, Kind: CouponFixed, Amount: 1000, MinOrder: 30801},
			want{problems: []string{ProblemCouponMinOrder}}},
		{"category-limited", Coupon{ID: 6, Kind: CouponPercent, Amount: 10, CategoryIDs: []int64{2}},
			want{discount: 2580, couponID: 6, discounts: []int64{2580, 0}}},
		{"product-limited", Coupon{ID: 7, Kind: CouponFixed, Amount: 1000, ProductIDs: []int64{2}},
			want{discount: 1000, couponID: 7, discounts: []int64{0, 1000}}},
		{"categories and products are a union", Coupon{ID: 8, Kind: CouponFixed, Amount: 1000, CategoryIDs: []int64{2}, ProductIDs: []int64{2}},
			want{discount: 1000, couponID: 8, discounts: []int64{838, 162}}},
		{"minimum counts eligible lines only", Coupon{ID: 9, Kind: CouponFixed, Amount: 1000, MinOrder: 26000, CategoryIDs: []int64{2}},
			want{problems: []string{ProblemCouponMinOrder}}},
		{"no eligible line", Coupon{ID: 10, Kind: CouponFixed, Amount: 1000, CategoryIDs: []int64{99}, ProductIDs: []int64{98}},
			want{problems: []string{ProblemCouponNoLines}}},
		{"larger than the eligible amount", Coupon{ID: 11, Kind: CouponFixed, Amount: 100000, CategoryIDs: []int64{1}},
			want{discount: 5000, couponID: 11, discounts: []int64{0, 5000}}},
		{"larger than the order", Coupon{ID: 12, Kind: CouponFixed, Amount: 100000},
			want{discount: 30800, couponID: 12, discounts: []int64{25800, 5000}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := tt.c
			w := tt.want
			w.subtotal = 30800
			w.shipping = 3000
			w.total = 30800 - w.discount + 3000
			check(t, Input{Lines: two, Shipping: flat, Coupon: &c}, w)
		})
	}
}

func TestQuoteDiscountShares(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		lines []Line
		c     Coupon
		want  []int64
	}{
		{"equal lines: remainder to the first largest", []Line{line("x", 1, 100, 1), line("y", 1, 100, 1), line("z", 1, 100, 1)},
			Coupon{Kind: CouponFixed, Amount: 100}, []int64{34, 33, 33}},
		{"remainder to the largest, not the first", []Line{line("x", 1, 100, 1), line("y", 1, 200, 1), line("z", 1, 100, 1)},
			Coupon{Kind: CouponFixed, Amount: 101}, []int64{25, 51, 25}},
		{"tiny lines never get more than their total", []Line{line("x", 1, 1, 1), line("y", 1, 1, 1), line("z", 1, 1, 1)},
			Coupon{Kind: CouponFixed, Amount: 2}, []int64{1, 1, 0}},
		{"free lines share nothing", []Line{line("x", 1, 0, 1), line("y", 1, 1000, 1)},
			Coupon{Kind: CouponFixed, Amount: 500}, []int64{0, 500}},
		{"huge amounts do not overflow", []Line{line("x", 1, 600_000_000_000, 1), line("y", 1, 399_999_999_999, 1)},
			Coupon{Kind: CouponPercent, Amount: 99}, []int64{594_000_000_000, 395_999_999_999}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b, err := Quote(Input{Lines: tt.lines, Coupon: &tt.c})
			if err != nil {
				t.Fatal(err)
			}
			var got []int64
			for _, l := range b.Lines {
				got = append(got, l.Discount)
			}
			if !slices.Equal(got, tt.want) {
				t.Fatalf("shares = %v, want %v", got, tt.want)
			}
			checkInvariants(t, Input{Lines: tt.lines, Coupon: &tt.c}, b)
		})
	}
}

func TestQuoteGifts(t *testing.T) {
	t.Parallel()
	gift := GiftRule{ID: 3, Threshold: 30000, Gift: Line{VariantID: 99, ProductID: 9, SellerID: 1, Name: "사은품 파우치", UnitPrice: 4000}}
	big := GiftRule{ID: 4, Threshold: 100000, Gift: Line{ID: 4, VariantID: 98, Name: "에코백", Quantity: 2}}
	tests := []struct {
		name   string
		lines  []Line
		coupon *Coupon
		want   []string
	}{
		{"at the threshold", []Line{line("x", 1, 30000, 1)}, nil, []string{"사은품 파우치"}},
		{"one won under", []Line{line("x", 1, 29999, 1)}, nil, nil},
		{"counted after the discount", []Line{choco, cookie}, &Coupon{Kind: CouponFixed, Amount: 801}, nil},
		{"after the discount, still enough", []Line{choco, cookie}, &Coupon{Kind: CouponFixed, Amount: 800}, []string{"사은품 파우치"}},
		{"every rule reached, in order", []Line{line("x", 1, 100000, 1)}, nil, []string{"사은품 파우치", "에코백"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			in := Input{Lines: tt.lines, Coupon: tt.coupon, Gifts: []GiftRule{gift, big}}
			b, err := Quote(in)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for i, l := range b.Lines {
				if !l.Gift {
					if i >= len(tt.lines) {
						t.Errorf("bought line %q after the gifts", l.Name)
					}
					continue
				}
				got = append(got, l.Name)
				if l.UnitPrice != 0 || l.LineTotal != 0 || l.Discount != 0 {
					t.Errorf("gift %q costs %d (line %d, discount %d); want free", l.Name, l.UnitPrice, l.LineTotal, l.Discount)
				}
				if want := map[string]int64{"사은품 파우치": 1, "에코백": 2}[l.Name]; l.Quantity != want {
					t.Errorf("gift %q quantity %d, want %d", l.Name, l.Quantity, want)
				}
			}
			if !slices.Equal(got, tt.want) {
				t.Fatalf("gifts = %v, want %v", got, tt.want)
			}
			checkInvariants(t, in, b)
		})
	}
}

func TestQuotePoints(t *testing.T) {
	t.Parallel()
	rules := PointsRules{MinSpend: 1000, MaxSpendPercent: 50, EarnPermille: 10}
	// 30,800 of goods, 3,000 shipping: at most 15,400 points.
	tests := []struct {
		name           string
		rules          PointsRules
		balance, ask   int64
		used           int64
		problems       []string
		earn           int64
		coupon, remote bool
	}{
		{"none asked", rules, 50000, 0, 0, nil, 338, false, false},
		{"within every rule", rules, 50000, 5000, 5000, nil, 288, false, false},
		{"exactly the minimum", rules, 50000, 1000, 1000, nil, 328, false, false},
		{"under the minimum: dropped", rules, 50000, 999, 0, []string{ProblemPointsMinSpend}, 338, false, false},
		{"over the balance: clamped", rules, 2000, 3000, 2000, []string{ProblemPointsBalance}, 318, false, false},
		{"over the balance, then under the minimum: dropped", rules, 800, 3000, 0, []string{ProblemPointsBalance, ProblemPointsMinSpend}, 338, false, false},
		{"no balance", rules, 0, 3000, 0, []string{ProblemPointsBalance}, 338, false, false},
		{"exactly the percentage cap", rules, 50000, 15400, 15400, nil, 184, false, false},
		{"over the percentage cap: clamped", rules, 50000, 20000, 15400, []string{ProblemPointsMaxPercent}, 184, false, false},
		{"over balance and cap", rules, 16000, 20000, 15400, []string{ProblemPointsBalance, ProblemPointsMaxPercent}, 184, false, false},
		{"no minimum, 0 % means 100 %", PointsRules{EarnPermille: 10}, 50000, 40000, 30800, []string{ProblemPointsMaxPercent}, 30, false, false},
		{"cap after the coupon", rules, 50000, 15400, 14400, []string{ProblemPointsMaxPercent}, 174, true, false},
		{"points never pay the surcharge", PointsRules{}, 50000, 50000, 30800, []string{ProblemPointsMaxPercent}, 0, false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			in := Input{Lines: []Line{choco, cookie}, Shipping: flat, Points: tt.rules, PointsBalance: tt.balance, PointsToUse: tt.ask}
			w := want{subtotal: 30800, shipping: 3000, points: tt.used, problems: tt.problems, earn: tt.earn}
			if tt.coupon {
				in.Coupon = &Coupon{ID: 1, Kind: CouponFixed, Amount: 2000}
				w.discount, w.couponID, w.discounts = 2000, 1, []int64{1676, 324}
			}
			if tt.remote {
				in.Shipping = ShippingRules{BaseFee: 3000, Remote: remote}
				in.Postcode = "63001"
				w.remote = 3000
			}
			w.total = 30800 - w.discount + 3000 + w.remote - tt.used
			check(t, in, w)
		})
	}
}

func TestQuoteTotals(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   Input
		want want
	}{
		{"paid wholly with points", Input{Lines: []Line{line("x", 1, 10000, 1)}, Shipping: ShippingRules{BaseFee: 3000, FreeOver: 5000}, PointsBalance: 10000, PointsToUse: 10000, Points: PointsRules{EarnPermille: 50}},
			want{subtotal: 10000, points: 10000}},
		{"coupon covers everything but shipping", Input{Lines: []Line{line("x", 1, 10000, 1)}, Shipping: flat, Coupon: &Coupon{ID: 1, Kind: CouponFixed, Amount: 20000}, PointsBalance: 5000, PointsToUse: 5000},
			want{subtotal: 10000, discount: 10000, couponID: 1, shipping: 3000, total: 3000, discounts: []int64{10000}, problems: []string{ProblemPointsMaxPercent}}},
		{"free goods", Input{Lines: []Line{line("x", 1, 0, 3)}, Shipping: flat, Points: PointsRules{EarnPermille: 10}},
			want{shipping: 3000, total: 3000, earn: 30}},
		{"earn rounds down", Input{Lines: []Line{line("x", 1, 25850, 1)}, Shipping: flat, Points: PointsRules{EarnPermille: 10}},
			want{subtotal: 25850, shipping: 3000, total: 28850, earn: 288}},
		{"earn at 5 %", Input{Lines: []Line{line("x", 1, 20000, 1)}, Points: PointsRules{EarnPermille: 50}},
			want{subtotal: 20000, total: 20000, earn: 1000}},
		{"everything at once", Input{
			Lines:    []Line{choco, cookie, tea, line("d", 2, 45000, 1)},
			Shipping: withRemote, Postcode: "40200",
			Coupon:        &Coupon{ID: 5, Kind: CouponPercent, Amount: 10, MaxDiscount: 5000, MinOrder: 50000, CategoryIDs: []int64{2, 100}},
			Gifts:         []GiftRule{{ID: 1, Threshold: 80000, Gift: Line{ID: 5, Name: "사은품"}}},
			Points:        PointsRules{MinSpend: 1000, MaxSpendPercent: 30, EarnPermille: 20},
			PointsBalance: 7000, PointsToUse: 7000,
		},
			// 85,800 goods; coupon on 25,800 + 45,000 = 70,800: 10 % = 7,080 → cap 5,000
			// (1,822 + 3,178); after discount 80,800 ≥ 80,000: gift. Seller 1 has
			// 30,800 − 1,822 = 28,978 (pays 3,000); seller 2 has 55,000 − 3,178 = 51,822
			// (free). Two shipments to Ulleung: 10,000. Points 7,000 ≤ 30 % of 80,800.
			want{subtotal: 85800, discount: 5000, couponID: 5, shipping: 3000, remote: 10000, points: 7000,
				total: 86800, earn: 1736, discounts: []int64{1822, 0, 0, 3178}, gifts: []string{"사은품"}, fees: []int64{3000, 0}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			check(t, tt.in, tt.want)
		})
	}
}

func TestQuoteInvalid(t *testing.T) {
	t.Parallel()
	ok := []Line{choco}
	tests := []struct {
		name  string
		in    Input
		field string
	}{
		{"no lines", Input{}, "lines"},
		{"quantity 0", Input{Lines: []Line{line("x", 1, 100, 0)}}, "lines[0].quantity"},
		{"negative quantity", Input{Lines: []Line{choco, line("x", 1, 100, -1)}}, "lines[1].quantity"},
		{"negative price", Input{Lines: []Line{line("x", 1, -1, 1)}}, "lines[0].unit_price"},
		{"absurd price", Input{Lines: []Line{line("x", 1, MaxAmount+1, 1)}}, "lines[0].unit_price"},
		{"absurd line total", Input{Lines: []Line{line("x", 1, 1_000_000, 1_000_001)}}, "lines[0].quantity"},
		{"overflowing line total", Input{Lines: []Line{line("x", 1, MaxAmount, MaxAmount)}}, "lines[0].quantity"},
		{"absurd subtotal", Input{Lines: []Line{line("x", 1, MaxAmount, 1), line("y", 1, 1, 1)}}, "lines"},
		{"negative base fee", Input{Lines: ok, Shipping: ShippingRules{BaseFee: -1}}, "shipping.base_fee"},
		{"negative free-over", Input{Lines: ok, Shipping: ShippingRules{FreeOver: -1}}, "shipping.free_over"},
		{"bad remote postcode", Input{Lines: ok, Shipping: ShippingRules{Remote: []RemoteArea{{Name: "제주", From: "6300", To: "63644"}}}}, "shipping.remote[0].from"},
		{"negative surcharge", Input{Lines: ok, Shipping: ShippingRules{Remote: []RemoteArea{{Name: "제주", From: "63000", To: "63644", Surcharge: -3000}}}}, "shipping.remote[0].surcharge"},
		{"bad delivery postcode", Input{Lines: ok, Postcode: "630-00"}, "postcode"},
		{"coupon kind", Input{Lines: ok, Coupon: &Coupon{Kind: "bogo", Amount: 1}}, "coupon.kind"},
		{"fixed coupon of 0", Input{Lines: ok, Coupon: &Coupon{Kind: CouponFixed}}, "coupon.amount"},
		{"percent over 100", Input{Lines: ok, Coupon: &Coupon{Kind: CouponPercent, Amount: 101}}, "coupon.amount"},
		{"percent of 0", Input{Lines: ok, Coupon: &Coupon{Kind: CouponPercent}}, "coupon.amount"},
		{"negative cap", Input{Lines: ok, Coupon: &Coupon{Kind: CouponPercent, Amount: 10, MaxDiscount: -1}}, "coupon.max_discount"},
		{"negative minimum", Input{Lines: ok, Coupon: &Coupon{Kind: CouponFixed, Amount: 10, MinOrder: -1}}, "coupon.min_order"},
		{"negative gift threshold", Input{Lines: ok, Gifts: []GiftRule{{Threshold: -1}}}, "gifts[0].threshold"},
		{"negative gift quantity", Input{Lines: ok, Gifts: []GiftRule{{Gift: Line{Quantity: -1}}}}, "gifts[0].gift.quantity"},
		{"negative points", Input{Lines: ok, PointsToUse: -1000, PointsBalance: 5000}, "points_to_use"},
		{"negative balance", Input{Lines: ok, PointsBalance: -1}, "points_balance"},
		{"points percent over 100", Input{Lines: ok, Points: PointsRules{MaxSpendPercent: 101}}, "points.max_spend_percent"},
		{"negative earn rate", Input{Lines: ok, Points: PointsRules{EarnPermille: -1}}, "points.earn_permille"},
		{"negative minimum spend", Input{Lines: ok, Points: PointsRules{MinSpend: -1}}, "points.min_spend"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := Quote(tt.in)
			inv, ok := fault.AsInvalid(err)
			if !ok {
				t.Fatalf("Quote = %v, want *fault.Invalid", err)
			}
			if inv.Fields[tt.field] == "" {
				t.Fatalf("Quote = %v, want a message for %q", err, tt.field)
			}
		})
	}
}

func TestShippingRulesValidate(t *testing.T) {
	t.Parallel()
	jeju := RemoteArea{Name: "제주", From: "63000", To: "63644", Surcharge: 3000}
	tests := []struct {
		name   string
		r      ShippingRules
		fields []string
	}{
		{"valid", ShippingRules{BaseFee: 3000, FreeOver: 50000, PerSeller: true, Remote: []RemoteArea{jeju, {Name: "울릉", From: "40200", To: "40240", Surcharge: 5000}}}, nil},
		{"single postcode", ShippingRules{Remote: []RemoteArea{{Name: "태안 섬", From: "32133", To: "32133"}}}, nil},
		{"adjacent ranges", ShippingRules{Remote: []RemoteArea{{Name: "가", From: "10000", To: "10009"}, {Name: "나", From: "10010", To: "10019"}}}, nil},
		{"negative fees", ShippingRules{BaseFee: -1, FreeOver: -1}, []string{"base_fee", "free_over"}},
		{"absurd fee", ShippingRules{BaseFee: MaxAmount + 1}, []string{"base_fee"}},
		{"missing name", ShippingRules{Remote: []RemoteArea{{From: "63000", To: "63644"}}}, []string{"remote[0].name"}},
		{"letters in a postcode", ShippingRules{Remote: []RemoteArea{{Name: "x", From: "6300a", To: "63644"}}}, []string{"remote[0].from"}},
		{"six digits", ShippingRules{Remote: []RemoteArea{{Name: "x", From: "63000", To: "636440"}}}, []string{"remote[0].to"}},
		{"from after to", ShippingRules{Remote: []RemoteArea{{Name: "x", From: "63644", To: "63000"}}}, []string{"remote[0].to"}},
		{"overlap", ShippingRules{Remote: []RemoteArea{jeju, {Name: "x", From: "63600", To: "63700"}}}, []string{"remote[1].from"}},
		{"overlap listed first", ShippingRules{Remote: []RemoteArea{{Name: "x", From: "63600", To: "63700"}, jeju}}, []string{"remote[0].from"}},
		{"range inside another", ShippingRules{Remote: []RemoteArea{jeju, {Name: "x", From: "63100", To: "63100"}}}, []string{"remote[1].from"}},
		{"shared end", ShippingRules{Remote: []RemoteArea{jeju, {Name: "x", From: "63644", To: "63650"}}}, []string{"remote[1].from"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := tt.r.Validate()
			if tt.fields == nil {
				if err != nil {
					t.Fatalf("Validate = %v, want nil", err)
				}
				return
			}
			inv, ok := fault.AsInvalid(err)
			if !ok {
				t.Fatalf("Validate = %v, want *fault.Invalid", err)
			}
			var got []string
			for f := range inv.Fields {
				got = append(got, f)
			}
			slices.Sort(got)
			if !slices.Equal(got, tt.fields) {
				t.Fatalf("Validate fields = %v (%v), want %v", got, err, tt.fields)
			}
		})
	}
}

// checkInvariants asserts what holds for every breakdown Quote returns.
func checkInvariants(t *testing.T, in Input, b Breakdown) {
	t.Helper()
	var sub, disc, grade int64
	bought := 0
	for _, l := range b.Lines {
		if l.Gift {
			if l.GradeDiscount != 0 {
				t.Errorf("gift line %q has a grade discount %d", l.Name, l.GradeDiscount)
			}
			continue
		}
		bought++
		if l.LineTotal != l.UnitPrice*l.Quantity {
			t.Errorf("line %q total %d, want %d × %d", l.Name, l.LineTotal, l.UnitPrice, l.Quantity)
		}
		if l.Discount < 0 || l.Discount > l.LineTotal {
			t.Errorf("line %q discount %d outside 0..%d", l.Name, l.Discount, l.LineTotal)
		}
		if l.GradeDiscount < 0 || l.GradeDiscount > l.Discount {
			t.Errorf("line %q grade discount %d outside 0..%d (its whole discount)", l.Name, l.GradeDiscount, l.Discount)
		}
		sub += l.LineTotal
		disc += l.Discount
		grade += l.GradeDiscount
	}
	if grade != b.GradeDiscount {
		t.Errorf("Σ line grade discounts %d ≠ grade discount %d", grade, b.GradeDiscount)
	}
	if want := b.Subtotal * int64(in.GradeDiscountPercent) / 100; b.GradeDiscount != want {
		t.Errorf("grade discount %d, want %d%% of %d rounded down = %d", b.GradeDiscount, in.GradeDiscountPercent, b.Subtotal, want)
	}
	if b.Discount > b.Subtotal-b.GradeDiscount {
		t.Errorf("coupon discount %d is more than the goods after the grade discount (%d)", b.Discount, b.Subtotal-b.GradeDiscount)
	}
	if bought != len(in.Lines) {
		t.Errorf("%d bought lines, want %d", bought, len(in.Lines))
	}
	if sub != b.Subtotal {
		t.Errorf("Σ line totals %d ≠ subtotal %d", sub, b.Subtotal)
	}
	if disc != b.Discount+b.GradeDiscount {
		t.Errorf("Σ line discounts %d ≠ coupon discount %d + grade discount %d", disc, b.Discount, b.GradeDiscount)
	}
	if b.Discount > 0 && b.CouponID != in.Coupon.ID {
		t.Errorf("coupon id %d, want %d", b.CouponID, in.Coupon.ID)
	}
	if b.Total < 0 {
		t.Errorf("total %d is negative", b.Total)
	}
	if want := b.Subtotal - b.GradeDiscount - b.Discount + b.Shipping + b.RemoteSurcharge - b.PointsUsed; b.Total != want {
		t.Errorf("total %d, want %d", b.Total, want)
	}
	if b.PointsUsed < 0 || b.PointsUsed > in.PointsToUse || b.PointsUsed > in.PointsBalance {
		t.Errorf("points used %d (asked %d, balance %d)", b.PointsUsed, in.PointsToUse, in.PointsBalance)
	}
	if b.PointsUsed > 0 && b.PointsUsed < in.Points.MinSpend {
		t.Errorf("points used %d under the minimum %d", b.PointsUsed, in.Points.MinSpend)
	}
	if want := b.Total * int64(in.Points.EarnPermille) / 1000; b.PointsToEarn != want {
		t.Errorf("points to earn %d, want %d", b.PointsToEarn, want)
	}
	var fees, surcharges int64
	for _, s := range b.Shipments {
		fees += s.Fee
		surcharges += s.RemoteSurcharge
	}
	if fees != b.Shipping || surcharges != b.RemoteSurcharge {
		t.Errorf("shipments add up to %d + %d, want %d + %d", fees, surcharges, b.Shipping, b.RemoteSurcharge)
	}
	if b.Total < b.Shipping+b.RemoteSurcharge {
		t.Errorf("total %d is less than the shipping %d + %d: points paid shipping", b.Total, b.Shipping, b.RemoteSurcharge)
	}
}

func TestProblemMessagesAreFixed(t *testing.T) {
	t.Parallel()
	codes := []string{ProblemCouponMinOrder, ProblemCouponNoLines, ProblemPointsBalance, ProblemPointsMaxPercent, ProblemPointsMinSpend}
	seen := map[string]bool{}
	for _, c := range codes {
		m := problemMessage(c)
		if m == c || seen[m] {
			t.Errorf("code %q: message %q is missing or shared", c, m)
		}
		seen[m] = true
		for _, r := range m {
			if r >= '0' && r <= '9' {
				t.Errorf("message %q holds a number; it is a translation key", m)
			}
		}
	}
}

// The tax-free part of the total: tax-free lines after their coupon share,
// with points taking their proportion; shipping is always taxable.
func TestQuoteTaxFree(t *testing.T) {
	t.Parallel()
	rice := Line{ID: 6, ProductID: 9, CategoryID: 9, SellerID: 1, Name: "쌀", UnitPrice: 20000, Quantity: 1, TaxFree: true}
	cases := []struct {
		name string
		in   Input
		want int64
	}{
		{"nothing tax-free", Input{Lines: []Line{choco}, Shipping: flat, Postcode: "06236"}, 0},
		// 20,000 of 23,000 charged, no points: all of it.
		{"one tax-free line", Input{Lines: []Line{rice}, Shipping: flat, Postcode: "06236"}, 20000},
		// 10% off both lines: rice 18,000 after its share; total 44,220.
		{"with a coupon", Input{Lines: []Line{rice, choco}, Shipping: flat, Postcode: "06236",
			Coupon: &Coupon{ID: 1, Code: "TEN", Kind: CouponPercent, Amount: 10}}, 18000},
		// 5,000 points of 23,000: rice pays 20,000 × 18,000 / 23,000.
		{"with points", Input{Lines: []Line{rice}, Shipping: flat, Postcode: "06236",
			PointsBalance: 5000, PointsToUse: 5000}, 15652},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			b, err := Quote(c.in)
			if err != nil {
				t.Fatal(err)
			}
			if b.TaxFree != c.want {
				t.Errorf("TaxFree = %d, want %d (total %d)", b.TaxFree, c.want, b.Total)
			}
			if b.TaxFree > b.Total {
				t.Errorf("TaxFree %d exceeds the total %d", b.TaxFree, b.Total)
			}
		})
	}
}

func TestQuoteGradeDiscount(t *testing.T) {
	t.Parallel()
	three := []Line{choco, cookie, tea} // 40,800 won
	tests := []struct {
		name string
		in   Input
		w    want
	}{
		{"no grade discount", Input{Lines: three, Shipping: flat},
			want{subtotal: 40800, shipping: 3000, total: 43800}},
		{"ten percent, shared by line", Input{Lines: three, Shipping: flat, GradeDiscountPercent: 10},
			want{subtotal: 40800, grade: 4080, shipping: 3000, total: 39720, discounts: []int64{2580, 500, 1000}}},
		{"rounded down", Input{Lines: []Line{line("a", 1, 12345, 1)}, GradeDiscountPercent: 5},
			want{subtotal: 12345, grade: 617, total: 11728, discounts: []int64{617}}},
		{"fifty percent, the most", Input{Lines: []Line{line("a", 1, 10000, 1)}, GradeDiscountPercent: 50},
			want{subtotal: 10000, grade: 5000, total: 5000, discounts: []int64{5000}}},
		// The coupon is taken from what is left after the grade discount:
		// 10 % and then 10 % is 19 %, not 20 %.
		{"before a percent coupon", Input{Lines: three, GradeDiscountPercent: 10,
			Coupon: &Coupon{ID: 7, Kind: CouponPercent, Amount: 10}},
			want{subtotal: 40800, grade: 4080, discount: 3672, couponID: 7, total: 33048,
				discounts: []int64{2580 + 2322, 500 + 450, 1000 + 900}}},
		{"before a fixed coupon", Input{Lines: three, GradeDiscountPercent: 10,
			Coupon: &Coupon{ID: 7, Kind: CouponFixed, Amount: 3000}},
			want{subtotal: 40800, grade: 4080, discount: 3000, couponID: 7, total: 33720,
				discounts: []int64{2580 + 1898, 500 + 367, 1000 + 735}}},
		{"coupon minimum compared after it", Input{Lines: three, GradeDiscountPercent: 10,
			Coupon: &Coupon{ID: 7, Kind: CouponFixed, Amount: 3000, MinOrder: 40000}},
			want{subtotal: 40800, grade: 4080, total: 36720, discounts: []int64{2580, 500, 1000},
				problems: []string{ProblemCouponMinOrder}}},
		{"free shipping compared after it", Input{Lines: []Line{line("a", 1, 52000, 1)}, Shipping: free50, GradeDiscountPercent: 10},
			want{subtotal: 52000, grade: 5200, shipping: 3000, total: 49800, discounts: []int64{5200}, fees: []int64{3000}}},
		{"points cap on what is left", Input{Lines: []Line{line("a", 1, 10000, 1)}, GradeDiscountPercent: 10,
			Points: PointsRules{MaxSpendPercent: 50, EarnPermille: 10}, PointsBalance: 9000, PointsToUse: 9000},
			want{subtotal: 10000, grade: 1000, points: 4500, total: 4500, earn: 45, discounts: []int64{1000},
				problems: []string{ProblemPointsMaxPercent}}},
		{"gifts take none", Input{Lines: []Line{line("a", 1, 30000, 1)}, GradeDiscountPercent: 10,
			Gifts: []GiftRule{{ID: 1, Threshold: 27000, Gift: line("g", 1, 0, 1)}, {ID: 2, Threshold: 27001, Gift: line("h", 1, 0, 1)}}},
			want{subtotal: 30000, grade: 3000, total: 27000, discounts: []int64{3000}, gifts: []string{"g"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			check(t, tt.in, tt.w)
		})
	}
}

func TestQuoteGradeDiscountInvalid(t *testing.T) {
	t.Parallel()
	for _, pct := range []int{-1, 51, 100} {
		_, err := Quote(Input{Lines: []Line{choco}, GradeDiscountPercent: pct})
		inv, ok := fault.AsInvalid(err)
		if !ok || inv.Fields["grade_discount_percent"] == "" {
			t.Errorf("Quote with a %d %% grade discount = %v, want invalid grade_discount_percent", pct, err)
		}
	}
}
