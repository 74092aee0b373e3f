package catalog

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/sync/singleflight"

	"github.com/mallang/mallang/internal/db"
)

// Deep listing pages are read by seeking, not by OFFSET. With OFFSET, page
// 125 of a category reads and throws away the 2,976 index entries before
// it (and a subtree of several categories sorts that many from each); a
// shuffled crawl of every page in every sort spends almost all its time
// there. Instead the listing remembers seek points: the sort key and id of
// the last product of every seekStride-th page, found in one walk of its
// index. A deep page then starts right after the nearest point before it,
// and skips fewer than seekStride pages. With a point after every page, a
// page of a subtree reads one page of index entries per category, as page
// 1 does (random pages of a 4,300-product subtree took 233 µs each against
// 380 µs with a point every fourth page).
//
// Points are kept for seekTTL and dropped at once by a catalog write that
// can move products in a listing (shape). Stock changes (every sale) and
// sales counts do not drop them: a point is a position in the order, not a
// product, so a product that moved since the walk shifts the edges of the
// pages between its old and new place by one, as it shifts OFFSET pages
// between two visits. The cache holds at most maxSeeks listings and
// maxSeekPoints points (about 100 bytes each at most, a name's), and is
// emptied when either is reached.
const (
	seekStride    = 1 // pages between seek points
	seekTTL       = 60 * time.Second
	maxSeeks      = 512
	maxSeekPoints = 100_000
)

// seekPoints are the seek points of one listing in one sort and page size:
// at[j] is the last product of page (j+1)*seekStride.
type seekPoints struct {
	at      []seekPoint
	shape   uint64
	expires time.Time
}

// seekPoint is a position in a listing's order: a sort key and an id. The
// key is as the database gives it back (SQLite's time as its stored text),
// so that comparing with it compares like with like.
type seekPoint struct {
	K  any   `db:"k"`
	ID int64 `db:"id"`
}

// seekCache keeps the seek points of recently read listings. The zero
// value is ready to use.
type seekCache struct {
	mu     sync.Mutex
	points map[string]seekPoints
	n      int // points held
	group  singleflight.Group
}

// seekFrom returns where a page at offset starts: after the point (nil:
// from the start) and skip products further. A page before the first seek
// point starts from the start.
func (s *Service) seekFrom(ctx context.Context, q ListQuery, l listSQL, offset int) (after *seekPoint, skip int, err error) {
	stride := seekStride * q.PerPage
	if offset < stride {
		return nil, offset, nil
	}
	at, err := s.seekPoints(ctx, q, l)
	if err != nil {
		return nil, 0, err
	}
	j := min(offset/stride, len(at)) - 1
	if j < 0 {
		return nil, offset, nil
	}
	return &at[j], offset - (j+1)*stride, nil
}

// seekPoints returns the listing's seek points, walking its index for them
// when none are kept; concurrent walks of one listing share one query.
func (s *Service) seekPoints(ctx context.Context, q ListQuery, l listSQL) ([]seekPoint, error) {
	key := countKey(q) + "\x00" + string(q.Sort) + "\x00" + strconv.Itoa(q.PerPage)
	c := &s.seeks
	shape := s.shape.Load()
	c.mu.Lock()
	p, ok := c.points[key]
	c.mu.Unlock()
	if ok && p.shape == shape && s.now().Before(p.expires) {
		return p.at, nil
	}
	v, err, _ := c.group.Do(key, func() (any, error) {
		sqlText, args := l.seekPointsSQL(q.Sort, seekStride*q.PerPage)
		var at []seekPoint
		rq := s.db.Read()
		if err := rq.SelectContext(ctx, &at, rq.Rebind(sqlText), args...); err != nil {
			return nil, fmt.Errorf("find the seek points of a listing: %w", err)
		}
		c.mu.Lock()
		if old, ok := c.points[key]; ok {
			c.n -= len(old.at)
		}
		if c.points == nil || len(c.points) >= maxSeeks || c.n+len(at) > maxSeekPoints {
			c.points, c.n = map[string]seekPoints{}, 0
		}
		c.points[key] = seekPoints{at: at, shape: shape, expires: s.now().Add(seekTTL)}
		c.n += len(at)
		c.mu.Unlock()
		return at, nil
	})
	if err != nil {
		return nil, err
	}
	return v.([]seekPoint), nil
}

// seekPointsSQL returns SQL that selects, in listing order, the sort key
// (as k) and id of every stride-th product of the listing. It reads the
// listing's index entries once (a subtree's sorted together).
func (l listSQL) seekPointsSQL(s Sort, stride int) (string, []any) {
	col, dir := orderBy(s)
	where := strings.Join(l.where, " AND ")
	args := append([]any(nil), l.args...)
	if len(l.cats) > 0 {
		cond, cargs := categoryCond(l.d, l.cats)
		where += " AND " + cond
		args = append(args, cargs...)
	}
	k := col
	if col == "created_at" && l.d.Engine == db.SQLite {
		k = "CAST(created_at AS TEXT)" // the stored text, not a time to be formatted again
	}
	return `SELECT k, id FROM (SELECT ` + k + ` AS k, id, ROW_NUMBER() OVER (ORDER BY ` + col + ` ` + dir + `, id ` + dir + `) AS rn
		FROM products WHERE ` + where + `) r WHERE rn % ? = 0 ORDER BY rn`, append(args, stride)
}

// seekPart is one condition of the products after a seek point, with its
// arguments.
type seekPart struct {
	cond string
	args []any
}

// seekParts returns the conditions whose union keeps the products after the
// point p in the order of s, each a range of one listing index. PostgreSQL
// ranges over a (key, id) row comparison in the index. SQLite ranges over
// the key alone there (the id is the rowid, which its row-value ranges do
// not reach), so it would read every product that shares the point's key
// up to the point: most products share a rating, review count and sales of
// 0. On SQLite the products after the point are those with its key and a
// later id, then those with a later key.
func seekParts(d db.Dialect, s Sort, p *seekPoint) []seekPart {
	col, dir := orderBy(s)
	op := ">"
	if dir == "DESC" {
		op = "<"
	}
	a := d.OpaqueArg()
	if d.Engine != db.SQLite {
		return []seekPart{{"(" + col + ", id) " + op + " (?, ?)", []any{p.K, p.ID}}}
	}
	return []seekPart{
		{col + " = " + a + " AND id " + op + " " + a, []any{p.K, p.ID}},
		{col + " " + op + " " + a, []any{p.K}},
	}
}
