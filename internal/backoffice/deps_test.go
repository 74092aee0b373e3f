package backoffice

import (
	"log/slog"
	"strings"
	"testing"
)

// TestNewNamesMissingDeps checks that a back office wired without its
// services fails at once, naming them.
func TestNewNamesMissingDeps(t *testing.T) {
	t.Parallel()
	defer func() {
		msg, _ := recover().(string)
		for _, name := range []string{"Accounts", "Store", "Now", "Orders", "Shipping", "Promotions", "Payments", "Images", "Uploads"} {
			if !strings.Contains(msg, name) {
				t.Errorf("panic %q does not name %s", msg, name)
			}
		}
	}()
	New(Config{Path: "/manage"}, Deps{}, slog.New(slog.DiscardHandler))
	t.Fatal("New took no services")
}
