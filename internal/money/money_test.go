package money

import "testing"

func TestString(t *testing.T) {
	t.Parallel()
	tests := []struct {
		a    Amount
		want string
	}{
		{Won(0), "₩0"},
		{Won(900), "₩900"},
		{Won(12900), "₩12,900"},
		{Won(1234567), "₩1,234,567"},
		{Won(-5000), "₩-5,000"},
		{New(123450, USD), "$1,234.50"},
		{New(5, USD), "$0.05"},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			t.Parallel()
			if got := tt.a.String(); got != tt.want {
				t.Fatalf("String() = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestBasisPoints(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		a    int64
		bp   int64
		r    Rounding
		want int64
	}{
		{"3.3% down", 10001, 330, RoundDown, 330},
		{"10% exact", 12900, 1000, RoundDown, 1290},
		{"half up rounds up", 15, 5000, RoundHalfUp, 8},
		{"half up keeps below half", 14, 3000, RoundHalfUp, 4},
		{"negative half up", -15, 5000, RoundHalfUp, -8},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := Won(tt.a).BasisPoints(tt.bp, tt.r).Minor; got != tt.want {
				t.Fatalf("BasisPoints = %d, want %d", got, tt.want)
			}
		})
	}
}

func TestKorean(t *testing.T) {
	t.Parallel()
	tests := []struct {
		a    Amount
		want string
	}{
		{Won(0), "0원"},
		{Won(900), "900원"},
		{Won(37600), "37,600원"},
		{Won(1234567), "1,234,567원"},
		{Won(-5000), "-5,000원"},
		{New(123450, USD), "$1,234.50"},
	}
	for _, tt := range tests {
		if got := tt.a.Korean(); got != tt.want {
			t.Errorf("%+v.Korean() = %q, want %q", tt.a, got, tt.want)
		}
	}
}
