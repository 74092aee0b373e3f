package content

import (
	"context"

	"github.com/mallang/mallang/internal/audit"
	"github.com/mallang/mallang/internal/db"
	"github.com/mallang/mallang/internal/fault"
)

// Categories returns the FAQ categories in their order.
func (s *Service) Categories(ctx context.Context) ([]Category, error) {
	return allCategories(ctx, s.d.Read())
}

// Category returns FAQ category id; fault.ErrNotFound when there is none.
func (s *Service) Category(ctx context.Context, id int64) (Category, error) {
	return categoryByID(ctx, s.d.Read(), id)
}

// CreateCategory adds a FAQ category. A name another category has is a
// *fault.Invalid on "name".
func (s *Service) CreateCategory(ctx context.Context, by audit.Actor, in CategoryInput) (Category, error) {
	if err := in.clean(); err != nil {
		return Category{}, err
	}
	now := s.stamp()
	c := Category{Name: in.Name, Position: in.Position, CreatedAt: now, UpdatedAt: now}
	id, err := s.change(ctx, by, "created", "faq_category", func(q db.Querier) (int64, map[string]any, error) {
		if err := s.freeName(ctx, q, c.Name, 0); err != nil {
			return 0, nil, err
		}
		id, err := insertCategory(ctx, q, c)
		return id, map[string]any{"name": c.Name, "position": c.Position}, s.nameClash(err)
	})
	if err != nil {
		return Category{}, err
	}
	return s.Category(ctx, id)
}

// UpdateCategory renames or moves FAQ category id.
func (s *Service) UpdateCategory(ctx context.Context, by audit.Actor, id int64, in CategoryInput) (Category, error) {
	if err := in.clean(); err != nil {
		return Category{}, err
	}
	c := Category{ID: id, Name: in.Name, Position: in.Position, UpdatedAt: s.stamp()}
	_, err := s.change(ctx, by, "updated", "faq_category", func(q db.Querier) (int64, map[string]any, error) {
		if _, err := categoryByID(ctx, q, id); err != nil {
			return id, nil, err
		}
		if err := s.freeName(ctx, q, c.Name, id); err != nil {
			return id, nil, err
		}
		return id, map[string]any{"name": c.Name, "position": c.Position}, s.nameClash(updateCategory(ctx, q, c))
	})
	if err != nil {
		return Category{}, err
	}
	return s.Category(ctx, id)
}

// DeleteCategory deletes FAQ category id when it has no entries; with
// entries it is a *fault.Invalid on "category".
func (s *Service) DeleteCategory(ctx context.Context, by audit.Actor, id int64) error {
	_, err := s.change(ctx, by, "deleted", "faq_category", func(q db.Querier) (int64, map[string]any, error) {
		n, err := entriesIn(ctx, q, id)
		if err != nil {
			return id, nil, err
		}
		if n > 0 {
			return id, nil, &fault.Invalid{Fields: map[string]string{"category": msgHasEntries}}
		}
		return id, nil, deleteRow(ctx, q, "content_faq_categories", "faq_category", id)
	})
	return err
}

func (s *Service) freeName(ctx context.Context, q db.Querier, name string, except int64) error {
	other, err := categoryNamed(ctx, q, name, except)
	if err == nil && other != 0 {
		err = &fault.Invalid{Fields: map[string]string{"name": msgNameTaken}}
	}
	return err
}

func (s *Service) nameClash(err error) error {
	if s.d.Dialect.IsUniqueViolation(err) {
		return &fault.Invalid{Fields: map[string]string{"name": msgNameTaken}}
	}
	return err
}

// FAQs returns every FAQ entry for staff, in the order customers read them.
func (s *Service) FAQs(ctx context.Context) ([]FAQ, error) {
	return faqsWhere(ctx, s.d.Read(), false)
}

// FAQ returns FAQ entry id; fault.ErrNotFound when there is none.
func (s *Service) FAQ(ctx context.Context, id int64) (FAQ, error) {
	return faqByID(ctx, s.d.Read(), id)
}

// CreateFAQ adds a FAQ entry to an existing category.
func (s *Service) CreateFAQ(ctx context.Context, by audit.Actor, in FAQInput) (FAQ, error) {
	if err := in.clean(); err != nil {
		return FAQ{}, err
	}
	now := s.stamp()
	f := FAQ{CategoryID: in.CategoryID, Question: in.Question, Answer: in.Answer, Position: in.Position,
		Published: in.Published, CreatedAt: now, UpdatedAt: now}
	id, err := s.change(ctx, by, "created", "faq", func(q db.Querier) (int64, map[string]any, error) {
		if _, err := categoryByID(ctx, q, f.CategoryID); err != nil {
			return 0, nil, notFoundAs(err, "category_id", msgCategory)
		}
		id, err := insertFAQ(ctx, q, f)
		return id, map[string]any{"question": f.Question, "category_id": f.CategoryID, "published": f.Published}, err
	})
	if err != nil {
		return FAQ{}, err
	}
	return s.FAQ(ctx, id)
}

// UpdateFAQ replaces FAQ entry id with in.
func (s *Service) UpdateFAQ(ctx context.Context, by audit.Actor, id int64, in FAQInput) (FAQ, error) {
	if err := in.clean(); err != nil {
		return FAQ{}, err
	}
	f := FAQ{ID: id, CategoryID: in.CategoryID, Question: in.Question, Answer: in.Answer, Position: in.Position,
		Published: in.Published, UpdatedAt: s.stamp()}
	_, err := s.change(ctx, by, "updated", "faq", func(q db.Querier) (int64, map[string]any, error) {
		if _, err := categoryByID(ctx, q, f.CategoryID); err != nil {
			return id, nil, notFoundAs(err, "category_id", msgCategory)
		}
		return id, map[string]any{"question": f.Question, "category_id": f.CategoryID, "published": f.Published},
			updateFAQ(ctx, q, f)
	})
	if err != nil {
		return FAQ{}, err
	}
	return s.FAQ(ctx, id)
}

// DeleteFAQ deletes FAQ entry id.
func (s *Service) DeleteFAQ(ctx context.Context, by audit.Actor, id int64) error {
	return s.remove(ctx, by, "faq", "content_faqs", id)
}

// PublishedFAQ returns the categories that have published entries, each
// with them, in order.
func (s *Service) PublishedFAQ(ctx context.Context) ([]Group, error) {
	cs, err := allCategories(ctx, s.d.Read())
	if err != nil {
		return nil, err
	}
	fs, err := faqsWhere(ctx, s.d.Read(), true)
	if err != nil {
		return nil, err
	}
	by := map[int64][]FAQ{}
	for _, f := range fs {
		by[f.CategoryID] = append(by[f.CategoryID], f)
	}
	var out []Group
	for _, c := range cs {
		if len(by[c.ID]) > 0 {
			out = append(out, Group{Category: c, Entries: by[c.ID]})
		}
	}
	return out, nil
}
