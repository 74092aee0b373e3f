package crypt

import (
	"context"
	"fmt"

	"github.com/mallang/mallang/internal/db"
)

type storedValue struct {
	id    int64
	value string
}

// valuesToRotate returns up to limit rows of c with id > after whose value is
// set and does not start with prefix (the current key's header), by id.
// Table and column names were checked by Column.validate.
func valuesToRotate(ctx context.Context, q db.Querier, c Column, prefix string, after int64, limit int) ([]storedValue, error) {
	query := `SELECT ` + c.IDColumn + `, ` + c.Column + ` FROM ` + c.Table +
		` WHERE ` + c.IDColumn + ` > ? AND ` + c.Column + ` IS NOT NULL AND ` + c.Column + ` <> ''` +
		` AND substr(` + c.Column + `, 1, ` + fmt.Sprint(len(prefix)) + `) <> ?` +
		` ORDER BY ` + c.IDColumn + ` LIMIT ` + fmt.Sprint(limit)
	rows, err := q.QueryContext(ctx, q.Rebind(query), after, prefix)
	if err != nil {
		return nil, fmt.Errorf("read %s after row %d: %w", c, after, err)
	}
	defer rows.Close()
	var out []storedValue
	for rows.Next() {
		var v storedValue
		if err := rows.Scan(&v.id, &v.value); err != nil {
			return nil, fmt.Errorf("read %s after row %d: %w", c, after, err)
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read %s after row %d: %w", c, after, err)
	}
	return out, nil
}

// replaceValue sets row id's value to fresh if it is still old, and reports
// whether it did.
func replaceValue(ctx context.Context, q db.Querier, c Column, id int64, old, fresh string) (bool, error) {
	res, err := q.ExecContext(ctx, q.Rebind(
		`UPDATE `+c.Table+` SET `+c.Column+` = ? WHERE `+c.IDColumn+` = ? AND `+c.Column+` = ?`), fresh, id, old)
	if err != nil {
		return false, fmt.Errorf("update %s row %d: %w", c, id, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("update %s row %d: %w", c, id, err)
	}
	return n == 1, nil
}
