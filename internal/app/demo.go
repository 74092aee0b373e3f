package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/mallang/mallang/internal/seed"
)

// demoMarker is the file in the data directory that says a demo load has
// started and not finished: a start that finds it runs the load again,
// whose steps each skip what is already done (decision 0051).
const demoMarker = "demo-loading"

// demoWanted reports whether serve loads the demo: MALLANG_DEMO is on and
// either the shop has no products yet or an earlier load did not finish.
func (a *App) demoWanted(ctx context.Context) (bool, error) {
	if !a.cfg.Seed {
		return false, nil
	}
	if _, err := os.Stat(filepath.Join(a.cfg.DataDir, demoMarker)); err == nil {
		return true, nil
	} else if !errors.Is(err, os.ErrNotExist) {
		return false, fmt.Errorf("demo load: %w", err)
	}
	n, err := a.Catalog.CountProducts(ctx)
	if err != nil {
		return false, err
	}
	return n == 0, nil
}

// loadDemo fills the shop with the demo while it serves, in steps that
// each skip what an earlier, interrupted load did: the 200 products (one
// transaction, so all or none; skipped when the shop has products), the
// demo settings and legal documents (seed.Shop changes unsaved settings
// only), the demo staff login (skipped when its file exists; the account is
// reset otherwise), and the pictures (drawn for the products that have
// none; their thumbnails come from the thumbnail job). The marker file is
// written first and removed last; until then a.preparing makes the home
// page say that the shop is being prepared. When done it prints the demo
// staff login to out.
func (a *App) loadDemo(ctx context.Context, out io.Writer) error {
	marker := filepath.Join(a.cfg.DataDir, demoMarker)
	if err := os.WriteFile(marker, []byte("the demo load has not finished; the next start finishes it\n"), 0o600); err != nil {
		return fmt.Errorf("demo load: %w", err)
	}
	step := func(name string) error {
		if a.opts.DemoStep == nil {
			return nil
		}
		if err := a.opts.DemoStep(ctx, name); err != nil {
			return fmt.Errorf("demo load at %s: %w", name, err)
		}
		return nil
	}
	if err := step("products"); err != nil {
		return err
	}
	n, err := a.Catalog.CountProducts(ctx)
	if err != nil {
		return err
	}
	if n == 0 {
		if _, err := seed.Run(ctx, a.Catalog, a.Media, seed.Options{Products: seed.DefaultProducts}, nil); err != nil {
			return fmt.Errorf("seed demo catalog: %w", err)
		}
		if err := a.DB.Analyze(ctx); err != nil {
			return err
		}
	}
	if err := step("shop"); err != nil {
		return err
	}
	if err := seed.Shop(ctx, a.live.s); err != nil {
		return err
	}
	if err := step("staff"); err != nil {
		return err
	}
	if _, err := os.Stat(demoStaffFile(a.cfg)); errors.Is(err, os.ErrNotExist) {
		if err := a.createDemoStaff(ctx); err != nil {
			return err
		}
	}
	if err := step("pictures"); err != nil {
		return err
	}
	if _, err := seed.Pictures(ctx, a.Catalog, a.Media, seed.PictureOptions{Pool: a.opts.DemoPool}, nil); err != nil {
		return fmt.Errorf("seed demo pictures: %w", err)
	}
	if err := step("done"); err != nil {
		return err
	}
	if err := os.Remove(marker); err != nil {
		return fmt.Errorf("demo load: %w", err)
	}
	a.preparing.Store(false)
	a.log.InfoContext(ctx, "demo shop loaded")
	if login, err := os.ReadFile(demoStaffFile(a.cfg)); err == nil {
		fmt.Fprintf(out, "  데모 상점 준비 완료 / demo shop ready — 데모 스태프 로그인 / demo staff login: %s\n", strings.TrimSpace(string(login)))
	}
	return nil
}
