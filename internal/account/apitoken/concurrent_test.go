package apitoken_test

import (
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/mallang/mallang/internal/account/apitoken"
	"github.com/mallang/mallang/internal/audit"
	"github.com/mallang/mallang/internal/db"
	"github.com/mallang/mallang/internal/db/dbtest"
	"github.com/mallang/mallang/internal/fake"
)

// TestConcurrentRefresh races 20 refreshes of one token, from one app node
// and from two nodes with pools of their own: exactly one gets a pair, every
// other is reported as reuse, and the family, the winner's pair included,
// ends revoked.
func TestConcurrentRefresh(t *testing.T) {
	t.Parallel()
	const callers = 20
	for _, nodes := range []int{1, 2} {
		t.Run(fmt.Sprintf("%d nodes", nodes), func(t *testing.T) {
			t.Parallel()
			ctx := t.Context()
			url := dbtest.URL(t)
			clk := fake.NewClock(start)
			var services []*apitoken.Service
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
				s, err := apitoken.New(d, config(), audit.New(d, clk.Now), clk.Now)
				if err != nil {
					t.Fatal(err)
				}
				services = append(services, s)
			}
			buyer := user(t, first, "buyer@example.com", true)
			p, err := services[0].Issue(ctx, buyer, "app", "203.0.113.7")
			if err != nil {
				t.Fatal(err)
			}

			var (
				wg    sync.WaitGroup
				ready = make(chan struct{})
				pairs = make([]apitoken.Pair, callers)
				errs  = make([]error, callers)
			)
			for i := range callers {
				wg.Add(1)
				go func() {
					defer wg.Done()
					<-ready
					pairs[i], errs[i] = services[i%nodes].Refresh(ctx, p.RefreshToken, "app", "203.0.113.7")
				}()
			}
			close(ready)
			wg.Wait()

			var won []apitoken.Pair
			for i, err := range errs {
				switch {
				case err == nil:
					won = append(won, pairs[i])
				case !errors.Is(err, apitoken.ErrReused):
					t.Errorf("caller %d: %v, want ErrReused", i, err)
				}
			}
			if len(won) != 1 {
				t.Fatalf("%d callers got a pair, want exactly 1", len(won))
			}
			_, err = services[0].Verify(ctx, won[0].AccessToken)
			unauthenticated(t, "Verify the winner's access token", err, false)
			_, err = services[nodes-1].Refresh(ctx, won[0].RefreshToken, "", "")
			unauthenticated(t, "Refresh with the winner's refresh token", err, false)
			var tokens int
			if err := first.Read().GetContext(ctx, &tokens, `SELECT COUNT(*) FROM api_refresh_tokens`); err != nil || tokens != 2 {
				t.Fatalf("%d refresh tokens stored, %v; want 2", tokens, err)
			}
		})
	}
}
