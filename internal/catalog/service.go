package catalog

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/mallang/mallang/internal/audit"
	"github.com/mallang/mallang/internal/db"
)

// ThumbnailQueue is how AddImage asks for the thumbnails of a new image. It
// is called inside AddImage's transaction with that transaction's querier,
// so the job is enqueued if and only if the image is stored.
type ThumbnailQueue interface {
	EnqueueThumbnails(ctx context.Context, q db.Querier, imageID int64) error
}

// How long cached reads may lag behind writes made by other app nodes (or
// other processes). Writes through this Service invalidate its caches at
// once.
const (
	categoryTTL = 30 * time.Second
	countTTL    = 10 * time.Second
	maxCounts   = 4096 // cached listing totals; the cache is emptied when full
)

// Service is the catalog: categories, products and their variants, images,
// listings and search. It is safe for concurrent use.
type Service struct {
	db     *db.DB
	now    func() time.Time
	log    *slog.Logger
	thumbs ThumbnailQueue
	// audit records the staff's changes (the admin methods) in their
	// transactions; it is the shop's one audit log on the same database.
	audit *audit.Log

	// tree is the cached category tree; nil means load it on next use.
	tree   atomic.Pointer[categoryTree]
	loadMu sync.Mutex // serialises loading the tree

	// gen counts writes through this Service; cached totals of an older
	// generation are stale.
	gen      atomic.Uint64
	countsMu sync.Mutex // guards counts
	counts   map[string]cachedCount

	// shape counts the writes that can move products within a listing
	// (every write but a sale's or a return's stock); seek points of an
	// older shape are dropped.
	shape atomic.Uint64

	pages pageCache
	seeks seekCache

	houseMu     sync.Mutex // guards houseSeller
	houseSeller int64

	// synonyms is the search's synonym list as last read; nil means read
	// it on next use.
	synonyms atomic.Pointer[synonymSet]

	// watcher is told of price and stock changes (Watch); nil: no one.
	watcher atomic.Pointer[watcherBox]
}

type cachedCount struct {
	n       int
	gen     uint64
	expires time.Time
}

// NewService returns the catalog on d. now gives the current time (UTC is
// taken from it); thumbs receives thumbnail jobs for new images and is
// required (NewService panics without it, a wiring mistake every start
// would show).
func NewService(d *db.DB, now func() time.Time, log *slog.Logger, thumbs ThumbnailQueue) *Service {
	if thumbs == nil {
		panic("catalog: NewService needs a thumbnail queue")
	}
	if log == nil {
		panic("catalog: NewService without a logger")
	}
	return &Service{
		db:     d,
		now:    now,
		log:    log,
		thumbs: thumbs,
		audit:  audit.New(d, now),
		counts: map[string]cachedCount{},
	}
}

// changed marks every cached listing total and page stale and drops the
// seek points; every product write calls it after its transaction commits.
func (s *Service) changed() {
	s.shape.Add(1)
	s.gen.Add(1)
}

// stockChanged marks cached totals and pages stale after a sale or a
// return changed stock; the seek points stay (see seekTTL).
func (s *Service) stockChanged() { s.gen.Add(1) }

// cachedTotal returns a listing total counted earlier, if it is still fresh.
func (s *Service) cachedTotal(key string) (int, bool) {
	s.countsMu.Lock()
	defer s.countsMu.Unlock()
	c, ok := s.counts[key]
	if !ok || c.gen != s.gen.Load() || !s.now().Before(c.expires) {
		return 0, false
	}
	return c.n, true
}

// keepTotal caches a listing total counted at generation gen.
func (s *Service) keepTotal(key string, n int, gen uint64) {
	s.countsMu.Lock()
	defer s.countsMu.Unlock()
	if len(s.counts) >= maxCounts {
		clear(s.counts)
	}
	s.counts[key] = cachedCount{n: n, gen: gen, expires: s.now().Add(countTTL)}
}

// House returns the id of the house seller, which the first migration
// creates and which never changes: the seller of every product staff, the
// seed or an import create. It reads it on q once and remembers it.
func (s *Service) House(ctx context.Context, q db.Querier) (int64, error) {
	s.houseMu.Lock()
	defer s.houseMu.Unlock()
	if s.houseSeller != 0 {
		return s.houseSeller, nil
	}
	id, err := houseSellerID(ctx, q)
	if err != nil {
		return 0, fmt.Errorf("find house seller: %w", err)
	}
	s.houseSeller = id
	return id, nil
}
