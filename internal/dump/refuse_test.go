package dump

import (
	"bytes"
	"errors"
	"regexp"
	"strings"
	"testing"

	"github.com/mallang/mallang/internal/db"
	"github.com/mallang/mallang/internal/db/dbtest"
	"github.com/mallang/mallang/internal/fault"
)

func TestLoadRefuses(t *testing.T) {
	t.Parallel()
	src := newSQLite(t, "source")
	fillShop(t, src)
	var file bytes.Buffer
	must(t, Dump(t.Context(), src, &file, nil))
	good := file.Bytes()
	lines := bytes.SplitAfter(good, []byte("\n"))
	lines = lines[:len(lines)-1] // the empty piece after the final newline

	tests := []struct {
		name    string
		prepare func(t *testing.T, d *db.DB)
		file    []byte
		want    error
		says    string
	}{
		{
			name: "target holds a row",
			prepare: func(t *testing.T, d *db.DB) {
				exec(t, d, `INSERT INTO categories (slug, name) VALUES ('mine', '내 분류')`)
			},
			file: good, want: fault.ErrConflict,
			says: "load: the target database already holds 1 row in table categories; load needs an empty database",
		},
		{
			name: "house seller renamed in target",
			prepare: func(t *testing.T, d *db.DB) {
				exec(t, d, `UPDATE sellers SET name = '우리 가게' WHERE slug = 'house'`)
			},
			file: good, want: fault.ErrConflict, says: "in table sellers",
		},
		{
			name: "newer schema",
			file: regexp.MustCompile(`"schema_version":\d+`).ReplaceAll(good, []byte(`"schema_version":9999`)),
			want: ErrSchemaMismatch, says: "newer than the target database's",
		},
		{
			name: "cut in the middle",
			file: good[:len(good)/2], want: ErrBadDump, says: "damaged or truncated",
		},
		{
			name: "trailer dropped",
			file: bytes.Join(lines[:len(lines)-1], nil), want: ErrBadDump, says: "without its trailer line: it is truncated",
		},
		{
			name: "last table cut short",
			file: bytes.Join(append(append([][]byte{}, lines[:len(lines)-2]...), lines[len(lines)-1]), nil),
			want: ErrBadDump, says: "rows (line", // "table <the last one> ends after N-1 of its N rows (line …)"
		},
		{
			name: "garbage line",
			file: bytes.Join(append(append(append([][]byte{}, lines[:len(lines)-3]...), []byte("this is not JSON\n")), lines[len(lines)-3:]...), nil),
			want: ErrBadDump, says: "is not valid JSON",
		},
		{
			name: "unknown table",
			file: bytes.ReplaceAll(good, []byte(`"product_images"`), []byte(`"product_videos"`)),
			want: ErrSchemaMismatch, says: "the dump holds table product_videos, which the target database lacks",
		},
		{
			name: "unknown column",
			file: bytes.Replace(good, []byte(`{"name":"sku","type":"text"}`), []byte(`{"name":"barcode","type":"text"}`), 1),
			want: ErrSchemaMismatch, says: "has a column barcode that the target database lacks",
		},
		{
			name: "not a dump",
			file: []byte("id,name\n1,과자\n"), want: ErrBadDump, says: "does not start with a mallang dump header",
		},
		{
			name: "empty input",
			file: nil, want: ErrBadDump, says: "the input is empty",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			d := dbtest.New(t)
			if tt.prepare != nil {
				tt.prepare(t, d)
			}
			before := checksums(t, d)
			err := Load(t.Context(), d, bytes.NewReader(tt.file), nil)
			if !errors.Is(err, tt.want) {
				t.Fatalf("Load = %v, want %v", err, tt.want)
			}
			if !strings.Contains(err.Error(), tt.says) {
				t.Errorf("Load = %q, want it to say %q", err, tt.says)
			}
			sameData(t, "target after refusal", before, checksums(t, d))
			seeds, err := migrationRows(t.Context())
			if err != nil {
				t.Fatal(err)
			}
			for name, n := range counts(t, d) {
				if n > 0 && n != len(seeds[name]) && tt.prepare == nil {
					t.Errorf("table %s holds %d rows after a refused load", name, n)
				}
			}
		})
	}
}

func TestLoadRefusesUnmigratedTarget(t *testing.T) {
	t.Parallel()
	src := newSQLite(t, "source")
	var file bytes.Buffer
	must(t, Dump(t.Context(), src, &file, nil))
	err := Load(t.Context(), dbtest.Empty(t), &file, nil)
	if !errors.Is(err, ErrSchemaMismatch) || !strings.Contains(err.Error(), "run mallang migrate") {
		t.Fatalf("Load into an unmigrated database = %v", err)
	}
}
