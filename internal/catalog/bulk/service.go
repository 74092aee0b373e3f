package bulk

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"time"

	"github.com/mallang/mallang/internal/audit"
	"github.com/mallang/mallang/internal/catalog"
	"github.com/mallang/mallang/internal/db"
	"github.com/mallang/mallang/internal/fault"
	"github.com/mallang/mallang/internal/sheet"
)

// Catalog is what the import needs of the catalog (*catalog.Service): the
// category tree, the house seller new products belong to, the recomputing of what products keep from their
// variants and the stock ledger's entries, inside the import's
// transaction, and the word that stock changed, after it.
type Catalog interface {
	Categories(ctx context.Context) ([]*catalog.Category, error)
	House(ctx context.Context, q db.Querier) (int64, error)
	Refresh(ctx context.Context, q db.Querier, productIDs []int64, text bool) error
	RecordStock(ctx context.Context, q db.Querier, entries []catalog.StockEntry) error
	StockChanged()
}

// Audit records an import in its transaction and an export on its own
// (*audit.Log).
type Audit interface {
	Record(ctx context.Context, q db.Querier, e audit.Entry) error
	RecordAlone(ctx context.Context, e audit.Entry) error
}

// Phase is the step an import is at.
type Phase string

// The phases of an import, in order.
const (
	PhaseRead  Phase = "read"  // reading the file
	PhaseCheck Phase = "check" // checking the rows
	PhaseWrite Phase = "write" // writing the changes
	PhaseDone  Phase = "done"
)

// Progress is how far an import has come: Done of Total rows in Phase.
type Progress struct {
	Phase       Phase
	Done, Total int
}

// Service exports and imports the catalog. It is safe for concurrent use.
type Service struct {
	d     *db.DB
	cat   Catalog
	audit Audit
	now   func() time.Time
	log   *slog.Logger

	mu   sync.Mutex        // guards runs and their progress
	runs map[string]*local // the runs working on this node
}

// NewService returns the bulk service on d. Every dependency is required.
func NewService(d *db.DB, cat Catalog, a Audit, now func() time.Time, log *slog.Logger) *Service {
	if d == nil || cat == nil || a == nil || now == nil || log == nil {
		panic("bulk: NewService without every dependency")
	}
	return &Service{d: d, cat: cat, audit: a, now: now, log: log, runs: map[string]*local{}}
}

// Import reads file (CSV or .xlsx, told by its content) and applies it as
// opt says, as actor by; progress, when not nil, hears how far it has come.
// The report lists every rejected row. A run that applies writes all of its
// changes and one "catalog.imported" audit entry in one transaction: a
// failure half-way writes nothing. A file that cannot be read at all is a
// *FileError (a *fault.Invalid on "file").
func (s *Service) Import(ctx context.Context, by audit.Actor, file []byte, opt Options, progress func(Progress)) (Report, error) {
	if progress == nil {
		progress = func(Progress) {}
	}
	progress(Progress{Phase: PhaseRead})
	sh, err := read(file)
	if err != nil {
		return Report{}, err
	}
	return s.importSheet(ctx, by, sh, opt, progress, nil)
}

// importSheet imports sh. stored, when not nil, is called with the report
// inside the transaction of a run that applies, so a run's record commits
// with its changes.
func (s *Service) importSheet(ctx context.Context, by audit.Actor, sh *sheet.File, opt Options, progress func(Progress),
	stored func(q db.Querier, rep Report) error) (Report, error) {
	roots, err := s.cat.Categories(ctx)
	if err != nil {
		return Report{}, fmt.Errorf("import: %w", err)
	}
	cats := newCategories(roots)
	finish := func(r *Report) {
		r.DryRun, r.Partial = opt.DryRun, opt.Partial
		progress(Progress{Phase: PhaseDone, Done: r.Rows, Total: r.Rows})
	}
	if opt.DryRun {
		p, err := makePlan(ctx, s.d.Read(), sh, cats, progress)
		if err != nil {
			return Report{}, importErr(err)
		}
		finish(&p.report)
		return p.report, nil
	}
	// An applying run plans inside its transaction, so what it reports as
	// before is what it overwrote.
	var rep Report
	errRejected := errors.New("rows rejected")
	err = s.d.InTx(ctx, func(q db.Querier) error {
		p, err := makePlan(ctx, q, sh, cats, progress)
		if err != nil {
			return err
		}
		rep = p.report
		if rep.Rejected > 0 && !opt.Partial {
			return errRejected
		}
		if err := s.apply(ctx, db.PrepareOnce(q), p, by, progress); err != nil {
			return err
		}
		rep.Applied = true
		detail := map[string]any{"format": string(rep.Format), "rows": rep.Rows, "created": rep.Created,
			"updated": rep.Updated, "unchanged": rep.Unchanged, "rejected": rep.Rejected,
			"products_created": rep.ProductsCreated, "products_updated": rep.ProductsUpdated, "partial": opt.Partial}
		if opt.FileName != "" {
			detail["file"] = opt.FileName
		}
		if err := s.audit.Record(ctx, q, by.Entry("catalog.imported", "catalog", "", detail)); err != nil {
			return err
		}
		if stored == nil {
			return nil
		}
		done := rep
		done.DryRun, done.Partial = opt.DryRun, opt.Partial
		return stored(q, done)
	})
	if errors.Is(err, errRejected) {
		finish(&rep)
		return rep, nil
	}
	if err != nil {
		return Report{}, importErr(err)
	}
	s.cat.StockChanged()
	finish(&rep)
	s.log.InfoContext(ctx, "catalog imported", "rows", rep.Rows, "created", rep.Created, "updated", rep.Updated,
		"rejected", rep.Rejected, "actor_id", by.UserID)
	return rep, nil
}

// stockNote explains, in the stock ledger, a change of stock an import
// made.
const stockNote = "상품 일괄 등록(엑셀/CSV)으로 재고 변경"

func importErr(err error) error {
	var fe *FileError
	if errors.As(err, &fe) {
		return err
	}
	if _, ok := fault.AsInvalid(err); ok {
		return err
	}
	return fmt.Errorf("import catalog: %w", err)
}

// apply writes the plan on q, the import's transaction.
//
// Stock is set to the sheet's absolute count, and each variant whose stock
// changes gets a stock ledger entry (a stocktake's correction, by the
// staff member who imported) in this transaction; a new variant's first
// stock is its creation, as in the back office's product form.
func (s *Service) apply(ctx context.Context, q db.Querier, p *plan, by audit.Actor, progress func(Progress)) error {
	now := s.now().UTC().Truncate(time.Microsecond)
	total, done := len(p.report.Changes), 0
	step := func(n int) {
		before := done / 500
		done += n
		if done/500 != before {
			progress(Progress{Phase: PhaseWrite, Done: done, Total: total})
		}
	}
	var fresh []int64
	var adds []newVariant
	if len(p.newProducts) > 0 {
		seller, err := s.cat.House(ctx, q)
		if err != nil {
			return err
		}
		for _, np := range p.newProducts {
			first := np.rows[0]
			if first.typ == "" {
				first.typ = catalog.Physical
			}
			if first.status == "" {
				first.status = catalog.Active
			}
			id, err := insertProduct(ctx, q, seller, first, now)
			if err != nil {
				return err
			}
			fresh = append(fresh, id)
			for i, n := range first.optNames {
				if n == "" {
					break
				}
				if err := insertOption(ctx, q, id, i+1, n, now); err != nil {
					return err
				}
			}
			for i, it := range np.rows {
				adds = append(adds, newVariant{productID: id, position: i + 1, it: it})
			}
		}
	}
	for _, a := range p.addVariants {
		adds = append(adds, newVariant{productID: a.productID, position: a.position, it: a.it})
	}
	for part := range slices.Chunk(adds, variantBatch) {
		if err := insertVariants(ctx, q, part, now); err != nil {
			if s.d.Dialect.IsUniqueViolation(err) {
				return fmt.Errorf("a SKU was taken during the import: %w", fault.ErrConflict)
			}
			return err
		}
		step(len(part))
	}
	for _, pr := range p.productUpdates {
		if err := updateProduct(ctx, q, pr, now); err != nil {
			return err
		}
	}
	for part := range slices.Chunk(p.variantUpdates, variantBatch) {
		if err := updateVariants(ctx, q, part, now); err != nil {
			return err
		}
		step(len(part))
	}
	for i := range p.stockMoves {
		e := &p.stockMoves[i]
		e.Note, e.ActorID, e.ActorEmail, e.CreatedAt = stockNote, by.UserID, by.Email, now
	}
	if err := s.cat.RecordStock(ctx, q, p.stockMoves); err != nil {
		return err
	}
	if err := s.cat.Refresh(ctx, q, fresh, true); err != nil {
		return err
	}
	var renamed, other []int64
	for _, id := range sortedKeys(p.touched) {
		if p.renamed[id] {
			renamed = append(renamed, id)
		} else {
			other = append(other, id)
		}
	}
	if err := s.cat.Refresh(ctx, q, renamed, true); err != nil {
		return err
	}
	return s.cat.Refresh(ctx, q, other, false)
}
