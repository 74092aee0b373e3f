package media

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"time"

	"github.com/mallang/mallang/internal/audit"
	"github.com/mallang/mallang/internal/db"
)

// Kind says what an upload was for; it picks the key's prefix.
type Kind string

// Kinds of upload.
const (
	KindProduct Kind = "product" // a product image (catalog), under "products/"
	KindEditor  Kind = "editor"  // an image in staff-written rich text, under "editor/"
)

// Prefix is the key prefix of uploads of kind k.
func (k Kind) Prefix() string {
	if k == KindProduct {
		return "products"
	}
	return "editor"
}

// Grace is how long an upload nothing refers to is kept: long enough for
// staff to finish the form the image was uploaded from.
const Grace = 24 * time.Hour

// Referrer is a package that stores media keys or staff HTML with media
// URLs (catalog: product images and descriptions). InUse returns those of
// keys it refers to; an upload no Referrer names is deleted after Grace.
type Referrer interface {
	InUse(ctx context.Context, keys []string) ([]string, error)
}

// Audit records a change in the transaction that makes it (*audit.Log).
type Audit interface {
	Record(ctx context.Context, q db.Querier, e audit.Entry) error
}

// Uploads records what staff upload and deletes what nothing refers to
// after Grace. Only objects recorded here are ever deleted, so return
// photos, seeds and anything else in the bucket are safe. It is safe for
// concurrent use.
type Uploads struct {
	db    *db.DB
	store *Store
	audit Audit
	now   func() time.Time
	log   *slog.Logger
	refs  []Referrer
}

// NewUploads returns the uploads of store recorded in d. refs are every
// package that refers to uploads; one left out would see its images
// deleted, so app passes them all.
func NewUploads(d *db.DB, store *Store, a Audit, now func() time.Time, log *slog.Logger, refs ...Referrer) *Uploads {
	if len(refs) == 0 {
		panic("media: NewUploads without a referrer would delete every upload")
	}
	return &Uploads{db: d, store: store, audit: a, now: now, log: log, refs: refs}
}

// Record notes, in the caller's transaction q, that key was uploaded now by
// user by (0: nobody known). Recording a key again starts its grace period
// again, so a fresh upload of old bytes is not swept from under its form.
func (u *Uploads) Record(ctx context.Context, q db.Querier, key string, kind Kind, by int64) error {
	now := u.now().UTC()
	var byArg any
	if by != 0 {
		byArg = by
	}
	_, err := q.ExecContext(ctx, q.Rebind(`INSERT INTO media_uploads (blob_key, kind, uploaded_by, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (blob_key) DO UPDATE SET created_at = excluded.created_at, updated_at = excluded.updated_at`),
		key, string(kind), byArg, now, now)
	if err != nil {
		return fmt.Errorf("record upload %s: %w", key, err)
	}
	return nil
}

// PutNew stores st under key unless an object is there already (the same
// bytes: keys come from the content) and reports whether it wrote one, so
// a caller whose transaction then fails removes only what it added.
func (s *Store) PutNew(ctx context.Context, key string, st *Staged) (bool, error) {
	ok, err := s.Exists(ctx, key)
	if err != nil {
		return false, err
	}
	if ok {
		return false, nil
	}
	return true, s.PutStaged(ctx, key, st)
}

// EditorImage stores a staged image for rich text (a description, a page)
// and returns its URL (URLPrefix + key), recording and auditing the upload
// for staff member by. Until saved HTML refers to the URL, the image is
// deleted after Grace.
func (u *Uploads) EditorImage(ctx context.Context, by audit.Actor, st *Staged) (string, error) {
	key := st.Key(KindEditor.Prefix())
	added, err := u.store.PutNew(ctx, key, st)
	if err != nil {
		return "", fmt.Errorf("upload editor image: %w", err)
	}
	err = u.db.InTx(ctx, func(q db.Querier) error {
		if err := u.Record(ctx, q, key, KindEditor, by.UserID); err != nil {
			return err
		}
		return u.audit.Record(ctx, q, by.Entry("media.upload", "media", key,
			map[string]any{"kind": string(KindEditor), "bytes": st.Size, "content_type": st.ContentType}))
	})
	if err != nil {
		if added {
			err = errors.Join(err, u.store.Delete(context.WithoutCancel(ctx), key))
		}
		return "", fmt.Errorf("upload editor image: %w", err)
	}
	return URLPrefix + key, nil
}

// sweepBatch is how many uploads Sweep looks at per query.
const sweepBatch = 200

type uploadRow struct {
	ID  int64  `db:"id"`
	Key string `db:"blob_key"`
}

// Sweep deletes the uploads older than Grace that no Referrer names: the
// object, its thumbnails and its row, and returns how many. It is a
// jobs.Pruner, run hourly. A row is deleted first, only if it is still
// older than Grace (not uploaded again meanwhile), then its objects.
func (u *Uploads) Sweep(ctx context.Context) (int64, error) {
	cutoff := u.now().UTC().Add(-Grace)
	var n int64
	var after int64
	for {
		var rows []uploadRow
		err := u.db.Read().SelectContext(ctx, &rows, u.db.Read().Rebind(`SELECT id, blob_key FROM media_uploads
			WHERE created_at < ? AND id > ? ORDER BY id LIMIT ?`), cutoff, after, sweepBatch)
		if err != nil {
			return n, fmt.Errorf("sweep uploads: %w", err)
		}
		if len(rows) == 0 {
			return n, nil
		}
		after = rows[len(rows)-1].ID
		keys := make([]string, len(rows))
		for i, r := range rows {
			keys[i] = r.Key
		}
		used := map[string]bool{}
		for _, ref := range u.refs {
			in, err := ref.InUse(ctx, keys)
			if err != nil {
				return n, fmt.Errorf("sweep uploads: %w", err)
			}
			for _, k := range in {
				used[k] = true
			}
		}
		for _, r := range rows {
			if used[r.Key] {
				continue
			}
			gone, err := u.forget(ctx, r.ID, cutoff)
			if err != nil {
				return n, err
			}
			if !gone {
				continue
			}
			if err := u.remove(ctx, r.Key); err != nil {
				return n, err
			}
			n++
			u.log.InfoContext(ctx, "deleted unused upload", "key", r.Key, "upload_id", strconv.FormatInt(r.ID, 10))
		}
	}
}

// forget deletes upload id if it is still older than cutoff.
func (u *Uploads) forget(ctx context.Context, id int64, cutoff time.Time) (bool, error) {
	w := u.db.Write()
	res, err := w.ExecContext(ctx, w.Rebind(`DELETE FROM media_uploads WHERE id = ? AND created_at < ?`), id, cutoff)
	if err != nil {
		return false, fmt.Errorf("forget upload %d: %w", id, err)
	}
	m, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("forget upload %d: %w", id, err)
	}
	return m == 1, nil
}

// remove deletes key and its thumbnails from the bucket.
func (u *Uploads) remove(ctx context.Context, key string) error {
	var errs []error
	for _, s := range Sizes {
		errs = append(errs, u.store.Delete(ctx, ThumbKey(key, s)))
	}
	errs = append(errs, u.store.Delete(ctx, key))
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("sweep upload %s: %w", key, err)
	}
	return nil
}
