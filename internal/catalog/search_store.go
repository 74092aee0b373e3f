package catalog

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/mallang/mallang/internal/db"
)

// writeGrams replaces the short-query index entries of product id by the
// grams of t. It runs in the transaction that writes the product's names.
func writeGrams(ctx context.Context, q db.Querier, id int64, t text) error {
	if _, err := q.ExecContext(ctx, q.Rebind(`DELETE FROM product_grams WHERE product_id = ?`), id); err != nil {
		return fmt.Errorf("clear search grams of product %d: %w", id, err)
	}
	gs := t.grams()
	for len(gs) > 0 {
		n := min(len(gs), maxParams/2)
		args := make([]any, 0, 2*n)
		for _, g := range gs[:n] {
			args = append(args, g, id)
		}
		if _, err := q.ExecContext(ctx, q.Rebind(`INSERT INTO product_grams (gram, product_id) VALUES `+
			strings.TrimSuffix(strings.Repeat("(?, ?), ", n), ", ")), args...); err != nil {
			return fmt.Errorf("write search grams of product %d: %w", id, err)
		}
		gs = gs[n:]
	}
	return nil
}

// gramMatch is the condition that product column col has the gram of a
// short query (its one argument).
func gramMatch(col string) string {
	return col + ` IN (SELECT product_id FROM product_grams WHERE gram = ?)`
}

// gramProbe is the condition, for a walk over products aliased w, that w's
// product has the gram (its one argument): one index probe per row.
const gramProbe = `EXISTS (SELECT 1 FROM product_grams g WHERE g.gram = ? AND g.product_id = w.id)`

// gramIDs selects the products whose names hold gram, up to a limit (its
// arguments).
func gramIDs(d db.Dialect) string {
	return `SELECT product_id FROM product_grams WHERE gram = ? LIMIT ` + d.OpaqueArg()
}

// countGram counts the products whose names hold gram, stopping at a limit
// (its arguments); the count includes products other conditions of a
// search would drop.
func countGram(d db.Dialect) string {
	return `SELECT COUNT(*) FROM (SELECT 1 FROM product_grams WHERE gram = ? LIMIT ` + d.OpaqueArg() + `) m`
}

// gramNeighbours returns up to limit products whose names share the most
// of grams, with how many they share, most first. It reads at most perGram
// index entries of each gram, so a common piece ("co", "초콜") costs no
// more than a rare one; the rare pieces, which tell names apart, are read
// whole.
func gramNeighbours(ctx context.Context, q db.Querier, grams []string, perGram, limit int) ([]gramHit, error) {
	arms := make([]string, len(grams))
	args := make([]any, 0, 2*len(grams)+1)
	for i, g := range grams {
		arms[i] = `SELECT product_id FROM (SELECT product_id FROM product_grams WHERE gram = ? LIMIT ` + db.OpaqueArg(q) + `) g` + strconv.Itoa(i)
		args = append(args, g, perGram)
	}
	var out []gramHit
	err := q.SelectContext(ctx, &out, q.Rebind(`SELECT product_id, COUNT(*) AS shared FROM (`+
		strings.Join(arms, " UNION ALL ")+`) hits GROUP BY product_id ORDER BY shared DESC, product_id LIMIT `+db.OpaqueArg(q)),
		append(args, limit)...)
	return out, err
}

type gramHit struct {
	ProductID int64 `db:"product_id"`
	Shared    int   `db:"shared"`
}

// listedNames returns the names of the listed products among ids, by id.
func listedNames(ctx context.Context, q db.Querier, ids []int64, hidden []int64) (map[int64]string, error) {
	var rows []struct {
		ID   int64  `db:"id"`
		Name string `db:"name"`
	}
	where := `id IN (` + db.Placeholders(len(ids)) + `) AND ` + listed
	args := db.Args(ids)
	if len(hidden) > 0 {
		where += ` AND category_id NOT IN (` + db.Placeholders(len(hidden)) + `)`
		args = append(args, db.Args(hidden)...)
	}
	if err := q.SelectContext(ctx, &rows, q.Rebind(`SELECT id, name FROM products WHERE `+where), args...); err != nil {
		return nil, err
	}
	out := make(map[int64]string, len(rows))
	for _, r := range rows {
		out[r.ID] = r.Name
	}
	return out, nil
}

type synonymRow struct {
	ID          int64     `db:"id"`
	Term        string    `db:"term"`
	Replacement string    `db:"replacement"`
	CreatedAt   time.Time `db:"created_at"`
}

func allSynonyms(ctx context.Context, q db.Querier) ([]synonymRow, error) {
	var rows []synonymRow
	err := q.SelectContext(ctx, &rows, `SELECT id, term, replacement, created_at FROM search_synonyms ORDER BY term`)
	return rows, err
}

func synonymByID(ctx context.Context, q db.Querier, id int64) (synonymRow, error) {
	var r synonymRow
	err := q.GetContext(ctx, &r, q.Rebind(`SELECT id, term, replacement, created_at FROM search_synonyms WHERE id = ?`), id)
	return r, err
}

func insertSynonym(ctx context.Context, q db.Querier, term, replacement string, now time.Time) (int64, error) {
	var id int64
	err := q.GetContext(ctx, &id, q.Rebind(`INSERT INTO search_synonyms (term, replacement, created_at, updated_at)
		VALUES (?, ?, ?, ?) RETURNING id`), term, replacement, now, now)
	return id, err
}

func deleteSynonym(ctx context.Context, q db.Querier, id int64) (bool, error) {
	res, err := q.ExecContext(ctx, q.Rebind(`DELETE FROM search_synonyms WHERE id = ?`), id)
	return db.Affected(res, err, "delete synonym %d", id)
}
