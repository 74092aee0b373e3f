-- Catalog import runs (see docs/decisions/0050-import-runs.md): an import
-- started in the back office runs in the background of the node that got
-- the upload, and its progress and report live here, so any node, and the
-- shop after a restart, shows them.
--
-- request_key is the upload form's one-time key (or "apply:" and the dry
-- run's id): a form sent twice finds the run the first one started.
-- file is the uploaded file of a dry run, kept so it can be applied
-- without another upload (only the latest few; NULL once dropped).
-- report is the finished run's report as JSON; error_kind says why a run
-- failed ("file", "invalid" or "internal"). A run not finished whose
-- updated_at (the running node's heartbeat) is old was interrupted.
-- +goose Up
CREATE TABLE catalog_import_runs (
    id TEXT PRIMARY KEY,
    request_key TEXT,
    file_name TEXT NOT NULL DEFAULT '',
    dry_run BOOLEAN NOT NULL,
    partial BOOLEAN NOT NULL,
    actor_id BIGINT REFERENCES users (id) ON DELETE SET NULL,
    actor_email TEXT NOT NULL DEFAULT '',
    phase TEXT NOT NULL CHECK (phase IN ('read', 'check', 'write', 'done')),
    done_rows INTEGER NOT NULL DEFAULT 0,
    total_rows INTEGER NOT NULL DEFAULT 0,
    file {{BYTES}},
    report TEXT,
    error_kind TEXT NOT NULL DEFAULT '',
    started_at {{TIME}} NOT NULL,
    finished_at {{TIME}},
    created_at {{TIME}} NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at {{TIME}} NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE UNIQUE INDEX catalog_import_runs_key ON catalog_import_runs (request_key);
CREATE INDEX catalog_import_runs_started ON catalog_import_runs (started_at);

-- +goose Down
DROP TABLE catalog_import_runs;
