package address_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/mallang/mallang/internal/account/address"
	"github.com/mallang/mallang/internal/crypt"
	"github.com/mallang/mallang/internal/db"
)

// rawRow reads every column of address id as stored, by column name.
func rawRow(t *testing.T, d *db.DB, id int64) map[string]string {
	t.Helper()
	q := d.Read()
	row := map[string]any{}
	if err := q.QueryRowxContext(t.Context(), q.Rebind(`SELECT * FROM addresses WHERE id = ?`), id).MapScan(row); err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for k, v := range row {
		if b, ok := v.([]byte); ok {
			v = string(b)
		}
		out[k] = fmt.Sprint(v)
	}
	return out
}

func TestEncryptedAtRest(t *testing.T) {
	t.Parallel()
	s, d, kr, _ := setup(t)
	uid := newUser(t, d, "kim@example.com")
	a := mustCreate(t, s, uid, home())
	plain := map[string]string{
		"label_enc": a.Label, "recipient_enc": a.Recipient, "phone_enc": a.Phone, "postcode_enc": a.Postcode,
		"line1_enc": a.Line1, "line2_enc": a.Line2, "note_enc": a.Note,
	}
	raw := rawRow(t, d, a.ID)
	all := strings.Join(func() []string {
		var vs []string
		for _, v := range raw {
			vs = append(vs, v)
		}
		return vs
	}(), "\n")
	for _, p := range []string{"집", "김말랑", "1234", "5678", "06236", "테헤란로", "위워크", "문 앞"} {
		if strings.Contains(all, p) {
			t.Errorf("the stored row holds %q in clear", p)
		}
	}
	cols := address.EncryptedColumns()
	if len(cols) != len(plain) {
		t.Fatalf("EncryptedColumns lists %d columns, want %d", len(cols), len(plain))
	}
	for _, c := range cols {
		want, ok := plain[c.Column]
		if !ok || c.Table != "addresses" || c.IDColumn != "id" {
			t.Fatalf("unexpected column %+v", c)
		}
		if got := string(c.AAD(a.ID)); got != "addresses."+c.Column+fmt.Sprintf(":%d", a.ID) {
			t.Errorf("%s: AAD %q", c, got)
		}
		v := raw[c.Column]
		if !strings.HasPrefix(v, "v1.k1.") {
			t.Errorf("%s: stored %q is not a crypt value", c, v)
		}
		got, err := kr.Decrypt(v, c.AAD(a.ID))
		if err != nil || string(got) != want {
			t.Errorf("%s decrypts to %q, %v; want %q", c, got, err, want)
		}
	}
}

func TestEmptyOptionalFieldsStoredEmpty(t *testing.T) {
	t.Parallel()
	s, d, _, _ := setup(t)
	uid := newUser(t, d, "kim@example.com")
	a := mustCreate(t, s, uid, office())
	raw := rawRow(t, d, a.ID)
	for _, col := range []string{"line2_enc", "note_enc"} {
		if raw[col] != "" {
			t.Errorf("%s of an address without it holds %q, want ''", col, raw[col])
		}
	}
}

func TestCopiedValueDoesNotDecrypt(t *testing.T) {
	t.Parallel()
	s, d, _, _ := setup(t)
	ctx := t.Context()
	kim := newUser(t, d, "kim@example.com")
	lee := newUser(t, d, "lee@example.com")
	k := mustCreate(t, s, kim, home())
	l := mustCreate(t, s, lee, office())

	tests := []struct {
		name, from, to string
		fromID, toID   int64
	}{
		{"another customer's row", "line1_enc", "line1_enc", k.ID, l.ID},
		{"another column of the same row", "recipient_enc", "line1_enc", l.ID, l.ID},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q := d.Write()
			_, err := q.ExecContext(ctx, q.Rebind(`UPDATE addresses SET `+tt.to+` = (SELECT `+tt.from+` FROM addresses WHERE id = ?) WHERE id = ?`), tt.fromID, tt.toID)
			if err != nil {
				t.Fatal(err)
			}
			_, err = s.Get(ctx, lee, l.ID)
			if !errors.Is(err, crypt.ErrUndecryptable) {
				t.Fatalf("Get of a row with a copied value: %v, want ErrUndecryptable", err)
			}
			if strings.Contains(err.Error(), "테헤란로") || strings.Contains(err.Error(), "v1.") {
				t.Fatalf("error %q shows the value", err)
			}
			if _, err := s.List(ctx, lee); !errors.Is(err, crypt.ErrUndecryptable) {
				t.Fatalf("List with a copied value: %v, want ErrUndecryptable", err)
			}
		})
	}
	if _, err := s.Get(ctx, kim, k.ID); err != nil {
		t.Fatalf("the source row stops decrypting: %v", err)
	}
}

func TestRotate(t *testing.T) {
	t.Parallel()
	_, d, _, c := setup(t)
	ctx := t.Context()
	old := keyring(t, "k1", "k1")
	both := keyring(t, "k2", "k1", "k2")
	onlyNew := keyring(t, "k2", "k2")

	kim := newUser(t, d, "kim@example.com")
	lee := newUser(t, d, "lee@example.com")
	before := address.New(d, old, c.Now)
	want := map[int64]address.Address{}
	for i, in := range []address.Input{home(), office(), home()} {
		uid := kim
		if i == 1 {
			uid = lee
		}
		a := mustCreate(t, before, uid, in)
		want[a.ID] = a
	}
	// home() fills 7 fields, office() 5.
	const values = 7 + 5 + 7

	var progress strings.Builder
	st, err := crypt.Rotate(ctx, d, both, address.EncryptedColumns(), &progress)
	if err != nil {
		t.Fatalf("Rotate: %v", err)
	}
	if st.Rotated != values || st.Skipped != 0 {
		t.Fatalf("Rotate = %+v, want %d rotated (progress %q)", st, values, progress.String())
	}
	for id := range want {
		for col, v := range rawRow(t, d, id) {
			if strings.HasSuffix(col, "_enc") && v != "" && !strings.HasPrefix(v, "v1.k2.") {
				t.Errorf("address %d %s still under %q", id, col, v[:6])
			}
		}
	}
	after := address.New(d, onlyNew, c.Now)
	for id, w := range want {
		got, err := after.Get(ctx, w.UserID, id)
		if err != nil {
			t.Fatalf("Get %d with the new key only: %v", id, err)
		}
		got.CreatedAt, got.UpdatedAt = w.CreatedAt, w.UpdatedAt
		if got != w {
			t.Fatalf("after rotation %+v, want %+v", got, w)
		}
	}
	if st, err := crypt.Rotate(ctx, d, both, address.EncryptedColumns(), nil); err != nil || st.Rotated != 0 {
		t.Fatalf("second Rotate = %+v, %v; want nothing to do", st, err)
	}
}
