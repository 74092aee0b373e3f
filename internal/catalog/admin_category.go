package catalog

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/mallang/mallang/internal/audit"
	"github.com/mallang/mallang/internal/db"
	"github.com/mallang/mallang/internal/fault"
)

// The staff's side of the catalog (the back office and the admin API, under
// account.PermCatalog): every method takes the staff member as an
// audit.Actor and records what it changed in the audit log, in the
// transaction of the change. Caches of the storefront (the category tree,
// listing pages and totals) are dropped once the change commits.

// AdminCategory is a category as staff manage it: every category, hidden
// ones included, in tree order, with what it holds.
type AdminCategory struct {
	Category
	Depth    int // 0 for a top-level category
	Products int // products (not deleted) directly in it
	Children int // child categories
}

// AdminCategories returns every category in tree order (a parent before its
// children, siblings by position), hidden ones included, read afresh.
func (s *Service) AdminCategories(ctx context.Context) ([]AdminCategory, error) {
	q := s.db.Read()
	rows, err := allCategories(ctx, q)
	if err != nil {
		return nil, err
	}
	counts, err := productsPerCategory(ctx, q)
	if err != nil {
		return nil, fmt.Errorf("admin categories: %w", err)
	}
	kids := map[int64][]Category{}
	known := map[int64]bool{}
	for _, c := range rows {
		known[c.ID] = true
	}
	for _, c := range rows {
		p := c.ParentID
		if !known[p] {
			p = 0
		}
		kids[p] = append(kids[p], c)
	}
	out := make([]AdminCategory, 0, len(rows))
	var walk func(parent int64, depth int)
	walk = func(parent int64, depth int) {
		if depth > len(rows) {
			return
		}
		for _, c := range kids[parent] {
			out = append(out, AdminCategory{Category: c, Depth: depth, Products: counts[c.ID], Children: len(kids[c.ID])})
			walk(c.ID, depth+1)
		}
	}
	walk(0, 0)
	return out, nil
}

// AddCategory creates a category as CreateCategory does (same checks and
// faults), at the end of its siblings, and records "category.created".
func (s *Service) AddCategory(ctx context.Context, by audit.Actor, c NewCategory) (Category, error) {
	if inv := c.validate(); inv.Err() != nil {
		return Category{}, inv
	}
	var out Category
	err := s.db.InTx(ctx, func(q db.Querier) error {
		var err error
		if c.Position == 0 {
			if c.Position, err = nextCategoryPosition(ctx, q, c.ParentID); err != nil {
				return err
			}
		}
		if out, err = s.insertChecked(ctx, q, c); err != nil {
			return err
		}
		return s.audited(ctx, q, by, "category.created", "category", out.ID, map[string]any{"slug": c.Slug, "name": c.Name})
	})
	if err != nil {
		return Category{}, s.adminErr(err, "add category "+strconv.Quote(c.Slug))
	}
	s.treeChanged()
	return out, nil
}

// RenameCategory gives category id new Korean and English names; the same
// rules as NewCategory apply (fields "name", "name_en").
func (s *Service) RenameCategory(ctx context.Context, by audit.Actor, id int64, name, nameEN string) error {
	name, nameEN = strings.TrimSpace(name), strings.TrimSpace(nameEN)
	inv := &fault.Invalid{}
	switch {
	case name == "":
		inv.Add("name", "is required")
	case utf8.RuneCountInString(name) > MaxCategoryName:
		inv.Add("name", fmt.Sprintf("must be at most %d characters", MaxCategoryName))
	}
	if utf8.RuneCountInString(nameEN) > MaxCategoryName {
		inv.Add("name_en", fmt.Sprintf("must be at most %d characters", MaxCategoryName))
	}
	if err := inv.Err(); err != nil {
		return err
	}
	return s.categoryChange(ctx, id, "rename", func(q db.Querier, c Category) error {
		if err := updateCategory(ctx, q, id, "name = ?, name_en = ?", s.now().UTC(), name, nameEN); err != nil {
			return err
		}
		return s.audited(ctx, q, by, "category.renamed", "category", id,
			map[string]any{"from": c.Name, "to": name, "from_en": c.NameEN, "to_en": nameEN})
	})
}

// MoveCategory puts category id under parentID (0: the top level), last
// among its new siblings. Moving a category under itself or one of its
// descendants is refused with *fault.Invalid{"parent_id"}.
func (s *Service) MoveCategory(ctx context.Context, by audit.Actor, id, parentID int64) error {
	if parentID < 0 {
		return &fault.Invalid{Fields: map[string]string{"parent_id": "unknown category"}}
	}
	return s.categoryChange(ctx, id, "move", func(q db.Querier, c Category) error {
		if parentID != 0 {
			rows, err := allCategories(ctx, q)
			if err != nil {
				return err
			}
			parent := map[int64]int64{}
			for _, r := range rows {
				parent[r.ID] = r.ParentID
			}
			if _, ok := parent[parentID]; !ok {
				return &fault.Invalid{Fields: map[string]string{"parent_id": "unknown category"}}
			}
			for p, n := parentID, 0; p != 0 && n <= len(rows); p, n = parent[p], n+1 {
				if p == id {
					return &fault.Invalid{Fields: map[string]string{"parent_id": "must not be the category itself or one of its subcategories"}}
				}
			}
		}
		if parentID == c.ParentID {
			return nil
		}
		pos, err := nextCategoryPosition(ctx, q, parentID)
		if err != nil {
			return err
		}
		var parent any
		if parentID != 0 {
			parent = parentID
		}
		if err := updateCategory(ctx, q, id, "parent_id = ?, position = ?", s.now().UTC(), parent, pos); err != nil {
			return err
		}
		return s.audited(ctx, q, by, "category.moved", "category", id, map[string]any{"from": c.ParentID, "to": parentID})
	})
}

// ShiftCategory moves category id one place earlier (up) or later among its
// siblings; at either end it changes nothing. The siblings are numbered
// afresh, so positions stay distinct.
func (s *Service) ShiftCategory(ctx context.Context, by audit.Actor, id int64, up bool) error {
	return s.categoryChange(ctx, id, "shift", func(q db.Querier, c Category) error {
		sibs, err := siblingIDs(ctx, q, c.ParentID)
		if err != nil {
			return err
		}
		i := slices.Index(sibs, id)
		j := i + 1
		if up {
			j = i - 1
		}
		if i < 0 || j < 0 || j >= len(sibs) {
			return nil
		}
		sibs[i], sibs[j] = sibs[j], sibs[i]
		now := s.now().UTC()
		for k, sid := range sibs {
			if err := updateCategory(ctx, q, sid, "position = ?", now, k+1); err != nil {
				return err
			}
		}
		dir := "down"
		if up {
			dir = "up"
		}
		return s.audited(ctx, q, by, "category.reordered", "category", id, map[string]any{"direction": dir, "position": j + 1})
	})
}

// HideCategory hides category id (hidden true) or shows it again. A hidden
// category, its subcategories and their products leave the storefront: the
// navigation, listings and search, and their pages answer 404.
func (s *Service) HideCategory(ctx context.Context, by audit.Actor, id int64, hidden bool) error {
	return s.categoryChange(ctx, id, "hide", func(q db.Querier, c Category) error {
		if c.Hidden == hidden {
			return nil
		}
		if err := updateCategory(ctx, q, id, "hidden = ?", s.now().UTC(), hidden); err != nil {
			return err
		}
		action := "category.shown"
		if hidden {
			action = "category.hidden"
		}
		return s.audited(ctx, q, by, action, "category", id, map[string]any{"slug": c.Slug})
	})
}

// DeleteCategory deletes an empty category. One that holds products
// (deleted ones aside), subcategories or coupon targets is refused with
// *fault.Invalid{"category"} saying which.
func (s *Service) DeleteCategory(ctx context.Context, by audit.Actor, id int64) error {
	return s.categoryChange(ctx, id, "delete", func(q db.Querier, c Category) error {
		uses, err := categoryUses(ctx, q, id)
		if err != nil {
			return err
		}
		switch {
		case uses.children > 0:
			return &fault.Invalid{Fields: map[string]string{"category": "has subcategories"}}
		case uses.products > 0:
			return &fault.Invalid{Fields: map[string]string{"category": "has products"}}
		case uses.coupons > 0:
			return &fault.Invalid{Fields: map[string]string{"category": "is a coupon's target"}}
		}
		if err := deleteCategory(ctx, q, id); err != nil {
			return err
		}
		return s.audited(ctx, q, by, "category.deleted", "category", id, map[string]any{"slug": c.Slug, "name": c.Name})
	})
}

// categoryChange runs change on category id in a transaction, with the
// category as it is (fault.ErrNotFound when there is none), then drops the
// storefront's caches.
func (s *Service) categoryChange(ctx context.Context, id int64, what string, change func(q db.Querier, c Category) error) error {
	err := s.db.InTx(ctx, func(q db.Querier) error {
		c, err := categoryByID(ctx, q, id)
		if err != nil {
			return err
		}
		return change(q, c)
	})
	if err != nil {
		return s.adminErr(err, fmt.Sprintf("%s category %d", what, id))
	}
	s.treeChanged()
	return nil
}

// treeChanged drops the cached category tree and every cached listing.
func (s *Service) treeChanged() {
	s.tree.Store(nil)
	s.changed()
}

// adminErr passes a *fault.Invalid as it is and wraps anything else with
// what was being done.
func (s *Service) adminErr(err error, what string) error {
	if _, ok := fault.AsInvalid(err); ok {
		return err
	}
	return fmt.Errorf("%s: %w", what, err)
}

// audited records by's action on the target, on q.
func (s *Service) audited(ctx context.Context, q db.Querier, by audit.Actor, action, targetType string, id int64, detail map[string]any) error {
	if err := s.audit.Record(ctx, q, by.Entry(action, targetType, strconv.FormatInt(id, 10), detail)); err != nil {
		return fmt.Errorf("audit %s of %s %d: %w", action, targetType, id, err)
	}
	return nil
}
