package sqlite

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"modernc.org/sqlite/vtab"
)

// A feed hands the rows of a bulk insert to SQLite as a virtual table, so that one
// INSERT … SELECT stores a whole file. Binding the values of a multi-row INSERT instead costs
// the driver, for every text value, a C allocation, a name lookup and two calls that take the
// connection's mutex (bind, then unbind after the step): for a million 17-column settlement
// lines that was 1.7 s of the 3.9 s spent writing, and the rest of the time went to running
// 8,000 statements. A virtual-table column costs a copy into C memory and SQLite's own copy,
// without the lookups and the mutex (measured alone: 3.8 s to write a million rows bound, 2.0 s
// through the feed).
//
// The rows come from a producing goroutine in chunks (a flat []any, cols values per row);
// the virtual table is read on the writer's goroutine while the producer prepares the next
// chunks. A feed can be read by several statements in turn, each taking at most limit rows:
// the import decides after the first rows whether to set the table's indexes aside.

// feedModuleName is the name of the virtual table module every connection has.
const feedModuleName = "posdesk_feed"

func init() {
	if err := vtab.RegisterModule(nil, feedModuleName, feedModule{}); err != nil {
		panic(fmt.Sprintf("register %s: %v", feedModuleName, err))
	}
}

// feedChunk is a group of rows: rows*cols values, row after row.
type feedChunk struct {
	args     []any
	rows     int
	currency string // of an import's rows, which all share it (a known ISO 4217 code)
	buf      []byte // bytes the producer's values point into (fingerprints)
}

// chunkPool hands the producer back the chunks the feed has finished with: SQLite copies every
// value it reads, so their memory can hold the next rows (a million-row import otherwise
// allocates 300 MB of chunks for the garbage collector).
type chunkPool chan feedChunk

// get returns a used chunk, emptied, if one is waiting.
func (p chunkPool) get() (feedChunk, bool) {
	select {
	case c := <-p:
		c.args, c.buf, c.rows = c.args[:0], c.buf[:0], 0
		return c, true
	default:
		return feedChunk{}, false
	}
}

// put offers a chunk for reuse; when the pool is full it is left to the garbage collector.
func (p chunkPool) put(c feedChunk) {
	select {
	case p <- c:
	default:
	}
}

// feed is the state of one bulk insert's rows: the chunk being read and how far.
type feed struct {
	id     int64
	ctx    context.Context
	cols   []string
	chunks <-chan feedChunk
	pool   chunkPool // where read chunks go back to the producer; may be nil
	table  string    // the temp virtual table's qualified name

	cur   feedChunk
	row   int  // the next row of cur to hand out
	done  bool // chunks is closed and drained
	limit int  // rows the current statement may still take
	taken int  // rows taken since the feed was opened
	err   error
}

var (
	feeds   sync.Map // id -> *feed
	feedIDs atomic.Int64
)

// openFeed creates the temp virtual table that reads chunks inside tx. Its columns are cols,
// in order. Chunks it has read go to pool when not nil. Close the feed when the statements that
// read it are done.
func (tx *Tx) openFeed(cols []string, chunks <-chan feedChunk, pool chunkPool) (*feed, error) {
	f := &feed{id: feedIDs.Add(1), ctx: tx.ctx, cols: cols, chunks: chunks, pool: pool}
	f.table = "temp.posdesk_feed_" + strconv.FormatInt(f.id, 10)
	feeds.Store(f.id, f)
	if _, err := tx.ExecContext(tx.ctx, `CREATE VIRTUAL TABLE `+f.table+` USING `+feedModuleName+`(`+strconv.FormatInt(f.id, 10)+`)`); err != nil {
		feeds.Delete(f.id)
		return nil, err
	}
	return f, nil
}

// close drops the virtual table; the transaction's rollback would too.
func (f *feed) close(tx *Tx) {
	tx.ExecContext(context.WithoutCancel(tx.ctx), `DROP TABLE IF EXISTS `+f.table)
	feeds.Delete(f.id)
}

// exhausted reports whether every row has been handed out. It waits for the next chunk when
// the current one is used up.
func (f *feed) exhausted() bool {
	f.fill()
	return f.done
}

// fill makes cur hold an unread row, waiting for the producer, unless the chunks are done.
func (f *feed) fill() {
	for !f.done && f.row >= f.cur.rows {
		select {
		case c, ok := <-f.chunks:
			if !ok {
				f.done = true
				return
			}
			if f.pool != nil && f.cur.args != nil {
				f.pool.put(f.cur)
			}
			f.cur, f.row = c, 0
		case <-f.ctx.Done():
			f.err, f.done = f.ctx.Err(), true
		}
	}
}

// columns lists the feed's columns for an INSERT … SELECT.
func (f *feed) columns() string { return strings.Join(f.cols, ", ") }

// feedModule creates the virtual tables of feeds: CREATE VIRTUAL TABLE temp.x USING
// posdesk_feed(ID).
type feedModule struct{}

func (feedModule) Create(ctx vtab.Context, args []string) (vtab.Table, error) {
	return feedModule{}.Connect(ctx, args)
}

func (feedModule) Connect(ctx vtab.Context, args []string) (vtab.Table, error) {
	// args: module name, database name, table name, then the module's arguments.
	if len(args) != 4 {
		return nil, errors.New("posdesk_feed takes one argument, the feed id")
	}
	id, err := strconv.ParseInt(strings.TrimSpace(args[3]), 10, 64)
	if err != nil {
		return nil, fmt.Errorf("posdesk_feed: bad feed id %q", args[3])
	}
	v, ok := feeds.Load(id)
	if !ok {
		return nil, fmt.Errorf("posdesk_feed: no feed %d", id)
	}
	f := v.(*feed)
	if err := ctx.Declare(`CREATE TABLE x (` + f.columns() + `)`); err != nil {
		return nil, err
	}
	return feedTable{f}, nil
}

// feedTable is a feed's virtual table: one full scan, in order.
type feedTable struct{ f *feed }

func (t feedTable) BestIndex(info *vtab.IndexInfo) error {
	info.EstimatedCost, info.EstimatedRows = 1e9, 1e9
	return nil
}

func (t feedTable) Open() (vtab.Cursor, error) { return feedCursor{t.f}, nil }
func (feedTable) Disconnect() error            { return nil }
func (feedTable) Destroy() error               { return nil }

// feedCursor reads the feed. A statement takes rows until it has taken limit of them or the
// producer is done; the next statement goes on from there.
type feedCursor struct{ f *feed }

func (c feedCursor) Filter(int, string, []vtab.Value) error {
	c.f.fill()
	return c.f.err
}

func (c feedCursor) Next() error {
	f := c.f
	f.row++
	f.taken++
	f.limit--
	if f.limit > 0 {
		f.fill()
	}
	return f.err
}

func (c feedCursor) Eof() bool {
	f := c.f
	return f.limit <= 0 || f.done || f.row >= f.cur.rows
}

func (c feedCursor) Column(col int) (vtab.Value, error) {
	f := c.f
	return f.cur.args[f.row*len(f.cols)+col], nil
}

func (c feedCursor) Rowid() (int64, error) { return int64(c.f.taken), nil }
func (feedCursor) Close() error            { return nil }
