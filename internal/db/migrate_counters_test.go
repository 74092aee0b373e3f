package db_test

import (
	"context"
	"testing"
)

// Migration 00052 moves each product's wish count from wish_counts to
// products.wish_count, counts its questions into products.question_count,
// and going back puts the wish counts where they were.
func TestMigrationMovesProductCounters(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := newOldShop(t, 51)
	d, q, wished, plain := s.d, s.d.Write(), s.tea, s.blackTea
	for i, email := range []string{"a@example.com", "b@example.com"} {
		u := s.insert(t, `INSERT INTO users (email, role) VALUES (?, 'customer') RETURNING id`, email)
		s.insert(t, `INSERT INTO wishes (user_id, product_id) VALUES (?, ?) RETURNING id`, u, wished)
		for range i + 1 {
			s.insert(t, `INSERT INTO product_questions (product_id, user_id, body) VALUES (?, ?, '언제 와요?') RETURNING id`, wished, u)
		}
	}
	if _, err := q.ExecContext(ctx, q.Rebind(`INSERT INTO wish_counts (product_id, wishes) VALUES (?, 2)`), wished); err != nil {
		t.Fatal(err)
	}
	if _, err := d.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		id                int64
		wishes, questions int64
	}{{wished, 2, 3}, {plain, 0, 0}} {
		var got struct {
			Wishes    int64 `db:"wish_count"`
			Questions int64 `db:"question_count"`
		}
		if err := d.Read().GetContext(ctx, &got, d.Read().Rebind(`SELECT wish_count, question_count FROM products WHERE id = ?`), c.id); err != nil {
			t.Fatal(err)
		}
		if got.Wishes != c.wishes || got.Questions != c.questions {
			t.Errorf("product %d: %d wishes and %d questions, want %d and %d", c.id, got.Wishes, got.Questions, c.wishes, c.questions)
		}
	}
	if err := d.MigrateDownTo(ctx, 51); err != nil {
		t.Fatal(err)
	}
	var back int64
	if err := d.Read().GetContext(ctx, &back, d.Read().Rebind(`SELECT wishes FROM wish_counts WHERE product_id = ?`), wished); err != nil {
		t.Fatal(err)
	}
	if back != 2 {
		t.Errorf("wish_counts after going back = %d, want 2", back)
	}
}
