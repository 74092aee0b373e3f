package address_test

import (
	"errors"
	"sync"
	"testing"

	"github.com/mallang/mallang/internal/account/address"
	"github.com/mallang/mallang/internal/fault"
)

func TestConcurrentSetDefault(t *testing.T) {
	t.Parallel()
	s, d, _, _ := setup(t)
	ctx := t.Context()
	uid := newUser(t, d, "kim@example.com")
	var ids []int64
	for range address.MaxPerUser {
		ids = append(ids, mustCreate(t, s, uid, office()).ID)
	}
	errs := make([]error, len(ids))
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i, id := range ids {
		wg.Go(func() {
			<-start
			errs[i] = s.SetDefault(ctx, uid, id)
		})
	}
	close(start)
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("SetDefault(%d): %v", ids[i], err)
		}
	}
	if n := defaults(t, d, uid); n != 1 {
		t.Fatalf("%d defaults after concurrent SetDefault, want 1", n)
	}
	def, err := s.Default(ctx, uid)
	if err != nil {
		t.Fatal(err)
	}
	list, err := s.List(ctx, uid)
	if err != nil || len(list) != len(ids) || list[0].ID != def.ID {
		t.Fatalf("list %v (%v) after concurrent SetDefault, default %d", list, err, def.ID)
	}
}

// TestConcurrentCreate adds more than MaxPerUser addresses at once to an
// empty book: exactly MaxPerUser are kept, and exactly one is the default.
func TestConcurrentCreate(t *testing.T) {
	t.Parallel()
	s, d, _, _ := setup(t)
	ctx := t.Context()
	uid := newUser(t, d, "kim@example.com")
	const tries = address.MaxPerUser + 10
	errs := make([]error, tries)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range tries {
		wg.Go(func() {
			<-start
			in := home()
			in.MakeDefault = i%3 == 0
			_, errs[i] = s.Create(ctx, uid, in)
		})
	}
	close(start)
	wg.Wait()
	created, capped := 0, 0
	for _, err := range errs {
		var inv *fault.Invalid
		switch {
		case err == nil:
			created++
		case errors.As(err, &inv) && inv.Fields["address"] != "":
			capped++
		default:
			t.Errorf("Create: %v", err)
		}
	}
	if created != address.MaxPerUser || capped != tries-address.MaxPerUser {
		t.Fatalf("%d created and %d refused, want %d and %d", created, capped, address.MaxPerUser, tries-address.MaxPerUser)
	}
	if n := defaults(t, d, uid); n != 1 {
		t.Fatalf("%d defaults after concurrent Create, want 1", n)
	}
}

// TestConcurrentDeleteDefault deletes addresses while others make them the
// default: whatever the order, a non-empty book ends with one default.
func TestConcurrentDeleteDefault(t *testing.T) {
	t.Parallel()
	s, d, _, _ := setup(t)
	ctx := t.Context()
	uid := newUser(t, d, "kim@example.com")
	var ids []int64
	for range 12 {
		ids = append(ids, mustCreate(t, s, uid, office()).ID)
	}
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i, id := range ids {
		wg.Go(func() {
			<-start
			var err error
			if i%2 == 0 {
				err = s.Delete(ctx, uid, id)
			} else {
				err = s.SetDefault(ctx, uid, id)
			}
			if err != nil {
				t.Errorf("address %d: %v", id, err)
			}
		})
	}
	close(start)
	wg.Wait()
	if n := defaults(t, d, uid); n != 1 {
		t.Fatalf("%d defaults, want 1", n)
	}
	if list, _ := s.List(ctx, uid); len(list) != len(ids)/2 {
		t.Fatalf("%d addresses left, want %d", len(list), len(ids)/2)
	}
}
