package wiring

import (
	"slices"
	"testing"
)

type service struct{}

func (*service) Do() {}

type doer interface{ Do() }

func TestMissing(t *testing.T) {
	t.Parallel()
	var typedNil *service
	var unset doer
	var nilFunc func()
	type list []string
	got := Missing("empty list", list(nil), "given", doer(&service{}), "nil", nil, "typed nil", doer(typedNil), "unset", unset,
		"func", nilFunc, "clock", func() {}, "value", 3)
	if want := []string{"nil", "typed nil", "unset", "func"}; !slices.Equal(got, want) {
		t.Fatalf("Missing = %v, want %v", got, want)
	}
}
