package settings

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/mallang/mallang/internal/db"
	"github.com/mallang/mallang/internal/fault"
)

// insertSettings stores st as the first settings (version 1) unless a row
// is there already.
func insertSettings(ctx context.Context, q db.Querier, st Settings, now time.Time) error {
	data, err := json.Marshal(st)
	if err != nil {
		return err
	}
	_, err = q.ExecContext(ctx, q.Rebind(`INSERT INTO settings (id, version, data, created_at, updated_at)
		VALUES (1, 1, ?, ?, ?) ON CONFLICT (id) DO NOTHING`), string(data), now, now)
	return err
}

// settingsVersion reads the stored settings' version: the one query a node
// makes to know whether its cache is current.
func settingsVersion(ctx context.Context, q db.Querier) (int64, error) {
	var v int64
	if err := q.GetContext(ctx, &v, `SELECT version FROM settings WHERE id = 1`); err != nil {
		return 0, fmt.Errorf("read settings version: %w", err)
	}
	return v, nil
}

// readSettings reads the stored settings with their version.
func readSettings(ctx context.Context, q db.Querier) (Settings, error) {
	var row struct {
		Version int64  `db:"version"`
		Data    string `db:"data"`
	}
	err := q.GetContext(ctx, &row, `SELECT version, data FROM settings WHERE id = 1`)
	if errors.Is(err, sql.ErrNoRows) {
		return Settings{}, fmt.Errorf("no settings stored: %w", fault.ErrNotFound)
	}
	if err != nil {
		return Settings{}, fmt.Errorf("read settings: %w", err)
	}
	var st Settings
	if err := json.Unmarshal([]byte(row.Data), &st); err != nil {
		return Settings{}, fmt.Errorf("decode settings version %d: %w", row.Version, err)
	}
	st.Version = row.Version
	return st, nil
}

// updateSettings stores st as the next version after st.Version; nothing
// changes when the stored version moved meanwhile (ErrStale).
func updateSettings(ctx context.Context, q db.Querier, st Settings, now time.Time) error {
	data, err := json.Marshal(st)
	if err != nil {
		return err
	}
	res, err := q.ExecContext(ctx, q.Rebind(`UPDATE settings SET data = ?, version = version + 1, updated_at = ?
		WHERE id = 1 AND version = ?`), string(data), now, st.Version)
	if err != nil {
		return fmt.Errorf("store settings: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("store settings: %w", err)
	}
	if n == 0 {
		return ErrStale
	}
	return nil
}
