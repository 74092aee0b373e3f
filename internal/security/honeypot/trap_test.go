package honeypot_test

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mallang/mallang/internal/audit"
	"github.com/mallang/mallang/internal/db"
	"github.com/mallang/mallang/internal/db/dbtest"
	"github.com/mallang/mallang/internal/fake"
	"github.com/mallang/mallang/internal/fault"
	"github.com/mallang/mallang/internal/security/honeypot"
)

func newClock() *fake.Clock { return fake.NewClock(nine05) }

// nine05 is 09:05 KST; stored times must come back in UTC.
var nine05 = time.Date(2025, 3, 1, 9, 5, 0, 0, time.FixedZone("KST", 9*3600))

const day = 24 * time.Hour

func attempt(ip string) honeypot.Attempt {
	return honeypot.Attempt{IP: ip, UserAgent: "python-requests/2.31", Username: "admin"}
}

func mustBlocked(t *testing.T, tr *honeypot.Trap, ip string, want bool) {
	t.Helper()
	got, err := tr.Blocked(t.Context(), ip)
	if err != nil || got != want {
		t.Fatalf("Blocked(%s) = %v, %v; want %v", ip, got, err, want)
	}
}

func TestBlocking(t *testing.T) {
	t.Parallel()
	type step struct {
		advance time.Duration // moved before the attempt
		ip      string
		blocked bool // what Record returns
	}
	const a, b = "203.0.113.7", "198.51.100.20"
	tests := []struct {
		name  string
		cfg   honeypot.Config
		steps []step
		// checked after the last step
		blocked    map[string]bool
		blockCount int
	}{
		{"third attempt blocks", honeypot.Config{}, []step{
			{0, a, false}, {time.Minute, a, false}, {time.Hour, a, true},
		}, map[string]bool{a: true, b: false}, 1},
		{"addresses count apart", honeypot.Config{}, []step{
			{0, a, false}, {0, b, false}, {0, a, false}, {0, b, false},
		}, map[string]bool{a: false, b: false}, 0},
		{"attempts older than the window do not count", honeypot.Config{}, []step{
			// At 24h the first attempt has left the window; at 25h the second.
			{0, a, false}, {time.Hour, a, false}, {day - time.Hour, a, false}, {time.Hour, a, false}, {0, a, true},
		}, map[string]bool{a: true}, 1},
		{"further attempts keep it blocked", honeypot.Config{}, []step{
			{0, a, false}, {0, a, false}, {0, a, true}, {3 * day, a, true}, {3 * day, a, true},
		}, map[string]bool{a: true}, 1},
		{"block ends after BlockFor", honeypot.Config{}, []step{
			{0, a, false}, {0, a, false}, {0, a, true}, {7 * day, a, false},
		}, map[string]bool{a: false}, 0},
		{"blocked again after the block ended", honeypot.Config{}, []step{
			{0, a, false}, {0, a, false}, {0, a, true}, {7 * day, a, false}, {0, a, false}, {0, a, true},
		}, map[string]bool{a: true}, 1},
		{"custom config", honeypot.Config{BlockAfter: 1, Window: time.Minute, BlockFor: time.Hour}, []step{
			{0, a, true}, {time.Hour, b, true}, {time.Minute, a, true},
		}, map[string]bool{a: true, b: true}, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := newClock()
			tr := honeypot.New(dbtest.New(t), tt.cfg, c.Now)
			for i, s := range tt.steps {
				c.Advance(s.advance)
				got, err := tr.Record(t.Context(), attempt(s.ip))
				if err != nil || got != s.blocked {
					t.Fatalf("step %d: Record(%s) = %v, %v; want %v", i, s.ip, got, err, s.blocked)
				}
			}
			for ip, want := range tt.blocked {
				mustBlocked(t, tr, ip, want)
			}
			bs, err := tr.Blocks(t.Context())
			if err != nil || len(bs) != tt.blockCount {
				t.Fatalf("Blocks = %+v, %v; want %d", bs, err, tt.blockCount)
			}
		})
	}
}

func TestBlockExtends(t *testing.T) {
	t.Parallel()
	c := newClock()
	tr := honeypot.New(dbtest.New(t), honeypot.Config{}, c.Now)
	ctx := t.Context()
	const ip = "203.0.113.7"
	start := nine05.UTC()
	for range 3 {
		c.Advance(time.Hour)
		if _, err := tr.Record(ctx, attempt(ip)); err != nil {
			t.Fatal(err)
		}
	}
	want := []honeypot.Block{{IP: ip, Attempts: 3, BlockedAt: start.Add(3 * time.Hour), ExpiresAt: start.Add(3*time.Hour + 7*day)}}
	check := func(when string) {
		t.Helper()
		got, err := tr.Blocks(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for i := range got {
			got[i].ID = 0
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("%s: Blocks = %+v, want %+v", when, got, want)
		}
	}
	check("first block")
	// A fourth attempt within the window extends the block but keeps its start.
	c.Advance(time.Hour)
	if blocked, err := tr.Record(ctx, attempt(ip)); err != nil || !blocked {
		t.Fatalf("Record = %v, %v", blocked, err)
	}
	want[0].Attempts, want[0].ExpiresAt = 4, start.Add(4*time.Hour+7*day)
	check("extended")
	// Two days on the window holds one attempt: the block runs on unchanged.
	c.Advance(2 * day)
	if blocked, err := tr.Record(ctx, attempt(ip)); err != nil || !blocked {
		t.Fatalf("Record = %v, %v", blocked, err)
	}
	check("attempt while blocked, window below the threshold")
}

func TestNoPasswordAnywhere(t *testing.T) {
	t.Parallel()
	for _, v := range []any{honeypot.Attempt{}, honeypot.AttemptRow{}, honeypot.Block{}} {
		ty := reflect.TypeOf(v)
		for i := range ty.NumField() {
			if name := strings.ToLower(ty.Field(i).Name); strings.Contains(name, "pass") || strings.Contains(name, "secret") {
				t.Errorf("%s has field %s", ty.Name(), ty.Field(i).Name)
			}
		}
	}
	d := dbtest.New(t)
	for _, table := range []string{"honeypot_attempts", "honeypot_blocks"} {
		rows, err := d.Read().QueryContext(t.Context(), `SELECT * FROM `+table+` WHERE 1 = 0`)
		if err != nil {
			t.Fatal(err)
		}
		cols, err := rows.Columns()
		rows.Close()
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range cols {
			if strings.Contains(strings.ToLower(c), "pass") {
				t.Errorf("table %s has column %s", table, c)
			}
		}
	}
}

func TestRecordStoresTheAttempt(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   honeypot.Attempt
		want honeypot.AttemptRow
	}{
		{"as given",
			honeypot.Attempt{IP: "203.0.113.7", UserAgent: "Mozilla/5.0", Username: "관리자"},
			honeypot.AttemptRow{IP: "203.0.113.7", UserAgent: "Mozilla/5.0", Username: "관리자"}},
		{"empty fields", honeypot.Attempt{IP: "2001:db8::1"}, honeypot.AttemptRow{IP: "2001:db8::1"}},
		{"long fields cut by characters",
			honeypot.Attempt{IP: "203.0.113.7", UserAgent: strings.Repeat("가", 301), Username: strings.Repeat("é", 250)},
			honeypot.AttemptRow{IP: "203.0.113.7", UserAgent: strings.Repeat("가", 300), Username: strings.Repeat("é", 200)}},
		{"bytes the database refuses are replaced",
			honeypot.Attempt{IP: "203.0.113.7", UserAgent: "bot\x00/1", Username: "ad\xffmin"},
			honeypot.AttemptRow{IP: "203.0.113.7", UserAgent: "bot/1", Username: "ad\uFFFDmin"}},
		{"IPv4-mapped IPv6 with a port",
			honeypot.Attempt{IP: "[::ffff:203.0.113.7]:5123"}, honeypot.AttemptRow{IP: "203.0.113.7"}},
		{"IPv6 written long with a zone",
			honeypot.Attempt{IP: "fe80:0:0:0:0:0:0:1%eth0"}, honeypot.AttemptRow{IP: "fe80::1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tr := honeypot.New(dbtest.New(t), honeypot.Config{}, newClock().Now)
			if _, err := tr.Record(t.Context(), tt.in); err != nil {
				t.Fatalf("Record: %v", err)
			}
			got, err := tr.Attempts(t.Context(), 10, 0)
			if err != nil || len(got) != 1 {
				t.Fatalf("Attempts = %+v, %v", got, err)
			}
			tt.want.ID, tt.want.CreatedAt = got[0].ID, nine05.UTC()
			if !reflect.DeepEqual(got[0], tt.want) {
				t.Fatalf("Attempts = %+v, want %+v", got[0], tt.want)
			}
		})
	}
}

func TestIPForms(t *testing.T) {
	t.Parallel()
	c := newClock()
	tr := honeypot.New(dbtest.New(t), honeypot.Config{}, c.Now)
	ctx := t.Context()
	// One caller seen three ways is one address.
	for _, ip := range []string{"::ffff:203.0.113.7", "203.0.113.7:5123", " 203.0.113.7 "} {
		if _, err := tr.Record(ctx, attempt(ip)); err != nil {
			t.Fatalf("Record(%q): %v", ip, err)
		}
	}
	for _, ip := range []string{"203.0.113.7", "::ffff:203.0.113.7", "[::ffff:203.0.113.7]:443", "::ffff:cb00:7107"} {
		mustBlocked(t, tr, ip, true)
	}
	for _, ip := range []string{"203.0.113.8", "2001:db8::1", "::203.0.113.7"} {
		mustBlocked(t, tr, ip, false)
	}
	for _, ip := range []string{"", "localhost", "203.0.113", "@", "not an ip"} {
		if _, err := tr.Record(ctx, attempt(ip)); !isInvalid(err, "ip") {
			t.Errorf("Record(%q) = %v, want *fault.Invalid on ip", ip, err)
		}
		if _, err := tr.Blocked(ctx, ip); !isInvalid(err, "ip") {
			t.Errorf("Blocked(%q) = %v, want *fault.Invalid on ip", ip, err)
		}
	}
	if got, err := tr.Attempts(ctx, 0, 0); err != nil || len(got) != 3 {
		t.Fatalf("Attempts = %d rows, %v; want only the 3 valid ones", len(got), err)
	}
}

func isInvalid(err error, field string) bool {
	inv, ok := fault.AsInvalid(err)
	return ok && inv.Fields[field] != ""
}

func TestClear(t *testing.T) {
	t.Parallel()
	d := dbtest.New(t)
	ctx := t.Context()
	if _, err := d.Write().ExecContext(ctx, `INSERT INTO users (id, email, role, active) VALUES (1, 'admin@mallang.test', 'staff', TRUE)`); err != nil {
		t.Fatal(err)
	}
	c := newClock()
	log := audit.New(d, c.Now)
	tr := honeypot.New(d, honeypot.Config{Audit: log}, c.Now)
	const ip, other = "203.0.113.7", "198.51.100.20"
	for range 3 {
		for _, x := range []string{ip, other} {
			if _, err := tr.Record(ctx, attempt(x)); err != nil {
				t.Fatal(err)
			}
		}
	}
	c.Advance(time.Hour)
	staff := audit.Actor{UserID: 1, Email: "admin@mallang.test", IP: "192.0.2.1", UserAgent: "Firefox"}
	if err := tr.Clear(ctx, staff, "::ffff:"+ip); err != nil {
		t.Fatalf("Clear: %v", err)
	}
	mustBlocked(t, tr, ip, false)
	mustBlocked(t, tr, other, true)
	if bs, err := tr.Blocks(ctx); err != nil || len(bs) != 1 || bs[0].IP != other {
		t.Fatalf("Blocks after Clear = %+v, %v", bs, err)
	}
	if as, err := tr.Attempts(ctx, 100, 0); err != nil || len(as) != 6 {
		t.Fatalf("Attempts after Clear = %d, %v; want all 6 kept", len(as), err)
	}
	es, _, err := log.List(ctx, audit.Filter{})
	if err != nil || len(es) != 1 {
		t.Fatalf("audit entries = %+v, %v", es, err)
	}
	if e := es[0]; e.Action != "honeypot.block_cleared" || e.TargetType != "ip" || e.TargetID != ip || e.ActorID != 1 || e.IP != "192.0.2.1" {
		t.Fatalf("audit entry = %+v", e)
	}

	// Attempts before the clearing no longer count: it takes three new ones.
	c.Advance(time.Minute)
	for i, want := range []bool{false, false, true} {
		if got, err := tr.Record(ctx, attempt(ip)); err != nil || got != want {
			t.Fatalf("attempt %d after Clear: Record = %v, %v; want %v", i+1, got, err, want)
		}
	}
	mustBlocked(t, tr, ip, true)

	if err := tr.Clear(ctx, staff, "192.0.2.99"); !errors.Is(err, fault.ErrNotFound) {
		t.Fatalf("Clear of an address never blocked = %v, want fault.ErrNotFound", err)
	}
	c.Advance(8 * day)
	if err := tr.Clear(ctx, staff, ip); !errors.Is(err, fault.ErrNotFound) {
		t.Fatalf("Clear of an ended block = %v, want fault.ErrNotFound", err)
	}
	if err := tr.Clear(ctx, staff, "nope"); !isInvalid(err, "ip") {
		t.Fatalf("Clear(nope) = %v, want *fault.Invalid", err)
	}
	if _, total, err := log.List(ctx, audit.Filter{}); err != nil || total != 1 {
		t.Fatalf("audit total = %d, %v; failed clears must not be audited", total, err)
	}
}

// failingAuditor refuses every entry, as a full disk or a broken audit
// table would.
type failingAuditor struct{}

var errAudit = errors.New("audit unavailable")

func (failingAuditor) Record(context.Context, db.Querier, audit.Entry) error { return errAudit }

func TestClearRollsBackWhenAuditFails(t *testing.T) {
	t.Parallel()
	c := newClock()
	tr := honeypot.New(dbtest.New(t), honeypot.Config{BlockAfter: 1, Audit: failingAuditor{}}, c.Now)
	if _, err := tr.Record(t.Context(), attempt("203.0.113.7")); err != nil {
		t.Fatal(err)
	}
	if err := tr.Clear(t.Context(), audit.Actor{}, "203.0.113.7"); !errors.Is(err, errAudit) {
		t.Fatalf("Clear = %v, want the audit error", err)
	}
	mustBlocked(t, tr, "203.0.113.7", true)
}

func TestBlocksNewestFirst(t *testing.T) {
	t.Parallel()
	c := newClock()
	tr := honeypot.New(dbtest.New(t), honeypot.Config{BlockAfter: 1, BlockFor: 2*day + time.Hour}, c.Now)
	ctx := t.Context()
	for _, ip := range []string{"192.0.2.1", "192.0.2.2", "2001:db8::3", "192.0.2.4"} {
		if _, err := tr.Record(ctx, attempt(ip)); err != nil {
			t.Fatal(err)
		}
		c.Advance(day)
	}
	// Now 4 days on: the first two blocks (2 days and an hour each) have ended.
	bs, err := tr.Blocks(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var ips []string
	for _, b := range bs {
		ips = append(ips, b.IP)
	}
	if want := []string{"192.0.2.4", "2001:db8::3"}; !reflect.DeepEqual(ips, want) {
		t.Fatalf("Blocks = %v, want %v", ips, want)
	}
}

func TestAttemptsPages(t *testing.T) {
	t.Parallel()
	c := newClock()
	tr := honeypot.New(dbtest.New(t), honeypot.Config{}, c.Now)
	ctx := t.Context()
	for i := range 5 {
		if _, err := tr.Record(ctx, honeypot.Attempt{IP: fmt.Sprintf("192.0.2.%d", i+1)}); err != nil {
			t.Fatal(err)
		}
		c.Advance(time.Second)
	}
	tests := []struct {
		name          string
		limit, offset int
		want          []string
	}{
		{"newest first", 0, 0, []string{"192.0.2.5", "192.0.2.4", "192.0.2.3", "192.0.2.2", "192.0.2.1"}},
		{"a page", 2, 1, []string{"192.0.2.4", "192.0.2.3"}},
		{"past the end", 2, 5, nil},
		{"negative offset", 1, -1, []string{"192.0.2.5"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tr.Attempts(ctx, tt.limit, tt.offset)
			if err != nil {
				t.Fatal(err)
			}
			var ips []string
			for _, a := range got {
				ips = append(ips, a.IP)
			}
			if !reflect.DeepEqual(ips, tt.want) {
				t.Fatalf("Attempts(%d, %d) = %v, want %v", tt.limit, tt.offset, ips, tt.want)
			}
		})
	}
}

func TestPrune(t *testing.T) {
	t.Parallel()
	c := newClock()
	d := dbtest.New(t)
	tr := honeypot.New(d, honeypot.Config{}, c.Now)
	ctx := t.Context()
	for range 3 {
		if _, err := tr.Record(ctx, attempt("192.0.2.1")); err != nil { // blocked until day 7
			t.Fatal(err)
		}
	}
	c.Advance(30 * day)
	for range 2 {
		if _, err := tr.Record(ctx, attempt("192.0.2.2")); err != nil { // still counting
			t.Fatal(err)
		}
	}
	count := func(table string) int {
		var n int
		if err := d.Read().GetContext(ctx, &n, `SELECT COUNT(*) FROM `+table); err != nil {
			t.Fatal(err)
		}
		return n
	}
	// Asked to delete everything up to now, Prune still keeps the window.
	n, err := tr.Prune(ctx, c.Now().Add(time.Hour))
	if err != nil || n != 4 {
		t.Fatalf("Prune = %d, %v; want 3 attempts and 1 ended block", n, err)
	}
	if a, b := count("honeypot_attempts"), count("honeypot_blocks"); a != 2 || b != 0 {
		t.Fatalf("left %d attempts and %d blocks, want 2 and 0", a, b)
	}
	if blocked, err := tr.Record(ctx, attempt("192.0.2.2")); err != nil || !blocked {
		t.Fatalf("third attempt after Prune: Record = %v, %v; want blocked", blocked, err)
	}
}

// TestConcurrentRecord sends 20 attempts from one IP at once, through one
// app node and through two (two connections to the same database): all 20
// are stored, exactly one block row results, and the IP is blocked.
func TestConcurrentRecord(t *testing.T) {
	t.Parallel()
	for _, nodes := range []int{1, 2} {
		t.Run(fmt.Sprintf("%d nodes", nodes), func(t *testing.T) {
			t.Parallel()
			ctx := t.Context()
			url := dbtest.URL(t)
			c := newClock()
			var traps []*honeypot.Trap
			var first *db.DB
			for i := range nodes {
				d, err := db.Open(ctx, url, db.Options{MaxReaders: 4})
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { d.Close() })
				if i == 0 {
					if _, err := d.Migrate(ctx); err != nil {
						t.Fatal(err)
					}
					first = d
				}
				traps = append(traps, honeypot.New(d, honeypot.Config{}, c.Now))
			}
			const n = 20
			errs := make(chan error, n)
			blocked := make(chan bool, n)
			start := make(chan struct{})
			var wg sync.WaitGroup
			for i := range n {
				tr := traps[i%nodes]
				wg.Go(func() {
					<-start
					b, err := tr.Record(ctx, honeypot.Attempt{IP: "203.0.113.7", UserAgent: "bot", Username: fmt.Sprintf("admin%d", i)})
					if err != nil {
						errs <- err
						return
					}
					blocked <- b
				})
			}
			close(start)
			wg.Wait()
			close(errs)
			close(blocked)
			for err := range errs {
				t.Fatalf("Record: %v", err)
			}
			nBlocked := 0
			for b := range blocked {
				if b {
					nBlocked++
				}
			}
			// Which calls see the block depends on the order of commits,
			// but the last to commit counts every attempt.
			if nBlocked < 1 {
				t.Errorf("no Record call of %d reported a block", n)
			}
			var attempts, blocks, counted int
			if err := first.Read().GetContext(ctx, &attempts, `SELECT COUNT(*) FROM honeypot_attempts`); err != nil {
				t.Fatal(err)
			}
			if err := first.Read().GetContext(ctx, &blocks, `SELECT COUNT(*) FROM honeypot_blocks`); err != nil {
				t.Fatal(err)
			}
			if err := first.Read().GetContext(ctx, &counted, `SELECT attempts FROM honeypot_blocks`); err != nil {
				t.Fatal(err)
			}
			if attempts != n || blocks != 1 || counted != n {
				t.Fatalf("%d attempts, %d block rows counting %d; want %d, 1, %d", attempts, blocks, counted, n, n)
			}
			for _, tr := range traps {
				mustBlocked(t, tr, "203.0.113.7", true)
			}
		})
	}
}
