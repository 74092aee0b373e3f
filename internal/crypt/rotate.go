package crypt

import (
	"context"
	"fmt"
	"io"
	"math"
	"strconv"

	"github.com/mallang/mallang/internal/db"
)

// batchSize is how many values Rotate re-encrypts per transaction: small
// enough that SQLite's single writer is not held for long, large enough that
// a million rows take a few thousand transactions.
const batchSize = 500

// Column names a text column holding encrypted values; its AAD method is
// the one rule for the additional data each value is bound to.
type Column struct {
	// Table, IDColumn and Column are SQL identifiers: lower-case letters,
	// digits and '_', starting with a letter or '_'. IDColumn must be an
	// integer key.
	Table, IDColumn, Column string
}

func (c Column) String() string { return c.Table + "." + c.Column }

// AAD is the additional data that binds a value to its column and row,
// "table.column:id" with id the row's IDColumn, so a value copied into
// another row or column does not decrypt. Every encrypted column uses it:
// writers through Encrypt, readers through Decrypt, and Rotate.
func (c Column) AAD(id int64) []byte {
	return strconv.AppendInt([]byte(c.Table+"."+c.Column+":"), id, 10)
}

// Cipher is what a Column needs of a keyring; *Keyring implements it.
type Cipher interface {
	Encrypt(plaintext, aad []byte) (string, error)
	Decrypt(value string, aad []byte) ([]byte, error)
}

// Encrypt encrypts plaintext for row id of c with kr's current key.
func (c Column) Encrypt(kr Cipher, id int64, plaintext string) (string, error) {
	v, err := kr.Encrypt([]byte(plaintext), c.AAD(id))
	if err != nil {
		return "", fmt.Errorf("encrypt %s of %d: %w", c, id, err)
	}
	return v, nil
}

// Decrypt opens value, stored in row id of c. The error names the column
// and row, never the value.
func (c Column) Decrypt(kr Cipher, id int64, value string) (string, error) {
	pt, err := kr.Decrypt(value, c.AAD(id))
	if err != nil {
		return "", fmt.Errorf("decrypt %s of %d: %w", c, id, err)
	}
	return string(pt), nil
}

// Stats counts what Rotate did.
type Stats struct {
	// Rotated is the number of values re-encrypted under the current key.
	Rotated int
	// Skipped is the number of values that changed while Rotate worked on
	// them and were left as the other writer stored them.
	Skipped int
}

// Rotate re-encrypts, under kr's current key, every non-NULL, non-empty
// value of cols that is under another key, walking each column by id and
// re-encrypting up to 500 values per transaction, and writing one progress
// line per batch and per column to progress (which may be nil). A value is replaced only if it is
// still the one read, so a concurrent writer wins. Rotate is idempotent and
// resumable: a second run changes nothing, and a run that stopped keeps the
// batches it committed.
//
// A value that does not decrypt (unknown key id, altered, wrong aad, not
// encrypted at all) stops Rotate with an error wrapping ErrUndecryptable that
// names table, column and row id, never the value; its batch is rolled back.
// Keep every old key in the keyring until a run has finished cleanly.
func Rotate(ctx context.Context, d *db.DB, kr *Keyring, cols []Column, progress io.Writer) (Stats, error) {
	if progress == nil {
		progress = io.Discard
	}
	var total Stats
	for _, c := range cols {
		if err := c.validate(); err != nil {
			return total, fmt.Errorf("rotate keys: %w", err)
		}
	}
	for _, c := range cols {
		st, err := rotateColumn(ctx, d, kr, c, progress)
		total.Rotated += st.Rotated
		total.Skipped += st.Skipped
		if err != nil {
			return total, fmt.Errorf("rotate keys: %w", err)
		}
	}
	return total, nil
}

func rotateColumn(ctx context.Context, d *db.DB, kr *Keyring, c Column, progress io.Writer) (Stats, error) {
	var st Stats
	prefix := kr.currentPrefix()
	after := int64(math.MinInt64)
	for {
		if err := ctx.Err(); err != nil {
			return st, fmt.Errorf("%s: %w", c, err)
		}
		var batch Stats
		var n int
		var last int64
		err := d.InTx(ctx, func(q db.Querier) error {
			batch, n, last = Stats{}, 0, after
			rows, err := valuesToRotate(ctx, q, c, prefix, after, batchSize)
			if err != nil {
				return err
			}
			n = len(rows)
			for _, r := range rows {
				last = r.id
				aad := c.AAD(r.id)
				pt, err := kr.Decrypt(r.value, aad)
				if err != nil {
					// err names at most a key id; the value stays out.
					return fmt.Errorf("%s row %d: %w", c, r.id, err)
				}
				fresh, err := kr.Encrypt(pt, aad)
				if err != nil {
					return fmt.Errorf("%s row %d: %w", c, r.id, err)
				}
				ok, err := replaceValue(ctx, q, c, r.id, r.value, fresh)
				if err != nil {
					return err
				}
				if ok {
					batch.Rotated++
				} else {
					batch.Skipped++
				}
			}
			return nil
		})
		if err != nil {
			return st, err
		}
		st.Rotated += batch.Rotated
		st.Skipped += batch.Skipped
		if n > 0 {
			after = last
			fmt.Fprintf(progress, "%s: %d re-encrypted so far (up to id %d)\n", c, st.Rotated, after)
		}
		if n < batchSize {
			fmt.Fprintf(progress, "%s: done, %d re-encrypted, %d skipped\n", c, st.Rotated, st.Skipped)
			return st, nil
		}
	}
}

func (c Column) validate() error {
	for _, name := range []string{c.Table, c.IDColumn, c.Column} {
		if !isIdent(name) {
			return fmt.Errorf("column %q.%q: %q is not a plain lower-case SQL name", c.Table, c.Column, name)
		}
	}
	return nil
}

// isIdent accepts names safe to write into SQL unquoted on both engines.
func isIdent(s string) bool {
	if s == "" || len(s) > 63 {
		return false
	}
	for i, r := range s {
		switch {
		case r == '_', 'a' <= r && r <= 'z':
		case '0' <= r && r <= '9' && i > 0:
		default:
			return false
		}
	}
	return true
}

// Field is one encrypted field of a row in memory: its column and the
// value, plaintext or stored.
type Field struct {
	Column Column
	Value  *string
}

// SealFields encrypts every field of row id in place. An empty value stays
// ”: "no value" is never stored as an encrypted empty string.
func SealFields(kr Cipher, id int64, fields []Field) error {
	return eachField(fields, func(c Column, v string) (string, error) { return c.Encrypt(kr, id, v) })
}

// OpenFields decrypts every field of row id in place; an empty value stays
// empty. The error names the column and row, never a value.
func OpenFields(kr Cipher, id int64, fields []Field) error {
	return eachField(fields, func(c Column, v string) (string, error) { return c.Decrypt(kr, id, v) })
}

// eachField replaces every non-empty field's value with what f makes of it.
func eachField(fields []Field, f func(Column, string) (string, error)) error {
	for _, fd := range fields {
		if *fd.Value == "" {
			continue
		}
		v, err := f(fd.Column, *fd.Value)
		if err != nil {
			return err
		}
		*fd.Value = v
	}
	return nil
}

// ColumnsOf returns the columns of fields, for Rotate.
func ColumnsOf(fields []Field) []Column {
	cols := make([]Column, len(fields))
	for i, f := range fields {
		cols[i] = f.Column
	}
	return cols
}
