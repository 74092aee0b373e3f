package order

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/mallang/mallang/internal/db"
	"github.com/mallang/mallang/internal/db/dbtest"
)

var errRollback = errors.New("rollback")

// Every filter of the order list is answered from an index, so the list
// stays fast at a million orders: checked with EXPLAIN on the count each
// page runs (on PostgreSQL with sequential scans off, since it rightly
// scans a tiny table).
func TestAdminListUsesIndexes(t *testing.T) {
	t.Parallel()
	d := dbtest.New(t)
	s := &Service{d: d, deps: Deps{SearchKey: []byte("plan tests: a search key")}}
	now := time.Date(2026, 11, 30, 14, 0, 0, 0, time.UTC)
	min := int64(10000)
	tests := []struct {
		name    string
		f       AdminFilter
		indexes []string
	}{
		{"status", AdminFilter{Status: Paid}, []string{"orders_status", "orders_updated"}},
		{"number", AdminFilter{Query: "20261130-K7QX2M9A"}, []string{"sqlite_autoindex_orders", "orders_number_key"}},
		{"email", AdminFilter{Query: "a@example.com"}, []string{"orders_user"}},
		{"phone", AdminFilter{Query: "010-1234-5678"}, []string{"orders_phone_key"}},
		{"name or product", AdminFilter{Query: "김말랑"}, []string{"orders_recipient_key", "users_name", "order_lines_sku", "order_lines_name"}},
		{"method", AdminFilter{Method: "card"}, []string{"orders_method"}},
		{"channel", AdminFilter{Channel: MobileWeb}, []string{"orders_channel"}},
		{"days", AdminFilter{From: "2026-11-01", To: "2026-11-30"}, []string{"orders_created"}},
		{"amount", AdminFilter{Min: &min}, []string{"orders_total"}},
		{"deposit due", AdminFilter{DueToday: true}, []string{"orders_status", "orders_updated"}},
		{"stuck in a status", AdminFilter{Status: Preparing, StuckDays: 3}, []string{"orders_updated", "orders_status"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.f.Limit = 50
			f, err := tt.f.check()
			if err != nil {
				t.Fatal(err)
			}
			where, args := s.where(f, now)
			query := `SELECT 1 FROM orders` + where + ` LIMIT 10000`
			var plan string
			err = d.InTx(t.Context(), func(q db.Querier) error {
				if d.Dialect.Engine == db.Postgres {
					if _, err := q.ExecContext(t.Context(), "SET LOCAL enable_seqscan = off"); err != nil {
						return err
					}
				}
				plan = dbtest.Explain(t, q, query, args...)
				return errRollback
			})
			if !errors.Is(err, errRollback) {
				t.Fatal(err)
			}
			for _, ix := range tt.indexes {
				if strings.Contains(plan, ix) {
					if tt.name == "name or product" {
						for _, all := range tt.indexes {
							if !strings.Contains(plan, all) {
								t.Errorf("plan lacks %s:\n%s", all, plan)
							}
						}
					}
					return
				}
			}
			t.Errorf("plan uses none of %v:\n%s", tt.indexes, plan)
		})
	}
}
