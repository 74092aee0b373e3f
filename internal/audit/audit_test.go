package audit_test

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/mallang/mallang/internal/audit"
	"github.com/mallang/mallang/internal/db"
	"github.com/mallang/mallang/internal/db/dbtest"
	"github.com/mallang/mallang/internal/fake"
	"github.com/mallang/mallang/internal/fault"
)

// start is 09:05 KST, to check that entries are stored in UTC.
var start = time.Date(2025, 3, 1, 9, 5, 0, 0, time.FixedZone("KST", 9*3600))

// setup returns a log on a fresh database with two staff users, ids 1 and 4.
func setup(t *testing.T) (*audit.Log, *db.DB, *fake.Clock) {
	t.Helper()
	d := dbtest.New(t)
	_, err := d.Write().ExecContext(t.Context(), `INSERT INTO users (id, email, role, active) VALUES
		(1, 'admin@mallang.test', 'staff', TRUE), (4, 'kim@mallang.test', 'staff', TRUE)`)
	if err != nil {
		t.Fatal(err)
	}
	c := fake.NewClock(start)
	return audit.New(d, c.Now), d, c
}

func staff(id int64, email string) audit.Actor {
	return audit.Actor{UserID: id, Email: email, IP: "203.0.113.7", UserAgent: "Mozilla/5.0 (Macintosh)"}
}

func TestRecordAndList(t *testing.T) {
	t.Parallel()
	l, d, c := setup(t)
	ctx := t.Context()

	err := l.Record(ctx, d.Write(), staff(1, "admin@mallang.test").Entry("user.role_changed", "user", "4",
		map[string]any{"from": "customer", "to": "staff", "order_id": int64(9007199254740993), "memo": "김말랑 승격"}))
	if err != nil {
		t.Fatalf("Record: %v", err)
	}
	c.Advance(time.Minute)
	kim := staff(4, "kim@mallang.test")
	kim.IP = "2001:db8::1"
	err = l.Record(ctx, d.Write(), kim.Entry("product.deleted", "product", "12", nil))
	if err != nil {
		t.Fatalf("Record: %v", err)
	}
	c.Advance(time.Minute)
	// No actor at all: a system action.
	if err := l.Record(t.Context(), nil, audit.Entry{Action: "dump.loaded"}); err != nil {
		t.Fatalf("Record: %v", err)
	}

	got, total, err := l.List(t.Context(), audit.Filter{})
	if err != nil {
		t.Fatalf("List: %v", err)
	}
	base := start.UTC()
	want := []audit.Entry{
		{ID: 3, Action: "dump.loaded", CreatedAt: base.Add(2 * time.Minute)},
		{ID: 2, ActorID: 4, ActorEmail: "kim@mallang.test", Action: "product.deleted", TargetType: "product", TargetID: "12",
			IP: "2001:db8::1", UserAgent: "Mozilla/5.0 (Macintosh)", CreatedAt: base.Add(time.Minute)},
		{ID: 1, ActorID: 1, ActorEmail: "admin@mallang.test", Action: "user.role_changed", TargetType: "user", TargetID: "4",
			Detail: map[string]any{"from": "customer", "to": "staff", "order_id": json.Number("9007199254740993"), "memo": "김말랑 승격"},
			IP:     "203.0.113.7", UserAgent: "Mozilla/5.0 (Macintosh)", CreatedAt: base},
	}
	if total != 3 {
		t.Errorf("total = %d, want 3", total)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("List =\n%+v\nwant\n%+v", got, want)
	}
	if loc := got[0].CreatedAt.Location(); loc != time.UTC {
		t.Errorf("CreatedAt in %v, want UTC", loc)
	}
}

func TestRecordCommitsWithTheAction(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		failing bool
		want    int
	}{
		{"committed action keeps its entry", false, 1},
		{"rolled back action leaves no entry", true, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			l, d, _ := setup(t)
			ctx := t.Context()
			boom := errors.New("boom")
			err := d.InTx(ctx, func(q db.Querier) error {
				if _, err := q.ExecContext(ctx, q.Rebind(`UPDATE users SET role = ? WHERE id = ?`), "customer", 4); err != nil {
					return err
				}
				if err := l.Record(ctx, q, staff(1, "admin@mallang.test").Entry("user.role_changed", "user", "4", nil)); err != nil {
					return err
				}
				if tt.failing {
					return boom
				}
				return nil
			})
			if tt.failing != errors.Is(err, boom) || (!tt.failing && err != nil) {
				t.Fatalf("InTx = %v", err)
			}
			_, total, err := l.List(t.Context(), audit.Filter{})
			if err != nil || total != tt.want {
				t.Fatalf("List total = %d, %v; want %d", total, err, tt.want)
			}
			var role string
			if err := d.Read().GetContext(t.Context(), &role, `SELECT role FROM users WHERE id = 4`); err != nil {
				t.Fatal(err)
			}
			if changed := role == "customer"; changed != (tt.want == 1) {
				t.Fatalf("role = %q after the transaction, but %d entries", role, tt.want)
			}
		})
	}
}

func TestListFilter(t *testing.T) {
	t.Parallel()
	l, d, c := setup(t)
	admin, kim := staff(1, "admin@mallang.test"), staff(4, "kim@mallang.test")
	// ids 1..6 in this order, one minute apart.
	for _, r := range []struct {
		by     audit.Actor
		action string
	}{
		{admin, "user.role_changed"}, {kim, "product.deleted"}, {admin, "product.deleted"},
		{kim, "user.role_changed"}, {admin, "product.deleted"}, {admin, "honeypot.block_cleared"},
	} {
		if err := l.Record(t.Context(), d.Write(), r.by.Entry(r.action, "", "", nil)); err != nil {
			t.Fatal(err)
		}
		c.Advance(time.Minute)
	}
	tests := []struct {
		name   string
		filter audit.Filter
		ids    []int64
		total  int
	}{
		{"all", audit.Filter{}, []int64{6, 5, 4, 3, 2, 1}, 6},
		{"by actor", audit.Filter{ActorID: 1}, []int64{6, 5, 3, 1}, 4},
		{"by action", audit.Filter{Action: "product.deleted"}, []int64{5, 3, 2}, 3},
		{"by both", audit.Filter{ActorID: 4, Action: "product.deleted"}, []int64{2}, 1},
		{"no match", audit.Filter{Action: "order.refunded"}, nil, 0},
		{"first page", audit.Filter{Limit: 2}, []int64{6, 5}, 6},
		{"second page", audit.Filter{Limit: 2, Offset: 2}, []int64{4, 3}, 6},
		{"past the end", audit.Filter{Limit: 2, Offset: 6}, nil, 6},
		{"filtered page", audit.Filter{ActorID: 1, Limit: 3, Offset: 1}, []int64{5, 3, 1}, 4},
		{"negative offset is the start", audit.Filter{Limit: 1, Offset: -5}, []int64{6}, 6},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, total, err := l.List(t.Context(), tt.filter)
			if err != nil {
				t.Fatalf("List: %v", err)
			}
			var ids []int64
			for _, e := range got {
				ids = append(ids, e.ID)
			}
			if !reflect.DeepEqual(ids, tt.ids) || total != tt.total {
				t.Fatalf("List = %v (total %d), want %v (total %d)", ids, total, tt.ids, tt.total)
			}
		})
	}
}

func TestRecordValidation(t *testing.T) {
	t.Parallel()
	l, d, _ := setup(t)
	big := map[string]any{"note": strings.Repeat("가", 3000)} // 9,000 bytes of UTF-8
	tests := []struct {
		name  string
		entry audit.Entry
		field string // "" means valid
	}{
		{"missing action", audit.Entry{}, "action"},
		{"blank action", audit.Entry{Action: "  "}, "action"},
		{"action of 100 characters", audit.Entry{Action: strings.Repeat("a", 100)}, ""},
		{"action of 101 characters", audit.Entry{Action: strings.Repeat("a", 101)}, "action"},
		{"detail too big", audit.Entry{Action: "page.saved", Detail: big}, "detail"},
		{"detail not JSON", audit.Entry{Action: "page.saved", Detail: map[string]any{"f": func() {}}}, "detail"},
		{"detail at the limit", audit.Entry{Action: "page.saved",
			Detail: map[string]any{"n": strings.Repeat("x", audit.MaxDetailBytes-len(`{"n":""}`))}}, ""},
		{"target id too long", audit.Entry{Action: "page.saved", TargetID: strings.Repeat("1", 201)}, "target_id"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := l.Record(t.Context(), d.Write(), tt.entry)
			if tt.field == "" {
				if err != nil {
					t.Fatalf("Record = %v, want nil", err)
				}
				return
			}
			inv, ok := fault.AsInvalid(err)
			if !ok || inv.Fields[tt.field] == "" {
				t.Fatalf("Record = %v, want *fault.Invalid on %s", err, tt.field)
			}
		})
	}
	_, total, err := l.List(t.Context(), audit.Filter{})
	if err != nil || total != 2 {
		t.Fatalf("List total = %d, %v; want only the 2 valid entries", total, err)
	}
}

func TestRequestFieldsAreCut(t *testing.T) {
	t.Parallel()
	l, d, _ := setup(t)
	by := audit.Actor{
		UserID: 1, Email: "admin@mallang.test", IP: "203.0.113.7",
		UserAgent: strings.Repeat("브", 290) + strings.Repeat("x", 20) + "\xff\x00",
	}
	if err := l.Record(t.Context(), d.Write(), by.Entry("page.saved", "", "", nil)); err != nil {
		t.Fatal(err)
	}
	got, _, err := l.List(t.Context(), audit.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	want := strings.Repeat("브", 290) + strings.Repeat("x", 10)
	if got[0].UserAgent != want {
		t.Fatalf("UserAgent = %q, want the first 300 characters", got[0].UserAgent)
	}
}

func TestDeletedActorKeepsEmail(t *testing.T) {
	t.Parallel()
	l, d, _ := setup(t)
	if err := l.Record(t.Context(), d.Write(), staff(4, "kim@mallang.test").Entry("page.saved", "", "", nil)); err != nil {
		t.Fatal(err)
	}
	if _, err := d.Write().ExecContext(t.Context(), `DELETE FROM users WHERE id = 4`); err != nil {
		t.Fatalf("delete user with audit entries: %v", err)
	}
	got, _, err := l.List(t.Context(), audit.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	if got[0].ActorID != 0 || got[0].ActorEmail != "kim@mallang.test" {
		t.Fatalf("entry after the user was deleted = %+v", got[0])
	}
}
