package catalog

import (
	"strconv"
	"sync"
	"time"

	"golang.org/x/sync/singleflight"
)

const (
	// pageTTL is how long a listing page is served from memory. Writes
	// through this Service clear the cache at once; other app nodes see a
	// change after at most this long.
	pageTTL  = 2 * time.Second
	maxPages = 512 // cached pages; the cache is emptied when full
)

// pageCache keeps recent listing pages. The zero value is ready to use.
type pageCache struct {
	mu    sync.Mutex // guards pages
	pages map[string]cachedPage
	group singleflight.Group
}

type cachedPage struct {
	res     ListResult
	gen     uint64
	expires time.Time
}

// get returns the cached page for q, or loads it with load. Concurrent
// callers missing the same page wait for one load.
func (c *pageCache) get(s *Service, q ListQuery, load func() (ListResult, error)) (ListResult, error) {
	key := pageKey(q)
	gen := s.gen.Load()
	now := s.now()
	c.mu.Lock()
	p, ok := c.pages[key]
	c.mu.Unlock()
	if ok && p.gen == gen && now.Before(p.expires) {
		return p.res, nil
	}
	v, err, _ := c.group.Do(key, func() (any, error) {
		res, err := load()
		if err != nil {
			return ListResult{}, err
		}
		c.mu.Lock()
		if c.pages == nil || len(c.pages) >= maxPages {
			c.pages = map[string]cachedPage{}
		}
		c.pages[key] = cachedPage{res: res, gen: gen, expires: s.now().Add(pageTTL)}
		c.mu.Unlock()
		return res, nil
	})
	if err != nil {
		return ListResult{}, err
	}
	return v.(ListResult), nil
}

func pageKey(q ListQuery) string {
	return countKey(q) + "\x00" + string(q.Sort) + "\x00" + strconv.Itoa(q.Page) + "\x00" + strconv.Itoa(q.PerPage)
}
