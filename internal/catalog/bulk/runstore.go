package bulk

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/mallang/mallang/internal/db"
	"github.com/mallang/mallang/internal/fault"
)

// runRow is a row of catalog_import_runs.
type runRow struct {
	ID         string         `db:"id"`
	Key        sql.NullString `db:"request_key"`
	FileName   string         `db:"file_name"`
	DryRun     bool           `db:"dry_run"`
	Partial    bool           `db:"partial"`
	ActorID    sql.NullInt64  `db:"actor_id"`
	ActorEmail string         `db:"actor_email"`
	Phase      string         `db:"phase"`
	DoneRows   int            `db:"done_rows"`
	TotalRows  int            `db:"total_rows"`
	HasFile    bool           `db:"has_file"`
	Report     sql.NullString `db:"report"`
	ErrorKind  string         `db:"error_kind"`
	StartedAt  time.Time      `db:"started_at"`
	FinishedAt sql.NullTime   `db:"finished_at"`
	UpdatedAt  time.Time      `db:"updated_at"`
}

const runColumns = `id, request_key, file_name, dry_run, partial, actor_id, actor_email, phase, done_rows,
	total_rows, file IS NOT NULL AS has_file, report, error_kind, started_at, finished_at, updated_at`

// insertRun adds a running run; a taken request key is a unique violation.
func insertRun(ctx context.Context, q db.Querier, r runRow, file []byte, now time.Time) error {
	_, err := q.ExecContext(ctx, q.Rebind(`INSERT INTO catalog_import_runs (id, request_key, file_name, dry_run,
			partial, actor_id, actor_email, phase, done_rows, total_rows, file, started_at, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?, ?, ?)`),
		r.ID, r.Key, r.FileName, r.DryRun, r.Partial, r.ActorID, r.ActorEmail, r.Phase, r.TotalRows, file,
		r.StartedAt, now, now)
	return err
}

// runByID returns run id, or fault.ErrNotFound.
func runByID(ctx context.Context, q db.Querier, id string) (runRow, error) {
	var r runRow
	err := q.GetContext(ctx, &r, q.Rebind(`SELECT `+runColumns+` FROM catalog_import_runs WHERE id = ?`), id)
	if errors.Is(err, sql.ErrNoRows) {
		return runRow{}, fmt.Errorf("import run %q: %w", id, fault.ErrNotFound)
	}
	if err != nil {
		return runRow{}, fmt.Errorf("import run %q: %w", id, err)
	}
	return r, nil
}

// runIDByKey returns the id of the run started with request key key.
func runIDByKey(ctx context.Context, q db.Querier, key string) (string, error) {
	var id string
	if err := q.GetContext(ctx, &id, q.Rebind(`SELECT id FROM catalog_import_runs WHERE request_key = ?`), key); err != nil {
		return "", fmt.Errorf("import run of key: %w", err)
	}
	return id, nil
}

// runFile returns the kept file of finished dry run id, or
// fault.ErrNotFound when there is none (not a dry run, not finished, failed
// or its file dropped).
func runFile(ctx context.Context, q db.Querier, id string) ([]byte, runRow, error) {
	r, err := runByID(ctx, q, id)
	if err != nil {
		return nil, runRow{}, err
	}
	var file []byte
	if r.DryRun && r.FinishedAt.Valid && r.ErrorKind == "" && r.HasFile {
		err = q.GetContext(ctx, &file, q.Rebind(`SELECT file FROM catalog_import_runs WHERE id = ? AND file IS NOT NULL`), id)
	}
	if errors.Is(err, sql.ErrNoRows) || (err == nil && file == nil) {
		return nil, runRow{}, fmt.Errorf("dry run %q to apply: %w", id, fault.ErrNotFound)
	}
	if err != nil {
		return nil, runRow{}, fmt.Errorf("file of dry run %q: %w", id, err)
	}
	return file, r, nil
}

// updateProgress stores how far unfinished run id has come; it is the
// running node's heartbeat too.
func updateProgress(ctx context.Context, q db.Querier, id string, p Progress, now time.Time) error {
	_, err := q.ExecContext(ctx, q.Rebind(`UPDATE catalog_import_runs SET phase = ?, done_rows = ?, total_rows = ?,
		updated_at = ? WHERE id = ? AND finished_at IS NULL`), string(p.Phase), p.Done, p.Total, now, id)
	return err
}

// finishRun stores the outcome of run id: its report as JSON, or the kind
// of its failure.
func finishRun(ctx context.Context, q db.Querier, id string, p Progress, report []byte, errKind string, now time.Time) error {
	var rep sql.NullString
	if report != nil {
		rep = sql.NullString{String: string(report), Valid: true}
	}
	_, err := q.ExecContext(ctx, q.Rebind(`UPDATE catalog_import_runs SET phase = ?, done_rows = ?, total_rows = ?,
		report = ?, error_kind = ?, finished_at = ?, updated_at = ? WHERE id = ?`),
		string(p.Phase), p.Done, p.Total, rep, errKind, now, now, id)
	if err != nil {
		return fmt.Errorf("finish import run %q: %w", id, err)
	}
	return nil
}

// pruneRuns deletes the runs started before before and drops the files of
// all but the latest keep dry runs.
func pruneRuns(ctx context.Context, q db.Querier, before time.Time, keep int) error {
	if _, err := q.ExecContext(ctx, q.Rebind(`DELETE FROM catalog_import_runs WHERE started_at < ?`), before); err != nil {
		return fmt.Errorf("prune import runs: %w", err)
	}
	_, err := q.ExecContext(ctx, q.Rebind(`UPDATE catalog_import_runs SET file = NULL WHERE file IS NOT NULL
		AND id NOT IN (SELECT id FROM catalog_import_runs WHERE file IS NOT NULL ORDER BY started_at DESC, id LIMIT ?)`), keep)
	if err != nil {
		return fmt.Errorf("drop files of old dry runs: %w", err)
	}
	return nil
}
