// Package paymenttest gives tests of payments, and of what builds on them,
// the two dependencies of the payment service the app takes from packages
// a payment test should not start: a sync queue whose jobs the test works
// itself, where the app has the job queue (internal/jobs), and customers
// read from the users table, where the app asks the account service.
package paymenttest

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/mallang/mallang/internal/account"
	"github.com/mallang/mallang/internal/db"
	"github.com/mallang/mallang/internal/fake"
	"github.com/mallang/mallang/internal/fault"
	"github.com/mallang/mallang/internal/payment"
)

// Queue is a payment.SyncQueue that keeps the attempts it is asked to sync
// until the test works them with Run (fake.IDs: an attempt is kept at
// once, not when the caller's transaction commits, so a test sees what a
// webhook asked for even when its transaction rolled back). The zero value
// is ready.
type Queue struct {
	fake.IDs
	// Receipts keeps the cash receipts the cash_receipt job is asked to
	// settle, for RunReceipts.
	Receipts fake.IDs
}

// EnqueueCashReceipt keeps receiptID for RunReceipts.
func (qu *Queue) EnqueueCashReceipt(_ context.Context, _ db.Querier, receiptID int64) error {
	qu.Receipts.Add(receiptID)
	return nil
}

// RunReceipts works the cash_receipt jobs waiting, oldest first, through s
// as the job does, stopping at the first error.
func (qu *Queue) RunReceipts(ctx context.Context, s *payment.Service) error {
	return qu.Receipts.Run(ctx, func(ctx context.Context, id int64) error {
		if err := s.SettleCashReceipt(ctx, id); err != nil {
			return fmt.Errorf("settle cash receipt %d: %w", id, err)
		}
		return nil
	})
}

// EnqueuePaymentSync keeps attemptID for Run.
func (qu *Queue) EnqueuePaymentSync(_ context.Context, _ db.Querier, attemptID int64) error {
	qu.Add(attemptID)
	return nil
}

// Run works the jobs waiting, oldest first, through s as the payment_sync
// job does. It stops at the first error, leaving that job and the later
// ones waiting.
func (qu *Queue) Run(ctx context.Context, s *payment.Service) error {
	return qu.IDs.Run(ctx, func(ctx context.Context, id int64) error {
		if err := s.SyncAttempt(ctx, id); err != nil {
			return fmt.Errorf("sync payment %d: %w", id, err)
		}
		return nil
	})
}

// Contacts is a payment.Customers that reads a customer's email and name
// from the users table of D.
type Contacts struct{ D *db.DB }

// Contact returns the email and name of user userID, read on q, or
// fault.ErrNotFound.
func (c Contacts) Contact(ctx context.Context, q db.Querier, userID int64) (email, name string, err error) {
	err = q.QueryRowxContext(ctx, q.Rebind(`SELECT email, name FROM users WHERE id = ?`), userID).Scan(&email, &name)
	if errors.Is(err, sql.ErrNoRows) {
		return "", "", fmt.Errorf("user %d: %w", userID, fault.ErrNotFound)
	}
	if err != nil {
		return "", "", fmt.Errorf("user %d: %w", userID, err)
	}
	return email, name, nil
}

// Standing returns the *account.BlockedError of a customer staff blocked,
// read on q, and nil otherwise: a checkout.Customers.
func (c Contacts) Standing(ctx context.Context, q db.Querier, userID int64) error {
	var blocked struct {
		At     sql.NullTime `db:"blocked_at"`
		Reason string       `db:"blocked_reason"`
	}
	err := q.GetContext(ctx, &blocked, q.Rebind(`SELECT blocked_at, blocked_reason FROM users WHERE id = ?`), userID)
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("user %d: %w", userID, fault.ErrNotFound)
	}
	if err != nil {
		return fmt.Errorf("user %d: %w", userID, err)
	}
	if blocked.At.Valid {
		return &account.BlockedError{UserID: userID, Reason: blocked.Reason}
	}
	return nil
}
