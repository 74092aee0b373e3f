package shipping

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/mallang/mallang/internal/db"
	"github.com/mallang/mallang/internal/fault"
	"github.com/mallang/mallang/internal/money"
	"github.com/mallang/mallang/internal/pricing"
)

// loadRules reads the saved rules, or returns Defaults when there are none.
func loadRules(ctx context.Context, q db.Querier) (pricing.ShippingRules, error) {
	var row struct {
		BaseFee   int64 `db:"base_fee_minor"`
		FreeOver  int64 `db:"free_over_minor"`
		PerSeller bool  `db:"per_seller"`
	}
	err := q.GetContext(ctx, &row, `SELECT base_fee_minor, free_over_minor, per_seller FROM shipping_settings WHERE id = 1`)
	if errors.Is(err, sql.ErrNoRows) {
		return Defaults(), nil
	}
	if err != nil {
		return pricing.ShippingRules{}, fmt.Errorf("read shipping settings: %w", err)
	}
	r := pricing.ShippingRules{BaseFee: row.BaseFee, FreeOver: row.FreeOver, PerSeller: row.PerSeller}
	areas, err := remoteAreas(ctx, q)
	if err != nil {
		return pricing.ShippingRules{}, err
	}
	r.Remote = areas
	return r, nil
}

// remoteAreas reads the saved remote areas in the order staff gave them.
func remoteAreas(ctx context.Context, q db.Querier) ([]pricing.RemoteArea, error) {
	var rows []struct {
		Name      string `db:"name"`
		From      string `db:"postcode_from"`
		To        string `db:"postcode_to"`
		Surcharge int64  `db:"surcharge_minor"`
	}
	err := q.SelectContext(ctx, &rows, `SELECT name, postcode_from, postcode_to, surcharge_minor
		FROM shipping_remote_areas ORDER BY position, id`)
	if err != nil {
		return nil, fmt.Errorf("read remote areas: %w", err)
	}
	out := make([]pricing.RemoteArea, 0, len(rows))
	for _, r := range rows {
		out = append(out, pricing.RemoteArea{Name: r.Name, From: r.From, To: r.To, Surcharge: r.Surcharge})
	}
	return out, nil
}

// lockSettings takes the lock of the settings row, if there is one, until
// the transaction ends.
func lockSettings(ctx context.Context, q db.Querier) error {
	if _, err := q.ExecContext(ctx, `UPDATE shipping_settings SET id = id WHERE id = 1`); err != nil {
		return fmt.Errorf("lock shipping settings: %w", err)
	}
	return nil
}

// upsertSettings writes the one settings row.
func upsertSettings(ctx context.Context, q db.Querier, r pricing.ShippingRules, now time.Time) error {
	_, err := q.ExecContext(ctx, q.Rebind(`INSERT INTO shipping_settings
		(id, base_fee_minor, free_over_minor, per_seller, currency, created_at, updated_at)
		VALUES (1, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (id) DO UPDATE SET base_fee_minor = excluded.base_fee_minor,
			free_over_minor = excluded.free_over_minor, per_seller = excluded.per_seller,
			currency = excluded.currency, updated_at = excluded.updated_at`),
		r.BaseFee, r.FreeOver, r.PerSeller, string(money.KRW), now, now)
	if err != nil {
		return fmt.Errorf("write shipping settings: %w", err)
	}
	return nil
}

// deleteRemoteAreas removes every saved remote area.
func deleteRemoteAreas(ctx context.Context, q db.Querier) error {
	if _, err := q.ExecContext(ctx, `DELETE FROM shipping_remote_areas`); err != nil {
		return fmt.Errorf("delete remote areas: %w", err)
	}
	return nil
}

// insertRemoteArea saves one remote area at position.
func insertRemoteArea(ctx context.Context, q db.Querier, position int, a pricing.RemoteArea, now time.Time) error {
	_, err := q.ExecContext(ctx, q.Rebind(`INSERT INTO shipping_remote_areas
		(position, name, postcode_from, postcode_to, surcharge_minor, created_at) VALUES (?, ?, ?, ?, ?, ?)`),
		position, a.Name, a.From, a.To, a.Surcharge, now)
	if err != nil {
		return fmt.Errorf("insert remote area %s–%s: %w", a.From, a.To, err)
	}
	return nil
}

type carrierRow struct {
	ID                  int64  `db:"id"`
	Code                string `db:"code"`
	Name                string `db:"name"`
	TrackingURLTemplate string `db:"tracking_url_template"`
	Active              bool   `db:"active"`
	Position            int    `db:"position"`
}

func (r carrierRow) carrier() Carrier { return Carrier(r) }

const selectCarrier = `SELECT id, code, name, tracking_url_template, active, position FROM carriers`

// activeCarriers reads the active carriers in display order.
func activeCarriers(ctx context.Context, q db.Querier) ([]Carrier, error) {
	var rows []carrierRow
	if err := q.SelectContext(ctx, &rows, selectCarrier+` WHERE active = TRUE ORDER BY position, id`); err != nil {
		return nil, fmt.Errorf("read carriers: %w", err)
	}
	out := make([]Carrier, 0, len(rows))
	for _, r := range rows {
		out = append(out, r.carrier())
	}
	return out, nil
}

// carrierByCode reads one carrier, active or not.
func carrierByCode(ctx context.Context, q db.Querier, code string) (Carrier, error) {
	var r carrierRow
	err := q.GetContext(ctx, &r, q.Rebind(selectCarrier+` WHERE code = ?`), code)
	if errors.Is(err, sql.ErrNoRows) {
		return Carrier{}, fmt.Errorf("carrier %q: %w", code, fault.ErrNotFound)
	}
	if err != nil {
		return Carrier{}, fmt.Errorf("read carrier %q: %w", code, err)
	}
	return r.carrier(), nil
}
