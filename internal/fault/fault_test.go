package fault

import (
	"errors"
	"fmt"
	"testing"
)

func TestInvalid(t *testing.T) {
	t.Parallel()
	var v Invalid
	if v.Err() != nil {
		t.Fatal("an empty Invalid is an error")
	}
	v.Add("page", "must be a whole number")
	v.Add("page", "second message is ignored")
	v.Add("email", "is required")
	err := fmt.Errorf("sign up: %w", v.Err())
	inv, ok := AsInvalid(err)
	if !ok || inv.Fields["page"] != "must be a whole number" {
		t.Fatalf("AsInvalid(%v) = %v, %v", err, inv, ok)
	}
	if got, want := inv.Error(), "invalid input: email is required; page must be a whole number"; got != want {
		t.Fatalf("Error() = %q, want %q", got, want)
	}
	if _, ok := AsInvalid(fmt.Errorf("x: %w", ErrNotFound)); ok {
		t.Fatal("ErrNotFound is not Invalid")
	}
	if !errors.Is(fmt.Errorf("load product 7: %w", ErrNotFound), ErrNotFound) {
		t.Fatal("wrapped kind not found")
	}
}
