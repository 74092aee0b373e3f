// Package audittest helps tests of services that write audit entries in
// their transactions: it reads the entries back and makes the log refuse
// new ones, to show that a change whose entry cannot be written is undone.
package audittest

import (
	"context"
	"testing"
	"time"

	"github.com/mallang/mallang/internal/audit"
	"github.com/mallang/mallang/internal/db"
	"github.com/mallang/mallang/internal/db/dbtest"
)

// Staff is the actor tests act as.
var Staff = audit.Actor{UserID: 0, Email: "staff@mallang.test", IP: "192.0.2.10", UserAgent: "audittest"}

// Refuse makes every later insert into the audit log of d fail, on SQLite
// and on PostgreSQL, through a trigger on the table: the entry is refused
// by the database inside the transaction that writes it.
func Refuse(t testing.TB, d *db.DB) {
	t.Helper()
	dbtest.RefuseInserts(t, d, "audit_log")
}

// Entries returns the entries with action (all when empty), newest first.
func Entries(t testing.TB, d *db.DB, action string) []audit.Entry {
	t.Helper()
	es, _, err := audit.New(d, time.Now).List(context.Background(), audit.Filter{Action: action, Limit: 200})
	if err != nil {
		t.Fatalf("audittest: list %q: %v", action, err)
	}
	return es
}
