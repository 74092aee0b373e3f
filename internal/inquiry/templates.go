package inquiry

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/mallang/mallang/internal/audit"
	"github.com/mallang/mallang/internal/db"
	"github.com/mallang/mallang/internal/fault"
)

// Answer templates: texts staff keep to start an answer from. Each change
// is audited ("inquiry_template.created", ".updated", ".deleted").

// MaxTemplates bounds how many templates the shop keeps.
const MaxTemplates = 100

type templateRow struct {
	ID        int64     `db:"id"`
	Title     string    `db:"title"`
	Body      string    `db:"body"`
	CreatedAt time.Time `db:"created_at"`
	UpdatedAt time.Time `db:"updated_at"`
}

func (r templateRow) template() Template {
	return Template{ID: r.ID, Title: r.Title, Body: r.Body, CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC()}
}

// Templates returns the answer templates by title.
func (s *Service) Templates(ctx context.Context) ([]Template, error) {
	var rs []templateRow
	q := s.d.Read()
	if err := q.SelectContext(ctx, &rs, q.Rebind(`SELECT id, title, body, created_at, updated_at FROM answer_templates
		ORDER BY title, id LIMIT ?`), MaxTemplates); err != nil {
		return nil, fmt.Errorf("list answer templates: %w", err)
	}
	out := make([]Template, len(rs))
	for i, r := range rs {
		out[i] = r.template()
	}
	return out, nil
}

// Template returns answer template id, or fault.ErrNotFound.
func (s *Service) Template(ctx context.Context, id int64) (Template, error) {
	r, err := templateByID(ctx, s.d.Read(), id)
	return r.template(), err
}

func templateByID(ctx context.Context, q db.Querier, id int64) (templateRow, error) {
	var r templateRow
	err := q.GetContext(ctx, &r, q.Rebind(`SELECT id, title, body, created_at, updated_at FROM answer_templates WHERE id = ?`), id)
	if errors.Is(err, sql.ErrNoRows) {
		return templateRow{}, fmt.Errorf("answer template %d: %w", id, fault.ErrNotFound)
	}
	if err != nil {
		return templateRow{}, fmt.Errorf("read answer template %d: %w", id, err)
	}
	return r, nil
}

func checkTemplate(title, body string) (string, string, error) {
	v := &fault.Invalid{}
	title = checkText(v, "title", title, MaxTitle, true)
	body = checkText(v, "body", body, MaxAnswer, false)
	return title, body, v.Err()
}

// CreateTemplate stores a new answer template for staff member by. Errors:
// *fault.Invalid naming "title" or "body"; fault.ErrConflict when the shop
// keeps MaxTemplates already.
func (s *Service) CreateTemplate(ctx context.Context, by audit.Actor, title, body string) (Template, error) {
	title, body, err := checkTemplate(title, body)
	if err != nil {
		return Template{}, err
	}
	now := s.stamp()
	r := templateRow{Title: title, Body: body, CreatedAt: now, UpdatedAt: now}
	err = s.d.InTx(ctx, func(q db.Querier) error {
		var n int
		if err := q.GetContext(ctx, &n, `SELECT COUNT(*) FROM answer_templates`); err != nil {
			return fmt.Errorf("count answer templates: %w", err)
		}
		if n >= MaxTemplates {
			return fmt.Errorf("%d answer templates kept already: %w", n, fault.ErrConflict)
		}
		if err := q.GetContext(ctx, &r.ID, q.Rebind(`INSERT INTO answer_templates (title, body, created_at, updated_at)
			VALUES (?, ?, ?, ?) RETURNING id`), title, body, now, now); err != nil {
			return fmt.Errorf("insert answer template: %w", err)
		}
		return s.deps.Audit.Record(ctx, q, by.Entry("inquiry_template.created", "inquiry_template", strconv.FormatInt(r.ID, 10),
			map[string]any{"title": title}))
	})
	if err != nil {
		return Template{}, fmt.Errorf("create answer template: %w", err)
	}
	return r.template(), nil
}

// UpdateTemplate changes answer template id. Errors: *fault.Invalid naming
// "title" or "body"; fault.ErrNotFound.
func (s *Service) UpdateTemplate(ctx context.Context, by audit.Actor, id int64, title, body string) (Template, error) {
	title, body, err := checkTemplate(title, body)
	if err != nil {
		return Template{}, err
	}
	now := s.stamp()
	var r templateRow
	err = s.d.InTx(ctx, func(q db.Querier) error {
		old, err := templateByID(ctx, q, id)
		if err != nil {
			return err
		}
		if _, err := q.ExecContext(ctx, q.Rebind(`UPDATE answer_templates SET title = ?, body = ?, updated_at = ? WHERE id = ?`),
			title, body, now, id); err != nil {
			return fmt.Errorf("update answer template %d: %w", id, err)
		}
		r = templateRow{ID: id, Title: title, Body: body, CreatedAt: old.CreatedAt, UpdatedAt: now}
		return s.deps.Audit.Record(ctx, q, by.Entry("inquiry_template.updated", "inquiry_template", strconv.FormatInt(id, 10),
			map[string]any{"title": title, "from_title": old.Title}))
	})
	if err != nil {
		return Template{}, fmt.Errorf("update answer template %d: %w", id, err)
	}
	return r.template(), nil
}

// DeleteTemplate deletes answer template id; fault.ErrNotFound when there
// is none.
func (s *Service) DeleteTemplate(ctx context.Context, by audit.Actor, id int64) error {
	err := s.d.InTx(ctx, func(q db.Querier) error {
		old, err := templateByID(ctx, q, id)
		if err != nil {
			return err
		}
		if _, err := q.ExecContext(ctx, q.Rebind(`DELETE FROM answer_templates WHERE id = ?`), id); err != nil {
			return fmt.Errorf("delete answer template %d: %w", id, err)
		}
		return s.deps.Audit.Record(ctx, q, by.Entry("inquiry_template.deleted", "inquiry_template", strconv.FormatInt(id, 10),
			map[string]any{"title": old.Title}))
	})
	if err != nil {
		return fmt.Errorf("delete answer template %d: %w", id, err)
	}
	return nil
}
