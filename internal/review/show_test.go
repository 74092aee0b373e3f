package review_test

import (
	"errors"
	"sync"
	"testing"

	"github.com/mallang/mallang/internal/audit"
	"github.com/mallang/mallang/internal/audit/audittest"
	"github.com/mallang/mallang/internal/fault"
	"github.com/mallang/mallang/internal/review"
)

// Staff show a hidden review again: it counts on its product once more,
// the hiding's reason is cleared, the change is audited; a review that is
// not hidden, or unknown, is refused; two staff at once show it once.
func TestShowAgain(t *testing.T) {
	t.Parallel()
	f := setup(t)
	kim := f.user(t, "김말랑")
	rv, err := f.s.Create(t.Context(), review.CreateInput{UserID: kim, LineID: f.line(t, kim, "delivered"), Rating: 4, Body: body})
	if err != nil {
		t.Fatal(err)
	}
	staff := audit.Actor{UserID: f.user(t, "직원"), Email: "staff@example.com"}
	if _, err := f.s.Show(t.Context(), rv.ID, staff); !errors.Is(err, review.ErrShown) {
		t.Fatalf("showing a visible review = %v, want ErrShown", err)
	}
	if _, err := f.s.Hide(t.Context(), rv.ID, staff, "확인 중"); err != nil {
		t.Fatal(err)
	}
	if got := f.summary(t); got != (review.Summary{}) {
		t.Fatalf("summary while hidden = %+v", got)
	}
	if _, err := f.s.Show(t.Context(), rv.ID, audit.Actor{}); !errors.Is(err, fault.ErrForbidden) {
		t.Fatalf("showing without staff = %v", err)
	}
	if _, err := f.s.Show(t.Context(), 99999, staff); !errors.Is(err, fault.ErrNotFound) {
		t.Fatalf("showing an unknown review = %v", err)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 4)
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := f.s.Show(t.Context(), rv.ID, staff)
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	shown := 0
	for err := range errs {
		switch {
		case err == nil:
			shown++
		case !errors.Is(err, review.ErrShown):
			t.Fatal(err)
		}
	}
	if shown != 1 {
		t.Fatalf("shown %d times", shown)
	}
	if got := f.summary(t); got != (review.Summary{Count: 1, Average: 400}) {
		t.Fatalf("summary after showing = %+v, want 1 at 4.00", got)
	}
	got, err := f.s.Get(t.Context(), rv.ID)
	if err != nil || !got.HiddenAt.IsZero() || got.HiddenReason != "" {
		t.Fatalf("review after showing = %+v, %v", got, err)
	}
	es := audittest.Entries(t, f.d, "review.shown")
	if len(es) != 1 || es[0].ActorID != staff.UserID {
		t.Fatalf("review.shown entries %+v", es)
	}
	page, err := f.s.ForProduct(t.Context(), f.prod, review.SortNewest, 10, 0)
	if err != nil || len(page.Reviews) != 1 {
		t.Fatalf("the product shows %+v, %v", page.Reviews, err)
	}
}
