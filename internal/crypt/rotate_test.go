package crypt

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/mallang/mallang/internal/db"
	"github.com/mallang/mallang/internal/db/dbtest"
)

// people is the test table: id, two encrypted nullable columns.
const createPeople = `CREATE TABLE people (id BIGINT PRIMARY KEY, phone TEXT, address TEXT)`

func peopleColumns() []Column {
	return []Column{
		{Table: "people", IDColumn: "id", Column: "phone"},
		{Table: "people", IDColumn: "id", Column: "address"},
	}
}

// The additional data is "table.column:id", and a value opens only in its
// own column and row.
func TestColumnBindsValueToRow(t *testing.T) {
	t.Parallel()
	kr := testKeyring(t)
	phone := Column{Table: "people", IDColumn: "id", Column: "phone"}
	if got := string(phone.AAD(42)); got != "people.phone:42" {
		t.Fatalf("AAD = %q", got)
	}
	v, err := phone.Encrypt(kr, 42, "010-1234-5678")
	if err != nil {
		t.Fatal(err)
	}
	if got, err := phone.Decrypt(kr, 42, v); err != nil || got != "010-1234-5678" {
		t.Fatalf("Decrypt = %q, %v", got, err)
	}
	address := Column{Table: "people", IDColumn: "id", Column: "address"}
	for name, open := range map[string]func() (string, error){
		"another row":    func() (string, error) { return phone.Decrypt(kr, 43, v) },
		"another column": func() (string, error) { return address.Decrypt(kr, 42, v) },
	} {
		if got, err := open(); err == nil {
			t.Errorf("%s opened the value: %q", name, got)
		} else if strings.Contains(err.Error(), "010") {
			t.Errorf("%s: the error shows the value: %v", name, err)
		}
	}
}

// seedPeople fills people with ids 0..n-1: by id mod 4 a NULL, an empty
// string, a value under k1 (old) or under k2 (current). It returns the
// plaintext of every encrypted value by column and id, and how many are
// under k1.
func seedPeople(t *testing.T, d *db.DB, n int) (map[string]map[int64]string, int) {
	t.Helper()
	ctx := t.Context()
	if _, err := d.Write().ExecContext(ctx, createPeople); err != nil {
		t.Fatal(err)
	}
	k1, _ := testKey(1)
	old, err := NewKeyring("k1", map[string][]byte{"k1": k1})
	if err != nil {
		t.Fatal(err)
	}
	cur := testKeyring(t)
	want := map[string]map[int64]string{"phone": {}, "address": {}}
	underK1 := 0
	err = d.InTx(ctx, func(q db.Querier) error {
		for i := range int64(n) {
			var vals [2]any
			for j, col := range []string{"phone", "address"} {
				plain := fmt.Sprintf("%s %d 서울시 강남구", col, i)
				aad := fmt.Sprintf("people.%s:%d", col, i)
				switch (i + int64(j)) % 4 {
				case 0:
					vals[j] = nil
				case 1:
					vals[j] = ""
				case 2:
					v, err := old.EncryptString(plain, aad)
					if err != nil {
						return err
					}
					vals[j], want[col][i] = v, plain
					underK1++
				case 3:
					v, err := cur.EncryptString(plain, aad)
					if err != nil {
						return err
					}
					vals[j], want[col][i] = v, plain
				}
			}
			if _, err := q.ExecContext(ctx, q.Rebind(`INSERT INTO people (id, phone, address) VALUES (?, ?, ?)`), i, vals[0], vals[1]); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return want, underK1
}

func TestRotate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		rows int
	}{
		{"empty table", 0},
		{"one batch", 37},
		{"several batches", 5*batchSize + 123},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ctx := t.Context()
			d := dbtest.New(t)
			want, underK1 := seedPeople(t, d, tt.rows)
			kr := testKeyring(t)
			cols := peopleColumns()

			var progress strings.Builder
			st, err := Rotate(ctx, d, kr, cols, &progress)
			if err != nil {
				t.Fatalf("Rotate: %v", err)
			}
			if st.Rotated != underK1 || st.Skipped != 0 {
				t.Fatalf("first run %+v, want %d rotated", st, underK1)
			}
			t.Logf("progress:\n%s", progress.String())
			for _, line := range []string{"people.phone: done", "people.address: done"} {
				if !strings.Contains(progress.String(), line) {
					t.Fatalf("progress lacks %q:\n%s", line, progress.String())
				}
			}

			for _, c := range cols {
				var rows []struct {
					ID    int64   `db:"id"`
					Value *string `db:"v"`
				}
				if err := d.Read().SelectContext(ctx, &rows, `SELECT id, `+c.Column+` AS v FROM people ORDER BY id`); err != nil {
					t.Fatal(err)
				}
				seen := 0
				for _, r := range rows {
					plain, encrypted := want[c.Column][r.ID]
					if !encrypted {
						if r.Value != nil && *r.Value != "" {
							t.Fatalf("%s row %d: empty value became %q", c, r.ID, *r.Value)
						}
						continue
					}
					seen++
					if r.Value == nil || kr.NeedsRotation(*r.Value) {
						t.Fatalf("%s row %d not under the current key", c, r.ID)
					}
					got, err := kr.Decrypt(*r.Value, c.AAD(r.ID))
					if err != nil || string(got) != plain {
						t.Fatalf("%s row %d = %q, %v; want %q", c, r.ID, got, err, plain)
					}
				}
				if seen != len(want[c.Column]) {
					t.Fatalf("%s: %d values, want %d", c, seen, len(want[c.Column]))
				}
			}

			again, err := Rotate(ctx, d, kr, cols, nil)
			if err != nil || again != (Stats{}) {
				t.Fatalf("second run = %+v, %v; want no changes", again, err)
			}
		})
	}
}

func TestRotateStopsOnUndecryptable(t *testing.T) {
	t.Parallel()
	kr := testKeyring(t)
	k9, _ := testKey(9)
	unknown, _ := NewKeyring("k9", map[string][]byte{"k9": k9})
	underK9, _ := unknown.EncryptString("secret-9", "people.phone:2101")
	k1, _ := testKey(1)
	old, _ := NewKeyring("k1", map[string][]byte{"k1": k1})
	copied, _ := old.EncryptString("secret-copied", "people.phone:1") // copied from row 1
	tests := []struct {
		name  string
		value string
	}{
		{"unknown key id", underK9},
		{"value copied from another row", copied},
		{"plaintext", "010-9999-8888"},
		{"garbage", "v1.k1.%%%"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ctx := t.Context()
			d := dbtest.New(t)
			seedPeople(t, d, 5*batchSize)
			if _, err := d.Write().ExecContext(ctx, d.Write().Rebind(`UPDATE people SET phone = ? WHERE id = 2101`), tt.value); err != nil {
				t.Fatal(err)
			}
			st, err := Rotate(ctx, d, kr, peopleColumns(), nil)
			if !errors.Is(err, ErrUndecryptable) {
				t.Fatalf("Rotate = %+v, %v; want ErrUndecryptable", st, err)
			}
			if !strings.Contains(err.Error(), "people.phone row 2101") {
				t.Fatalf("error %q does not name table, column and row", err)
			}
			if strings.Contains(err.Error(), tt.value) {
				t.Fatalf("error %q holds the value", err)
			}
			// The first batch (the k1 phones of ids 2, 6, …, 1998) committed;
			// the failing one, from id 2002 on, did not.
			if st.Rotated != batchSize {
				t.Fatalf("rotated %d before the failure, want the %d of the first batch", st.Rotated, batchSize)
			}
			var v string
			if err := d.Read().GetContext(ctx, &v, `SELECT phone FROM people WHERE id = 2002`); err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(v, "v1.k1.") {
				t.Fatalf("row 2002 of the failed batch was changed")
			}
		})
	}
}

func TestRotateRejectsColumns(t *testing.T) {
	t.Parallel()
	d := dbtest.New(t)
	tests := []struct {
		name string
		col  Column
	}{
		{"injection", Column{Table: "people; DROP TABLE users", IDColumn: "id", Column: "phone"}},
		{"quoted", Column{Table: "people", IDColumn: `"id"`, Column: "phone"}},
		{"upper case", Column{Table: "People", IDColumn: "id", Column: "phone"}},
		{"empty", Column{Table: "people", IDColumn: "id", Column: ""}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if _, err := Rotate(t.Context(), d, testKeyring(t), []Column{tt.col}, nil); err == nil {
				t.Fatal("Rotate accepted the column")
			}
		})
	}
}

func TestReplaceValueLeavesConcurrentChange(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	d := dbtest.New(t)
	if _, err := d.Write().ExecContext(ctx, createPeople); err != nil {
		t.Fatal(err)
	}
	if _, err := d.Write().ExecContext(ctx, `INSERT INTO people (id, phone) VALUES (1, 'new')`); err != nil {
		t.Fatal(err)
	}
	c := peopleColumns()[0]
	ok, err := replaceValue(ctx, d.Write(), c, 1, "old", "rotated")
	if err != nil || ok {
		t.Fatalf("replaceValue over a changed value = %v, %v; want false", ok, err)
	}
	ok, err = replaceValue(ctx, d.Write(), c, 1, "new", "rotated")
	if err != nil || !ok {
		t.Fatalf("replaceValue = %v, %v; want true", ok, err)
	}
}
