package ui

import (
	"github.com/posdesk/posdesk/internal/posdesk"
)

// txCache holds the ledger rows of one filter as keyset pages, so a table over a million rows
// only ever holds a few thousand of them. Page i starts after cursor starts[i] (nil for page 0);
// the cursors of every page reached are kept, so a page evicted from memory is fetched again with
// one query. The table's length grows as pages arrive: rows() is the number of rows known, plus
// one "loading" row while more pages exist.
//
// All methods run on the UI goroutine; the loads themselves happen elsewhere and report back
// through put or fail with the generation they were started in, so answers for an old filter
// are dropped.
type txCache struct {
	pageSize int
	maxPages int // pages kept in memory; the least recently used beyond this are evicted

	gen     int
	starts  []*posdesk.TxCursor // starts[i]: cursor before page i; len = pages reachable
	pages   map[int][]*posdesk.Transaction
	used    map[int]int // page -> last use tick, for eviction
	tick    int
	loading map[int]bool
	known   int  // rows known: full pages before the furthest page plus its length
	done    bool // the last page has been fetched
	err     error
}

func newTxCache(pageSize, maxPages int) *txCache {
	c := &txCache{pageSize: pageSize, maxPages: maxPages}
	c.reset()
	return c
}

// reset forgets every row (a new filter or a new record) and starts a new generation.
func (c *txCache) reset() {
	c.gen++
	c.starts = []*posdesk.TxCursor{nil}
	c.pages = map[int][]*posdesk.Transaction{}
	c.used = map[int]int{}
	c.loading = map[int]bool{}
	c.known, c.done, c.err = 0, false, nil
}

// rows returns the table length: the rows known, plus a loading row while more may follow.
func (c *txCache) rows() int {
	if c.done || c.err != nil {
		return c.known
	}
	return c.known + 1
}

// empty reports whether the filter matched nothing (known only once the first page arrived).
func (c *txCache) empty() bool { return c.done && c.known == 0 }

// row returns row i, or nil when it is not in memory. need is the page to fetch for it (or to
// fetch ahead, near the end of what is known), or -1 when nothing needs fetching.
func (c *txCache) row(i int) (t *posdesk.Transaction, need int) {
	need = -1
	p := i / c.pageSize
	if rows, ok := c.pages[p]; ok {
		c.tick++
		c.used[p] = c.tick
		if off := i % c.pageSize; off < len(rows) {
			t = rows[off]
		}
	} else if p < len(c.starts) && !c.loading[p] {
		need = p
	}
	// Fetch ahead when within half a page of the end of what is known.
	if need < 0 && !c.done && c.err == nil && i >= c.known-c.pageSize/2 {
		if next := len(c.starts) - 1; !c.loading[next] {
			if _, ok := c.pages[next]; !ok {
				need = next
			}
		}
	}
	return t, need
}

// begin marks page p as loading and returns the filter cursor to load it with and the
// generation to report back with. ok is false if p cannot or need not be loaded now.
func (c *txCache) begin(p int) (after *posdesk.TxCursor, gen int, ok bool) {
	if p < 0 || p >= len(c.starts) || c.loading[p] {
		return nil, 0, false
	}
	if _, in := c.pages[p]; in {
		return nil, 0, false
	}
	c.loading[p] = true
	return c.starts[p], c.gen, true
}

// put stores page p of generation gen and the cursor of the page after it (nil on the last
// page). It reports whether the page was taken (false for an old generation).
func (c *txCache) put(gen, p int, rows []*posdesk.Transaction, next *posdesk.TxCursor) bool {
	if gen != c.gen {
		return false
	}
	delete(c.loading, p)
	c.pages[p] = rows
	c.tick++
	c.used[p] = c.tick
	if p == len(c.starts)-1 { // the furthest page so far
		c.known = p*c.pageSize + len(rows)
		if next == nil {
			c.done = true
		} else {
			c.starts = append(c.starts, next)
		}
	}
	c.evict()
	return true
}

// fail records that loading page p of generation gen failed; the table stops growing and the
// page is fetched again on the next reset.
func (c *txCache) fail(gen, p int, err error) bool {
	if gen != c.gen {
		return false
	}
	delete(c.loading, p)
	c.err = err
	return true
}

// replace swaps a record already in memory for its new version (after an edit or a void) and
// reports whether it was there.
func (c *txCache) replace(t *posdesk.Transaction) bool {
	for _, rows := range c.pages {
		for i, r := range rows {
			if r.ID == t.ID {
				rows[i] = t
				return true
			}
		}
	}
	return false
}

// loaded returns how many pages are in memory.
func (c *txCache) loaded() int { return len(c.pages) }

func (c *txCache) evict() {
	for len(c.pages) > c.maxPages {
		oldest, at := -1, 0
		for p, u := range c.used {
			if oldest < 0 || u < at {
				oldest, at = p, u
			}
		}
		delete(c.pages, oldest)
		delete(c.used, oldest)
	}
}
