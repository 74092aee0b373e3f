-- Shipment uploads (송장 일괄등록, see docs/decisions/0063-shipment-upload.md):
-- the rows of a courier's file a staff member previewed, kept here until
-- they apply it, so the apply ships exactly what the preview checked and
-- the browser never sends the rows back. file_rows is the parsed file as JSON
-- ([{row, number, carrier, tracking}]); applied_at is set once by the one
-- apply that claims the upload, and report is its per-row report as JSON
-- (NULL while it runs, or when it stopped before the end). Uploads older
-- than a day are deleted when the next one is previewed.
-- +goose Up
CREATE TABLE shipment_uploads (
    id TEXT PRIMARY KEY,
    staff_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    file_name TEXT NOT NULL DEFAULT '',
    file_rows TEXT NOT NULL,
    report TEXT,
    applied_at {{TIME}},
    created_at {{TIME}} NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE INDEX shipment_uploads_created ON shipment_uploads (created_at);

-- +goose Down
DROP TABLE shipment_uploads;
