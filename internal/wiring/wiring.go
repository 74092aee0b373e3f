// Package wiring checks, when the shop starts, that a constructor was given
// every dependency it needs, so a missing service is a panic naming it at
// start rather than a nil pointer at the first request that uses it.
package wiring

import "reflect"

// Missing takes pairs of a name and a dependency and returns the names of
// those not given: nil, or a nil pointer or function inside an interface
// (a service declared but not yet made). An empty list or map is given:
// it may be a valid dependency (a blocklist with nothing in it).
func Missing(pairs ...any) []string {
	var names []string
	for i := 0; i+1 < len(pairs); i += 2 {
		if absent(pairs[i+1]) {
			names = append(names, pairs[i].(string))
		}
	}
	return names
}

func absent(v any) bool {
	if v == nil {
		return true
	}
	switch rv := reflect.ValueOf(v); rv.Kind() {
	case reflect.Pointer, reflect.Func:
		return rv.IsNil()
	}
	return false
}
