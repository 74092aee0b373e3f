package db

import (
	"database/sql"
	"fmt"

	"github.com/mallang/mallang/internal/fault"
)

// ClaimKept checks the result of an UPDATE that finishes a claimed row
// (… WHERE id = ? AND claim = ?): an error, or no row changed because
// another worker took the claim meanwhile (fault.ErrConflict), is wrapped
// with what was done, format naming the row's id.
func ClaimKept(res sql.Result, err error, format string, id int64) error {
	if err != nil {
		return fmt.Errorf(format+": %w", id, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf(format+": %w", id, err)
	}
	if n == 0 {
		return fmt.Errorf(format+": claim lost: %w", id, fault.ErrConflict)
	}
	return nil
}
