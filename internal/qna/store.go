package qna

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/mallang/mallang/internal/db"
	"github.com/mallang/mallang/internal/fault"
)

// row is a question as stored, with its product's and author's names.
type row struct {
	ID          int64         `db:"id"`
	ProductID   int64         `db:"product_id"`
	ProductName string        `db:"product_name"`
	UserID      int64         `db:"user_id"`
	UserName    string        `db:"user_name"`
	Body        string        `db:"body"`
	Private     bool          `db:"private"`
	Answer      string        `db:"answer"`
	AnsweredBy  sql.NullInt64 `db:"answered_by"`
	AnsweredAt  sql.NullTime  `db:"answered_at"`
	CreatedAt   time.Time     `db:"created_at"`
}

// question is r as v may read it.
func (r row) question(v Viewer) Question {
	q := Question{ID: r.ID, ProductID: r.ProductID, ProductName: r.ProductName, UserID: r.UserID, Author: mask(r.UserName),
		Body: r.Body, Private: r.Private, Answer: r.Answer, AnsweredBy: r.AnsweredBy.Int64, CreatedAt: r.CreatedAt.UTC()}
	if r.AnsweredAt.Valid {
		q.AnsweredAt = r.AnsweredAt.Time.UTC()
	}
	if !v.mayRead(q) {
		q.Hidden, q.Body, q.Answer = true, "", ""
	}
	return q
}

const columns = `SELECT q.id, q.product_id, p.name AS product_name, q.user_id, COALESCE(u.name, '') AS user_name, q.body, q.private,
	q.answer, q.answered_by, q.answered_at, q.created_at
	FROM product_questions q JOIN products p ON p.id = q.product_id LEFT JOIN users u ON u.id = q.user_id`

func insertQuestion(ctx context.Context, q db.Querier, productID, userID int64, body string, private bool, now time.Time) (int64, error) {
	var id int64
	err := q.GetContext(ctx, &id, q.Rebind(`INSERT INTO product_questions (product_id, user_id, body, private, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?) RETURNING id`), productID, userID, body, private, now, now)
	if err != nil {
		return 0, fmt.Errorf("insert question: %w", err)
	}
	return id, nil
}

// countQuestion adds one to the product's question count
// (products.question_count), which the product page reads with the
// product.
func countQuestion(ctx context.Context, q db.Querier, productID int64) error {
	if _, err := q.ExecContext(ctx, q.Rebind(`UPDATE products SET question_count = question_count + 1 WHERE id = ?`), productID); err != nil {
		return fmt.Errorf("count questions of product %d: %w", productID, err)
	}
	return nil
}

// questionCount is the product's question count; 0 for no such product.
func questionCount(ctx context.Context, q db.Querier, productID int64) (int, error) {
	var n int
	err := q.GetContext(ctx, &n, q.Rebind(`SELECT question_count FROM products WHERE id = ?`), productID)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("questions of product %d: %w", productID, err)
	}
	return n, nil
}

func questionByID(ctx context.Context, q db.Querier, id int64) (row, error) {
	var r row
	err := q.GetContext(ctx, &r, q.Rebind(columns+` WHERE q.id = ?`), id)
	if errors.Is(err, sql.ErrNoRows) {
		return r, fmt.Errorf("question %d: %w", id, fault.ErrNotFound)
	}
	if err != nil {
		return r, fmt.Errorf("question %d: %w", id, err)
	}
	return r, nil
}

func questionsOfProduct(ctx context.Context, q db.Querier, productID int64, limit, offset int) ([]row, error) {
	var rs []row
	a := db.OpaqueArg(q)
	err := q.SelectContext(ctx, &rs, q.Rebind(columns+` WHERE q.product_id = `+a+` ORDER BY q.id DESC LIMIT `+a+` OFFSET `+a),
		productID, limit, offset)
	if err != nil {
		return nil, fmt.Errorf("questions of product %d: %w", productID, err)
	}
	return rs, nil
}

func questionsOfUser(ctx context.Context, q db.Querier, userID int64, limit, offset int) ([]row, error) {
	var rs []row
	err := q.SelectContext(ctx, &rs, q.Rebind(columns+` WHERE q.user_id = ? ORDER BY q.id DESC LIMIT ? OFFSET ?`),
		userID, limit, offset)
	if err != nil {
		return nil, fmt.Errorf("questions of user %d: %w", userID, err)
	}
	return rs, nil
}

func queue(ctx context.Context, q db.Querier, waiting bool, limit, offset int) ([]row, error) {
	where, order := ``, `q.id DESC`
	if waiting {
		where, order = ` WHERE q.answered_at IS NULL`, `q.created_at, q.id`
	}
	var rs []row
	err := q.SelectContext(ctx, &rs, q.Rebind(columns+where+` ORDER BY `+order+` LIMIT ? OFFSET ?`), limit, offset)
	if err != nil {
		return nil, fmt.Errorf("question queue: %w", err)
	}
	return rs, nil
}

// countWhere counts the questions matching where (a constant condition).
func countWhere(ctx context.Context, q db.Querier, where string, args ...any) (int, error) {
	var n int
	if err := q.GetContext(ctx, &n, q.Rebind(`SELECT COUNT(*) FROM product_questions WHERE `+where), args...); err != nil {
		return 0, fmt.Errorf("count questions: %w", err)
	}
	return n, nil
}

func setAnswer(ctx context.Context, q db.Querier, id int64, answer string, by int64, now time.Time) error {
	_, err := q.ExecContext(ctx, q.Rebind(`UPDATE product_questions SET answer = ?, answered_by = ?, answered_at = ?, updated_at = ?
		WHERE id = ?`), answer, by, now, now, id)
	if err != nil {
		return fmt.Errorf("answer question %d: %w", id, err)
	}
	return nil
}
