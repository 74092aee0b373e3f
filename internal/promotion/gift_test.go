package promotion

import (
	"errors"
	"testing"
	"time"

	"github.com/mallang/mallang/internal/audit/audittest"
	"github.com/mallang/mallang/internal/fault"
	"github.com/mallang/mallang/internal/pricing"
)

func TestGifts(t *testing.T) {
	t.Parallel()
	day := 24 * time.Hour
	tests := []struct {
		name     string
		product  string // product status
		stock    int64
		active   bool // the variant
		qty      int64
		from, to time.Duration // the rule's period around now; to 0 = no end
		off      bool          // the rule switched off
		want     bool
	}{
		{"running", "active", 5, true, 1, -day, 0, false, true},
		{"running, with an end", "active", 5, true, 2, -day, day, false, true},
		{"starts later", "active", 5, true, 1, time.Hour, 0, false, false},
		{"ended", "active", 5, true, 1, -2 * day, -day, false, false},
		{"ends right now", "active", 5, true, 1, -day, time.Microsecond, false, true},
		{"switched off", "active", 5, true, 1, -day, 0, true, false},
		{"variant inactive", "active", 5, false, 1, -day, 0, false, false},
		{"product archived", "archived", 5, true, 1, -day, 0, false, false},
		{"sold out", "active", 0, true, 1, -day, 0, false, false},
		{"fewer units than the gift", "active", 2, true, 3, -day, 0, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s, c := newService(t)
			ctx := t.Context()
			p, cat := product(t, s.d, "미니 에코백", tt.product)
			v := variant(t, s.d, p, tt.stock, tt.active)
			in := NewGift{Name: "5만 원 이상 에코백", Threshold: 50000, VariantID: v, Quantity: tt.qty, StartsAt: c.Now().Add(tt.from)}
			if tt.to != 0 {
				in.EndsAt = c.Now().Add(tt.to)
			}
			g, err := s.CreateGift(ctx, audittest.Staff, in)
			if err != nil {
				t.Fatalf("CreateGift: %v", err)
			}
			if tt.off {
				if _, _, err := s.SetGiftActive(ctx, audittest.Staff, g.ID, false); err != nil {
					t.Fatal(err)
				}
			}
			got, err := s.Gifts(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if !tt.want {
				if len(got) != 0 {
					t.Fatalf("Gifts = %+v, want none", got)
				}
				return
			}
			want := []pricing.GiftRule{{ID: g.ID, Threshold: 50000, Gift: pricing.Line{
				VariantID: v, ProductID: p, CategoryID: cat, SellerID: 1, Name: "미니 에코백", Quantity: tt.qty}}}
			if len(got) != 1 || got[0] != want[0] {
				t.Fatalf("Gifts = %+v, want %+v", got, want)
			}
		})
	}
}

func TestGiftsFollowTheClockAndChanges(t *testing.T) {
	t.Parallel()
	s, c := newService(t)
	ctx := t.Context()
	p, _ := product(t, s.d, "텀블러", "active")
	v := variant(t, s.d, p, 10, true)
	later, err := s.CreateGift(ctx, audittest.Staff, NewGift{Name: "봄 사은품", Threshold: 30000, VariantID: v,
		StartsAt: c.Now().Add(time.Minute), EndsAt: c.Now().Add(time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	count := func() int {
		t.Helper()
		g, err := s.Gifts(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return len(g)
	}
	if n := count(); n != 0 {
		t.Fatalf("before the start: %d gifts", n)
	}
	c.Advance(time.Minute) // within CacheFor of the read before: the period is checked against the clock anyway
	if n := count(); n != 1 {
		t.Fatalf("at the start: %d gifts, want 1", n)
	}
	if _, _, err := s.SetGiftActive(ctx, audittest.Staff, later.ID, false); err != nil {
		t.Fatal(err)
	}
	if n := count(); n != 0 {
		t.Fatalf("switched off on this node: %d gifts, want 0 at once", n)
	}
	if _, _, err := s.SetGiftActive(ctx, audittest.Staff, later.ID, true); err != nil {
		t.Fatal(err)
	}
	c.Advance(time.Hour)
	if n := count(); n != 0 {
		t.Fatalf("after the end: %d gifts", n)
	}
	if _, _, err := s.SetGiftActive(ctx, audittest.Staff, 987654, true); !errors.Is(err, fault.ErrNotFound) {
		t.Fatalf("SetGiftActive of no rule = %v, want fault.ErrNotFound", err)
	}

	second, err := s.CreateGift(ctx, audittest.Staff, NewGift{Name: "여름 사은품", Threshold: 0, VariantID: v})
	if err != nil {
		t.Fatal(err)
	}
	list, err := s.ListGifts(ctx, 0, 0)
	if err != nil || len(list) != 2 || list[0].ID != second.ID || list[1].ID != later.ID {
		t.Fatalf("ListGifts = %+v, %v; want the two rules, newest first", list, err)
	}
	got, err := s.Gift(ctx, second.ID)
	if err != nil || got != second {
		t.Fatalf("Gift = %+v, %v; want %+v", got, err, second)
	}
	if second.Quantity != 1 || !second.StartsAt.Equal(c.Now()) || !second.EndsAt.IsZero() || !second.Active {
		t.Fatalf("defaults of a new rule: %+v", second)
	}
	if _, err := s.Gift(ctx, 987654); !errors.Is(err, fault.ErrNotFound) {
		t.Fatalf("Gift of no rule = %v, want fault.ErrNotFound", err)
	}
}

func TestCreateGiftInvalid(t *testing.T) {
	t.Parallel()
	s, c := newService(t)
	ctx := t.Context()
	p, _ := product(t, s.d, "머그컵", "active")
	v := variant(t, s.d, p, 10, true)
	long := make([]rune, MaxName+1)
	for i := range long {
		long[i] = '가'
	}
	tests := []struct {
		name  string
		in    NewGift
		field string
	}{
		{"no name", NewGift{Name: "  ", Threshold: 1000, VariantID: v}, "name"},
		{"long name", NewGift{Name: string(long), Threshold: 1000, VariantID: v}, "name"},
		{"negative threshold", NewGift{Name: "사은품", Threshold: -1, VariantID: v}, "threshold"},
		{"absurd threshold", NewGift{Name: "사은품", Threshold: pricing.MaxAmount + 1, VariantID: v}, "threshold"},
		{"no variant", NewGift{Name: "사은품", Threshold: 1000}, "variant_id"},
		{"unknown variant", NewGift{Name: "사은품", Threshold: 1000, VariantID: 987654}, "variant_id"},
		{"negative quantity", NewGift{Name: "사은품", Threshold: 1000, VariantID: v, Quantity: -1}, "quantity"},
		{"too many", NewGift{Name: "사은품", Threshold: 1000, VariantID: v, Quantity: MaxGiftQuantity + 1}, "quantity"},
		{"ends before it starts", NewGift{Name: "사은품", Threshold: 1000, VariantID: v,
			StartsAt: c.Now(), EndsAt: c.Now().Add(-time.Hour)}, "ends_at"},
		{"ends as it starts", NewGift{Name: "사은품", Threshold: 1000, VariantID: v,
			StartsAt: c.Now(), EndsAt: c.Now()}, "ends_at"},
		{"ends within the start's microsecond", NewGift{Name: "사은품", Threshold: 1000, VariantID: v,
			StartsAt: c.Now(), EndsAt: c.Now().Add(time.Nanosecond)}, "ends_at"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := s.CreateGift(ctx, audittest.Staff, tt.in)
			if inv, ok := fault.AsInvalid(err); !ok || inv.Fields[tt.field] == "" {
				t.Fatalf("CreateGift = %v, want *fault.Invalid for %q", err, tt.field)
			}
		})
	}
	if list, err := s.ListGifts(ctx, 10, 0); err != nil || len(list) != 0 {
		t.Fatalf("after refused creates ListGifts = %+v, %v; want none", list, err)
	}
}
