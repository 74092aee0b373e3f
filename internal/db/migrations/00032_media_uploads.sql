-- Uploads from the back office (see docs/decisions/0044-uploads-and-body-limits.md):
-- every object staff upload (product images, images in rich text) is
-- recorded here by its media key, so that a job can delete, after a day's
-- grace, the objects nothing refers to any more. Objects stored any other
-- way (return photos, seeds) are never listed here and never deleted.
-- +goose Up
CREATE TABLE media_uploads (
    id {{ID}},
    blob_key TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('product', 'editor')),
    uploaded_by BIGINT REFERENCES users (id) ON DELETE SET NULL,
    created_at {{TIME}} NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at {{TIME}} NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE UNIQUE INDEX media_uploads_key ON media_uploads (blob_key);
CREATE INDEX media_uploads_created ON media_uploads (created_at, id);

-- +goose Down
DROP TABLE media_uploads;
