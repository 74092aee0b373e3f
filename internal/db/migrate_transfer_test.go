package db_test

import (
	"context"
	"testing"

	"github.com/mallang/mallang/internal/db/dbtest"
)

// Migration 00023 closes the bank transfers that the race of concurrent
// starts left awaited (all but an order's first, and any on a paid order),
// keeps virtual accounts, and then refuses a second awaited transfer.
func TestMigrationClosesExtraTransfers(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	d := dbtest.New(t)
	if err := d.MigrateDownTo(ctx, 22); err != nil {
		t.Fatal(err)
	}
	q := d.Write()
	var user int64
	if err := q.QueryRowxContext(ctx, q.Rebind(`INSERT INTO users (email) VALUES (?) RETURNING id`), "buyer@example.com").Scan(&user); err != nil {
		t.Fatal(err)
	}
	order := func(number, status string) int64 {
		t.Helper()
		var id int64
		err := q.QueryRowxContext(ctx, q.Rebind(`INSERT INTO orders (number, user_id, status, channel, idempotency_key,
			payment_method, subtotal_minor, total_minor, breakdown) VALUES (?, ?, ?, 'pc_web', ?, 'bank_transfer', 20000, 20000, '{}')
			RETURNING id`), number, user, status, "key-"+number).Scan(&id)
		if err != nil {
			t.Fatal(err)
		}
		return id
	}
	attempt := func(orderID int64, ref, provider, status string) int64 {
		t.Helper()
		var id int64
		err := q.QueryRowxContext(ctx, q.Rebind(`INSERT INTO payment_attempts (order_id, provider, reference, status,
			amount_minor, charge_currency, charge_minor) VALUES (?, ?, ?, ?, 20000, 'KRW', 20000) RETURNING id`),
			orderID, provider, ref, status).Scan(&id)
		if err != nil {
			t.Fatal(err)
		}
		return id
	}
	raced := order("20261130-AAAAAAAA", "awaiting_deposit")
	first := attempt(raced, "20261130-AAAAAAAA-1", "bank_transfer", "awaiting_deposit")
	second := attempt(raced, "20261130-AAAAAAAA-2", "bank_transfer", "awaiting_deposit")
	third := attempt(raced, "20261130-AAAAAAAA-3", "bank_transfer", "awaiting_deposit")
	paid := order("20261130-BBBBBBBB", "paid")
	card := attempt(paid, "20261130-BBBBBBBB-1", "toss", "paid")
	stale := attempt(paid, "20261130-BBBBBBBB-2", "bank_transfer", "awaiting_deposit")
	mixed := order("20261130-CCCCCCCC", "awaiting_deposit")
	virtual := attempt(mixed, "20261130-CCCCCCCC-1", "toss", "awaiting_deposit")
	transfer := attempt(mixed, "20261130-CCCCCCCC-2", "bank_transfer", "awaiting_deposit")

	if _, err := d.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	want := map[int64][2]string{
		first: {"awaiting_deposit", ""}, second: {"failed", "DUPLICATE_TRANSFER"}, third: {"failed", "DUPLICATE_TRANSFER"},
		card: {"paid", ""}, stale: {"failed", "ORDER_PAID"},
		virtual: {"awaiting_deposit", ""}, transfer: {"awaiting_deposit", ""},
	}
	for id, w := range want {
		var got struct {
			Status string `db:"status"`
			Code   string `db:"failure_code"`
		}
		if err := d.Read().GetContext(ctx, &got, d.Read().Rebind(`SELECT status, failure_code FROM payment_attempts WHERE id = ?`), id); err != nil {
			t.Fatal(err)
		}
		if got.Status != w[0] || got.Code != w[1] {
			t.Errorf("attempt %d = %s %q, want %s %q", id, got.Status, got.Code, w[0], w[1])
		}
	}
	_, err := q.ExecContext(ctx, q.Rebind(`INSERT INTO payment_attempts (order_id, provider, reference, status,
		amount_minor, charge_currency, charge_minor) VALUES (?, 'bank_transfer', '20261130-AAAAAAAA-4', 'awaiting_deposit', 20000, 'KRW', 20000)`), raced)
	if !d.Dialect.IsUniqueViolation(err) {
		t.Errorf("a second awaited transfer = %v, want a unique violation", err)
	}
	// Another provider's deposit awaited beside the transfer is allowed.
	if _, err := q.ExecContext(ctx, q.Rebind(`INSERT INTO payment_attempts (order_id, provider, reference, status,
		amount_minor, charge_currency, charge_minor) VALUES (?, 'portone', '20261130-AAAAAAAA-5', 'awaiting_deposit', 20000, 'KRW', 20000)`), raced); err != nil {
		t.Errorf("a virtual account beside the transfer: %v", err)
	}
}
