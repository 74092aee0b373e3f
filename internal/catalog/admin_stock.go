package catalog

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/mallang/mallang/internal/audit"
	"github.com/mallang/mallang/internal/db"
	"github.com/mallang/mallang/internal/fault"
)

// StockReason says why staff changed a variant's stock.
type StockReason string

// The reasons of a stock adjustment.
const (
	ReasonReceived StockReason = "received" // 입고
	ReasonDefect   StockReason = "defect"   // 불량
	ReasonCount    StockReason = "count"    // 재고실사: a stocktake's correction
	ReasonOther    StockReason = "other"    // 기타, explained in the note
)

// StockReasons are the reasons in the order forms offer them.
var StockReasons = []StockReason{ReasonReceived, ReasonDefect, ReasonCount, ReasonOther}

// Stock ledger limits.
const (
	MaxStockNote  = 200 // characters
	MaxStockDelta = 1_000_000_000
	MaxLedger     = 200 // entries StockLedger returns at most
)

// StockEntry is one line of a variant's stock ledger: a change by staff and
// the stock it left.
type StockEntry struct {
	ID         int64
	VariantID  int64
	Delta      int64
	StockAfter int64
	Reason     StockReason
	Note       string
	ActorID    int64 // 0 for the system
	ActorEmail string
	CreatedAt  time.Time
}

// StockVariant is a variant with what names it to staff, for the ledger
// page and the low-stock list.
type StockVariant struct {
	ID          int64
	ProductID   int64
	ProductName string
	Options     string // "사이즈: M / 색상: 블랙", "" without options
	SKU         string
	Stock       int64
	LowStock    int64
	Active      bool
}

// AdjustStock adds delta (negative: takes) to a variant's stock for reason,
// with a note (required for ReasonOther), in one conditional update that
// never leaves the stock below zero: taking more than there is gives
// *fault.Invalid{"delta"} and changes nothing, even against an order taking
// stock at the same moment. The change is written to the stock ledger and
// the audit log ("stock.adjusted") in the same transaction, and the
// product's listing values are refreshed. An unknown variant gives
// fault.ErrNotFound.
func (s *Service) AdjustStock(ctx context.Context, by audit.Actor, variantID, delta int64, reason StockReason, note string) (StockEntry, error) {
	note = strings.TrimSpace(note)
	inv := &fault.Invalid{}
	switch {
	case delta == 0:
		inv.Add("delta", "must not be zero")
	case delta > MaxStockDelta || delta < -MaxStockDelta:
		inv.Add("delta", "is too large")
	}
	if !slices.Contains(StockReasons, reason) {
		inv.Add("reason", "must be received, defect, count or other")
	}
	switch {
	case reason == ReasonOther && note == "":
		inv.Add("note", "is required")
	case utf8.RuneCountInString(note) > MaxStockNote:
		inv.Add("note", fmt.Sprintf("must be at most %d characters", MaxStockNote))
	}
	if err := inv.Err(); err != nil {
		return StockEntry{}, err
	}
	now := s.now().UTC().Truncate(time.Microsecond)
	e := StockEntry{VariantID: variantID, Delta: delta, Reason: reason, Note: note, ActorID: by.UserID, ActorEmail: by.Email, CreatedAt: now}
	err := s.db.InTx(ctx, func(q db.Querier) error {
		productID, after, err := addStock(ctx, q, variantID, delta, now)
		if errors.Is(err, errBelowZero) {
			return &fault.Invalid{Fields: map[string]string{"delta": "would take the stock below zero"}}
		}
		if err != nil {
			return err
		}
		e.StockAfter = after
		if err := insertLedger(ctx, q, e); err != nil {
			return err
		}
		if err := s.refreshed(ctx, q, productID, now); err != nil {
			return err
		}
		return s.audited(ctx, q, by, "stock.adjusted", "variant", variantID, map[string]any{
			"delta": delta, "stock": after, "reason": string(reason), "note": note})
	})
	if err != nil {
		return StockEntry{}, s.adminErr(err, fmt.Sprintf("adjust stock of variant %d", variantID))
	}
	s.changed()
	return e, nil
}

// StockLedger returns variant variantID and its latest ledger entries,
// newest first (at most MaxLedger); fault.ErrNotFound for an unknown
// variant.
func (s *Service) StockLedger(ctx context.Context, variantID int64) (StockVariant, []StockEntry, error) {
	q := s.db.Read()
	vs, err := stockVariants(ctx, q, "v.id = ?", []any{variantID}, 1, 0)
	if err != nil {
		return StockVariant{}, nil, fmt.Errorf("stock ledger of variant %d: %w", variantID, err)
	}
	if len(vs) == 0 {
		return StockVariant{}, nil, fmt.Errorf("variant %d: %w", variantID, fault.ErrNotFound)
	}
	es, err := ledger(ctx, q, variantID, MaxLedger)
	if err != nil {
		return StockVariant{}, nil, fmt.Errorf("stock ledger of variant %d: %w", variantID, err)
	}
	return vs[0], es, nil
}

// lowStockWhere selects the variants LowStock lists and CountLowStock
// counts.
const lowStockWhere = `v.active = TRUE AND v.stock <= v.low_stock AND p.deleted_at IS NULL AND p.status <> 'archived'`

// LowStock returns up to limit active variants after the first offset, of
// products that are not deleted or hidden, whose stock is at or below their
// low-stock threshold (a threshold of 0 lists those sold out), the emptiest
// first. *fault.Invalid names "limit" (1 to MaxLedger) or "offset" (not
// negative).
func (s *Service) LowStock(ctx context.Context, limit, offset int) ([]StockVariant, error) {
	v := &fault.Invalid{}
	if limit < 1 || limit > MaxLedger {
		v.Add("limit", fmt.Sprintf("must be from 1 to %d", MaxLedger))
	}
	if offset < 0 {
		v.Add("offset", "must not be negative")
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	vs, err := stockVariants(ctx, s.db.Read(), lowStockWhere, nil, limit, offset)
	if err != nil {
		return nil, fmt.Errorf("low stock: %w", err)
	}
	return vs, nil
}

// CountLowStock returns how many variants LowStock lists in all.
func (s *Service) CountLowStock(ctx context.Context) (int, error) {
	n, err := countStockVariants(ctx, s.db.Read(), lowStockWhere, nil)
	if err != nil {
		return 0, fmt.Errorf("count low stock: %w", err)
	}
	return n, nil
}

// RecordStock writes entries to the stock ledger on q, the transaction of
// the stock change they record: a writer outside the catalog that sets
// stock itself (the bulk import) keeps the ledger whole this way. Each
// entry names its variant, delta, stock after, reason, actor and time.
func (s *Service) RecordStock(ctx context.Context, q db.Querier, entries []StockEntry) error {
	for _, e := range entries {
		if !slices.Contains(StockReasons, e.Reason) {
			return fmt.Errorf("record stock of variant %d: unknown reason %q", e.VariantID, e.Reason)
		}
	}
	return insertLedgerEntries(ctx, q, entries)
}
