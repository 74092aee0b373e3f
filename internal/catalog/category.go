package catalog

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/mallang/mallang/internal/db"
	"github.com/mallang/mallang/internal/fault"
)

// NewCategory is what CreateCategory needs. ParentID 0 makes a top-level
// category.
type NewCategory struct {
	ParentID int64
	Slug     string // lower-case letters, digits and hyphens; unique
	Name     string
	NameEN   string
	Position int
}

var slugPattern = regexp.MustCompile(`^[a-z0-9]+(?:-[a-z0-9]+)*$`)

// Category field limits.
const (
	MaxSlugLen      = 64
	MaxCategoryName = 100
)

func (c *NewCategory) validate() *fault.Invalid {
	inv := &fault.Invalid{}
	c.Slug = strings.TrimSpace(c.Slug)
	c.Name = strings.TrimSpace(c.Name)
	c.NameEN = strings.TrimSpace(c.NameEN)
	switch {
	case c.Slug == "":
		inv.Add("slug", "is required")
	case len(c.Slug) > MaxSlugLen:
		inv.Add("slug", fmt.Sprintf("must be at most %d characters", MaxSlugLen))
	case !slugPattern.MatchString(c.Slug):
		inv.Add("slug", "must be lower-case letters, digits and single hyphens")
	}
	switch {
	case c.Name == "":
		inv.Add("name", "is required")
	case utf8.RuneCountInString(c.Name) > MaxCategoryName:
		inv.Add("name", fmt.Sprintf("must be at most %d characters", MaxCategoryName))
	}
	if utf8.RuneCountInString(c.NameEN) > MaxCategoryName {
		inv.Add("name_en", fmt.Sprintf("must be at most %d characters", MaxCategoryName))
	}
	if c.ParentID < 0 {
		inv.Add("parent_id", "unknown category")
	}
	if c.Position < 0 {
		inv.Add("position", "must not be negative")
	}
	return inv
}

// categoryTree is an immutable snapshot of every category. Its nodes are
// never handed out: callers get copies.
type categoryTree struct {
	roots   []*Category
	byID    map[int64]*Category
	bySlug  map[string]*Category
	subtree map[int64][]int64 // a category's id and its descendants', sorted
	loaded  int64             // s.now() in Unix nanoseconds when loaded
	// hidden holds, sorted, the ids of hidden categories and of their
	// descendants: none of them is in the tree, and listings leave out
	// their products.
	hidden []int64
}

// hiddenIDs returns the ids of the hidden categories of rows and of their
// descendants, sorted.
func hiddenIDs(rows []Category) []int64 {
	byID := make(map[int64]*Category, len(rows))
	for i := range rows {
		byID[rows[i].ID] = &rows[i]
	}
	var out []int64
	for i := range rows {
		c := &rows[i]
		for depth := 0; c != nil && depth <= len(rows); depth++ {
			if c.Hidden {
				out = append(out, rows[i].ID)
				break
			}
			if c.ParentID == 0 {
				break
			}
			c = byID[c.ParentID]
		}
	}
	slices.Sort(out)
	return out
}

// buildTree makes the tree customers see of rows: hidden categories and
// their descendants are left out.
func buildTree(all []Category) *categoryTree {
	hidden := hiddenIDs(all)
	rows := make([]Category, 0, len(all)-len(hidden))
	for _, c := range all {
		if _, found := slices.BinarySearch(hidden, c.ID); !found {
			rows = append(rows, c)
		}
	}
	t := &categoryTree{
		hidden:  hidden,
		byID:    make(map[int64]*Category, len(rows)),
		bySlug:  make(map[string]*Category, len(rows)),
		subtree: make(map[int64][]int64, len(rows)),
	}
	for i := range rows {
		c := &rows[i]
		t.byID[c.ID] = c
		t.bySlug[c.Slug] = c
	}
	// rows come ordered by position then name, so children keep that order.
	for i := range rows {
		c := &rows[i]
		if p, ok := t.byID[c.ParentID]; ok && c.ParentID != 0 {
			p.Children = append(p.Children, c)
		} else {
			c.ParentID = 0
			t.roots = append(t.roots, c)
		}
	}
	var walk func(c *Category, depth int) []int64
	walk = func(c *Category, depth int) []int64 {
		ids := []int64{c.ID}
		if depth > len(rows) { // a cycle; the schema cannot make one, but stop anyway
			return ids
		}
		for _, ch := range c.Children {
			ids = append(ids, walk(ch, depth+1)...)
		}
		slices.Sort(ids)
		t.subtree[c.ID] = ids
		return ids
	}
	for _, r := range t.roots {
		walk(r, 0)
	}
	return t
}

// copyCategory returns c with a deep copy of its children, so callers can
// never change the cached tree.
func copyCategory(c *Category) *Category {
	out := *c
	if len(c.Children) > 0 {
		out.Children = make([]*Category, len(c.Children))
		for i, ch := range c.Children {
			out.Children[i] = copyCategory(ch)
		}
	}
	return &out
}

// categories returns the cached tree, loading it when it is missing or older
// than categoryTTL (another app node may have added a category).
func (s *Service) categories(ctx context.Context) (*categoryTree, error) {
	now := s.now().UnixNano()
	if t := s.tree.Load(); t != nil && now-t.loaded < int64(categoryTTL) {
		return t, nil
	}
	s.loadMu.Lock()
	defer s.loadMu.Unlock()
	if t := s.tree.Load(); t != nil && now-t.loaded < int64(categoryTTL) {
		return t, nil
	}
	rows, err := allCategories(ctx, s.db.Read())
	if err != nil {
		return nil, err
	}
	t := buildTree(rows)
	t.loaded = now
	s.tree.Store(t)
	return t, nil
}

// Categories returns the top-level categories, each with its Children,
// ordered by position then name. The result is the caller's to keep or
// change; the tree behind it is cached for up to 30 seconds (CreateCategory
// on this Service refreshes it at once).
func (s *Service) Categories(ctx context.Context) ([]*Category, error) {
	t, err := s.categories(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]*Category, len(t.roots))
	for i, r := range t.roots {
		out[i] = copyCategory(r)
	}
	return out, nil
}

// CategoryBySlug returns the category with slug, with its Children. It
// returns fault.ErrNotFound when there is none.
func (s *Service) CategoryBySlug(ctx context.Context, slug string) (Category, error) {
	t, err := s.categories(ctx)
	if err != nil {
		return Category{}, err
	}
	c, ok := t.bySlug[slug]
	if !ok {
		return Category{}, fmt.Errorf("category %q: %w", slug, fault.ErrNotFound)
	}
	return *copyCategory(c), nil
}

// CategoryPath returns the categories from the top level down to id, for
// breadcrumbs; the entries have no Children. It returns fault.ErrNotFound
// for an unknown id.
func (s *Service) CategoryPath(ctx context.Context, id int64) ([]Category, error) {
	t, err := s.categories(ctx)
	if err != nil {
		return nil, err
	}
	path := t.path(id)
	if path == nil {
		return nil, fmt.Errorf("category %d: %w", id, fault.ErrNotFound)
	}
	return path, nil
}

func (t *categoryTree) path(id int64) []Category {
	var path []Category
	for c, ok := t.byID[id]; ok && len(path) <= len(t.byID); c, ok = t.byID[c.ParentID] {
		n := *c
		n.Children = nil
		path = append(path, n)
		if c.ParentID == 0 {
			break
		}
	}
	slices.Reverse(path)
	return path
}

// CreateCategory adds a category. Bad input, an unknown parent or a slug in
// use gives *fault.Invalid naming the field.
func (s *Service) CreateCategory(ctx context.Context, c NewCategory) (Category, error) {
	if inv := c.validate(); inv.Err() != nil {
		return Category{}, inv
	}
	var out Category
	err := s.db.InTx(ctx, func(q db.Querier) error {
		var err error
		out, err = s.insertChecked(ctx, q, c)
		return err
	})
	if err != nil {
		if _, ok := fault.AsInvalid(err); ok {
			return Category{}, err
		}
		return Category{}, fmt.Errorf("create category %q: %w", c.Slug, err)
	}
	s.tree.Store(nil)
	return out, nil
}

// insertChecked inserts category c on q after checking its parent and its
// slug there: *fault.Invalid naming "parent_id" or "slug" when either is
// wrong, also when another insert took the slug meanwhile.
func (s *Service) insertChecked(ctx context.Context, q db.Querier, c NewCategory) (Category, error) {
	inv := &fault.Invalid{}
	if c.ParentID != 0 {
		ok, err := categoryExists(ctx, q, c.ParentID)
		if err != nil {
			return Category{}, err
		}
		if !ok {
			inv.Add("parent_id", "unknown category")
		}
	}
	taken, err := categorySlugTaken(ctx, q, c.Slug)
	if err != nil {
		return Category{}, err
	}
	if taken {
		inv.Add("slug", "is already used")
	}
	if inv.Err() != nil {
		return Category{}, inv
	}
	id, err := insertCategory(ctx, q, c, s.now().UTC())
	if err != nil {
		if s.db.Dialect.IsUniqueViolation(err) {
			return Category{}, &fault.Invalid{Fields: map[string]string{"slug": "is already used"}}
		}
		return Category{}, err
	}
	return Category{ID: id, ParentID: c.ParentID, Slug: c.Slug, Name: c.Name, NameEN: c.NameEN, Position: c.Position}, nil
}

// subtreeIDs returns the ids of the category with slug and its descendants,
// or *fault.Invalid{"category"} for an unknown slug.
func (s *Service) subtreeIDs(ctx context.Context, slug string) ([]int64, error) {
	t, err := s.categories(ctx)
	if err != nil {
		return nil, err
	}
	c, ok := t.bySlug[slug]
	if !ok {
		return nil, &fault.Invalid{Fields: map[string]string{"category": "unknown category"}}
	}
	return t.subtree[c.ID], nil
}
