package points_test

import (
	"testing"
	"time"

	"github.com/mallang/mallang/internal/db"
	"github.com/mallang/mallang/internal/points"
)

func takeBack(t *testing.T, s *points.Service, d *db.DB, uid, orderID, upTo int64) int64 {
	t.Helper()
	var n int64
	if err := inTx(t, d, func(q db.Querier) (err error) {
		n, err = s.TakeBack(t.Context(), q, uid, orderID, upTo, "주문 환불로 적립 취소")
		return err
	}); err != nil {
		t.Fatalf("TakeBack(%d): %v", upTo, err)
	}
	return n
}

func TestTakeBack(t *testing.T) {
	t.Parallel()
	year := t0.AddDate(1, 0, 0)
	tests := []struct {
		name        string
		earned      int64 // by order 1; 0: it earned nothing
		other       int64 // points from elsewhere, spendable
		spent       int64 // spent on order 2 before the refunds
		upTo        []int64
		wantTaken   []int64
		wantBalance int64
	}{
		{"share then the rest", 1000, 0, 0, []int64{400, 1000}, []int64{400, 600}, 0},
		{"retried refund takes once", 1000, 500, 0, []int64{400, 400, 400}, []int64{400, 0, 0}, 1100},
		{"spent already: balance below zero", 1000, 0, 800, []int64{1000}, []int64{1000}, -800},
		{"partly spent: lots first, then debt", 1000, 300, 1200, []int64{300, 1000}, []int64{300, 700}, -900},
		{"never more than earned", 1000, 0, 0, []int64{5000}, []int64{1000}, 0},
		{"order earned nothing", 0, 700, 0, []int64{100}, []int64{0}, 700},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s, d, _ := setup(t)
			uid := newUser(t, d, "kim@example.com")
			if tt.earned > 0 {
				earn(t, s, d, uid, tt.earned, 1, year)
			}
			if tt.other > 0 {
				earn(t, s, d, uid, tt.other, 0, time.Time{})
			}
			if tt.spent > 0 {
				if err := spend(t, s, d, uid, tt.spent, 2); err != nil {
					t.Fatal(err)
				}
			}
			for i, up := range tt.upTo {
				if n := takeBack(t, s, d, uid, 1, up); n != tt.wantTaken[i] {
					t.Fatalf("TakeBack #%d (up to %d) took %d, want %d", i+1, up, n, tt.wantTaken[i])
				}
			}
			if b := balance(t, s, uid); b != tt.wantBalance {
				t.Fatalf("balance %d, want %d", b, tt.wantBalance)
			}
			if r := sumRemaining(t, d, uid); r != max(0, tt.wantBalance) {
				t.Fatalf("lots hold %d, want %d", r, max(0, tt.wantBalance))
			}
			var revoked int64
			for _, e := range entries(t, s, uid) {
				if e.Kind == points.KindRevoke {
					revoked -= e.Amount
					if e.OrderID != 1 || e.Memo == "" || e.Remaining != 0 {
						t.Fatalf("revoke entry %+v", e)
					}
				}
			}
			var want int64
			for _, n := range tt.wantTaken {
				want += n
			}
			if revoked != want {
				t.Fatalf("revoke entries take %d, want %d", revoked, want)
			}
		})
	}
}

// TestDebt: while the balance is below zero nothing can be spent, and the
// next credits pay the debt before they become spendable lots.
func TestDebt(t *testing.T) {
	t.Parallel()
	s, d, _ := setup(t)
	ctx := t.Context()
	uid := newUser(t, d, "kim@example.com")
	earn(t, s, d, uid, 1000, 1, t0.AddDate(1, 0, 0))
	if err := spend(t, s, d, uid, 1000, 2); err != nil {
		t.Fatal(err)
	}
	takeBack(t, s, d, uid, 1, 1000)
	if b := balance(t, s, uid); b != -1000 {
		t.Fatalf("balance %d, want -1000", b)
	}
	if n, err := s.Spendable(ctx, uid); err != nil || n != 0 {
		t.Fatalf("Spendable = %d, %v; want 0", n, err)
	}
	if err := spend(t, s, d, uid, 1, 3); !invalidField(err, "points") {
		t.Fatalf("Spend at -1000 = %v, want *fault.Invalid on points", err)
	}
	if err := s.Adjust(ctx, uid, -1, "정정", 1); !invalidField(err, "delta") {
		t.Fatalf("negative Adjust at -1000 = %v, want *fault.Invalid on delta", err)
	}

	steps := []struct {
		name             string
		credit           int64
		wantBalance      int64
		wantLot, wantCan int64 // the new lot's remaining; what can be spent
	}{
		{"pays part of the debt", 600, -400, 0, 0},
		{"pays the rest, keeps what is over", 1000, 600, 600, 600},
		{"a credit without debt is whole", 300, 900, 300, 900},
	}
	for i, st := range steps {
		earn(t, s, d, uid, st.credit, 10+int64(i), t0.AddDate(1, 0, 0))
		es := entries(t, s, uid)
		last := es[len(es)-1]
		if last.Kind != points.KindEarn || last.Amount != st.credit || last.BalanceAfter != st.wantBalance || last.Remaining != st.wantLot {
			t.Fatalf("%s: entry %+v, want earn of %d leaving %d with a lot of %d", st.name, last, st.credit, st.wantBalance, st.wantLot)
		}
		if n, err := s.Spendable(ctx, uid); err != nil || n != st.wantCan {
			t.Fatalf("%s: Spendable = %d, %v; want %d", st.name, n, err, st.wantCan)
		}
		if r := sumRemaining(t, d, uid); r != st.wantCan {
			t.Fatalf("%s: lots hold %d, want %d", st.name, r, st.wantCan)
		}
	}
	if err := spend(t, s, d, uid, 901, 20); !invalidField(err, "points") {
		t.Fatalf("Spend over the balance = %v, want refusal", err)
	}
	if err := spend(t, s, d, uid, 900, 20); err != nil {
		t.Fatalf("Spend of the whole balance: %v", err)
	}
}

// TestGiveBack: partial refunds give back what the order spent, as new
// lots with the expiry of the lots it came from, never more than spent.
func TestGiveBack(t *testing.T) {
	t.Parallel()
	s, d, c := setup(t)
	ctx := t.Context()
	uid := newUser(t, d, "kim@example.com")
	soon, later := t0.AddDate(0, 1, 0), t0.AddDate(1, 0, 0)
	earn(t, s, d, uid, 500, 1, soon)
	earn(t, s, d, uid, 1000, 2, later)
	if err := spend(t, s, d, uid, 800, 3); err != nil { // 500 soon + 300 later
		t.Fatal(err)
	}
	give := func(amount int64) int64 {
		t.Helper()
		var n int64
		if err := inTx(t, d, func(q db.Querier) (err error) {
			n, err = s.GiveBack(ctx, q, uid, 3, amount, "주문 환불")
			return err
		}); err != nil {
			t.Fatalf("GiveBack(%d): %v", amount, err)
		}
		return n
	}
	steps := []struct {
		amount, want int64
		expiring     int64 // within 31 days afterwards
	}{
		{200, 200, 0},   // from the later lot's 300
		{300, 300, 200}, // 100 later + 200 soon
		{1000, 300, 500},
		{50, 0, 500}, // all back already
	}
	for i, st := range steps {
		if n := give(st.amount); n != st.want {
			t.Fatalf("GiveBack #%d(%d) = %d, want %d", i+1, st.amount, n, st.want)
		}
		if n, err := s.ExpiringSoon(ctx, uid, 31*24*time.Hour); err != nil || n != st.expiring {
			t.Fatalf("after #%d ExpiringSoon = %d, %v; want %d", i+1, n, err, st.expiring)
		}
	}
	if b, r := balance(t, s, uid), sumRemaining(t, d, uid); b != 1500 || r != 1500 {
		t.Fatalf("balance %d, lots %d; want 1500", b, r)
	}
	// RefundOrder after partial refunds gives nothing more.
	if err := inTx(t, d, func(q db.Querier) error { return s.RefundOrder(ctx, q, uid, 3) }); err != nil {
		t.Fatal(err)
	}
	if b := balance(t, s, uid); b != 1500 {
		t.Fatalf("balance %d after RefundOrder, want 1500", b)
	}
	c.Advance(40 * 24 * time.Hour)
	if n, err := s.ExpireDue(ctx); err != nil || n != 500 {
		t.Fatalf("ExpireDue = %d, %v; want the 500 that came back with the soon expiry", n, err)
	}
}
