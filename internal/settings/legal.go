package settings

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/mallang/mallang/internal/audit"
	"github.com/mallang/mallang/internal/db"
	"github.com/mallang/mallang/internal/fault"
	"github.com/mallang/mallang/internal/kst"
)

// Document is a legal document the storefront shows.
type Document string

// The legal documents.
const (
	Terms   Document = "terms"   // 이용약관
	Privacy Document = "privacy" // 개인정보처리방침
)

// Documents lists the legal documents in display order.
var Documents = []Document{Terms, Privacy}

// Valid reports whether d is a known document.
func (d Document) Valid() bool { return d == Terms || d == Privacy }

// MaxLegalBody is the most characters of a document's text.
const MaxLegalBody = 100_000

// LegalVersion is one version of a legal document: plain text (paragraphs
// separated by blank lines) in force from EffectiveAt (UTC).
type LegalVersion struct {
	ID          int64     `db:"id"`
	Document    Document  `db:"document"`
	Version     int64     `db:"version"`
	Body        string    `db:"body"`
	EffectiveAt time.Time `db:"effective_at"`
	CreatedAt   time.Time `db:"created_at"`
}

// NewLegalVersion is a version staff write.
type NewLegalVersion struct {
	Document Document
	Body     string
	// EffectiveAt is when it takes effect: at once, or a later day (the
	// law asks for notice before a change takes effect).
	EffectiveAt time.Time
}

// PublishLegal stores in as the next version of its document, by actor,
// audited in the same transaction. Bad input is a *fault.Invalid naming
// each field ("document", "body", "effective_at"); an effective date in the
// past is refused, since what was in force then cannot change. Two saves at
// once number their versions one after the other or, on a clash,
// fault.ErrConflict.
func (s *Service) PublishLegal(ctx context.Context, by audit.Actor, in NewLegalVersion) (LegalVersion, error) {
	now := s.now().UTC()
	in.Body = strings.TrimSpace(strings.ReplaceAll(in.Body, "\r\n", "\n"))
	v := &fault.Invalid{}
	if !in.Document.Valid() {
		v.Add("document", "must be terms or privacy")
	}
	switch {
	case in.Body == "":
		v.Add("body", "is required")
	case utf8.RuneCountInString(in.Body) > MaxLegalBody:
		v.Add("body", fmt.Sprintf("must be at most %d characters", MaxLegalBody))
	case !utf8.ValidString(in.Body) || strings.ContainsRune(in.Body, 0):
		v.Add("body", "must be text")
	}
	switch {
	case in.EffectiveAt.IsZero():
		v.Add("effective_at", "is required")
	case in.EffectiveAt.Before(now.Add(-time.Minute)) && in.EffectiveAt.Before(startOfDay(now)):
		v.Add("effective_at", "must not be in the past")
	}
	if err := v.Err(); err != nil {
		return LegalVersion{}, err
	}
	lv := LegalVersion{Document: in.Document, Body: in.Body, EffectiveAt: in.EffectiveAt.UTC(), CreatedAt: now}
	err := s.d.InTx(ctx, func(q db.Querier) error {
		var err error
		if lv.Version, err = nextLegalVersion(ctx, q, in.Document); err != nil {
			return err
		}
		var creator any
		if by.UserID > 0 {
			creator = by.UserID
		}
		if lv.ID, err = insertLegalVersion(ctx, q, lv, creator); err != nil {
			return err
		}
		return s.audit.Record(ctx, q, by.Entry("legal.published", "legal", string(in.Document),
			map[string]any{"version": lv.Version, "effective_at": lv.EffectiveAt.Format(time.RFC3339)}))
	})
	if err != nil {
		if s.d.Dialect.IsUniqueViolation(err) {
			return LegalVersion{}, fmt.Errorf("a version of %s saved at the same time: %w", in.Document, fault.ErrConflict)
		}
		return LegalVersion{}, fmt.Errorf("publish %s: %w", in.Document, err)
	}
	s.log.InfoContext(ctx, "legal document published", "document", string(in.Document), "version", lv.Version, "actor_id", by.UserID)
	return lv, nil
}

// startOfDay is the start of t's day in Korea, in UTC: a version dated
// today takes effect today.
func startOfDay(t time.Time) time.Time {
	k := t.In(kst.Zone)
	return time.Date(k.Year(), k.Month(), k.Day(), 0, 0, 0, 0, kst.Zone).UTC()
}

// CurrentLegal returns the version of doc in force now: the newest that
// took effect. fault.ErrNotFound when none has.
func (s *Service) CurrentLegal(ctx context.Context, doc Document) (LegalVersion, error) {
	var lv LegalVersion
	err := s.d.Read().GetContext(ctx, &lv, s.d.Read().Rebind(`SELECT id, document, version, body, effective_at, created_at
		FROM legal_versions WHERE document = ? AND effective_at <= ? ORDER BY effective_at DESC, version DESC LIMIT 1`),
		string(doc), s.now().UTC())
	if errors.Is(err, sql.ErrNoRows) {
		return LegalVersion{}, fmt.Errorf("no %s in force: %w", doc, fault.ErrNotFound)
	}
	if err != nil {
		return LegalVersion{}, fmt.Errorf("read current %s: %w", doc, err)
	}
	return lv, nil
}

// LegalVersion returns version n of doc; fault.ErrNotFound when there is
// none.
func (s *Service) LegalVersion(ctx context.Context, doc Document, n int64) (LegalVersion, error) {
	var lv LegalVersion
	err := s.d.Read().GetContext(ctx, &lv, s.d.Read().Rebind(`SELECT id, document, version, body, effective_at, created_at
		FROM legal_versions WHERE document = ? AND version = ?`), string(doc), n)
	if errors.Is(err, sql.ErrNoRows) {
		return LegalVersion{}, fmt.Errorf("%s version %d: %w", doc, n, fault.ErrNotFound)
	}
	if err != nil {
		return LegalVersion{}, fmt.Errorf("read %s version %d: %w", doc, n, err)
	}
	return lv, nil
}

// LegalVersions lists the versions of doc, newest first, without their
// text.
func (s *Service) LegalVersions(ctx context.Context, doc Document) ([]LegalVersion, error) {
	var lvs []LegalVersion
	err := s.d.Read().SelectContext(ctx, &lvs, s.d.Read().Rebind(`SELECT id, document, version, '' AS body, effective_at, created_at
		FROM legal_versions WHERE document = ? ORDER BY version DESC`), string(doc))
	if err != nil {
		return nil, fmt.Errorf("list %s versions: %w", doc, err)
	}
	return lvs, nil
}

// CurrentVersions returns the version number of each document in force
// now (0 for one never published), for the consent a sign-up records.
func (s *Service) CurrentVersions(ctx context.Context) (map[Document]int64, error) {
	out := map[Document]int64{}
	for _, d := range Documents {
		lv, err := s.CurrentLegal(ctx, d)
		switch {
		case errors.Is(err, fault.ErrNotFound):
			out[d] = 0
		case err != nil:
			return nil, err
		default:
			out[d] = lv.Version
		}
	}
	return out, nil
}

// nextLegalVersion is one more than doc's newest version.
func nextLegalVersion(ctx context.Context, q db.Querier, doc Document) (int64, error) {
	var n int64
	if err := q.GetContext(ctx, &n, q.Rebind(`SELECT COALESCE(MAX(version), 0) + 1 FROM legal_versions WHERE document = ?`), string(doc)); err != nil {
		return 0, fmt.Errorf("number the next %s version: %w", doc, err)
	}
	return n, nil
}

// insertLegalVersion stores lv and returns its id.
func insertLegalVersion(ctx context.Context, q db.Querier, lv LegalVersion, creator any) (int64, error) {
	var id int64
	err := q.QueryRowxContext(ctx, q.Rebind(`INSERT INTO legal_versions (document, version, body, effective_at, created_by, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`), string(lv.Document), lv.Version, lv.Body, lv.EffectiveAt, creator, lv.CreatedAt, lv.CreatedAt).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("store %s version %d: %w", lv.Document, lv.Version, err)
	}
	return id, nil
}

// VersionLabel is "v3" for version 3.
func VersionLabel(n int64) string { return "v" + strconv.FormatInt(n, 10) }
