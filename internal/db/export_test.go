package db

import (
	"context"
	"fmt"
)

// MigrateDownTo undoes the migrations after version, so that a test can
// put rows in the shape an older schema allowed and migrate them up again.
func (d *DB) MigrateDownTo(ctx context.Context, version int64) error {
	p, err := d.provider()
	if err != nil {
		return err
	}
	if _, err := p.DownTo(ctx, version); err != nil {
		return fmt.Errorf("migrate down to %d: %w", version, err)
	}
	return nil
}
