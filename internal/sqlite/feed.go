package sqlite

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"unsafe"

	"modernc.org/libc"
	sqlite3 "modernc.org/sqlite/lib"
)

// A feed hands the rows of a bulk insert to SQLite as a virtual table, so that one
// INSERT … SELECT stores a whole file. Binding the values of a multi-row INSERT instead costs
// the driver, for every text value, a C allocation, a name lookup and two calls that take the
// connection's mutex (bind, then unbind after the step): writing a million settlement lines
// took 3.8 s bound, 2.0 s through a virtual table.
//
// The feed's virtual table is registered with SQLite directly (sqlite3_create_module_v2, on
// every connection through sqlite3_auto_extension) rather than through modernc.org/sqlite/vtab.
// That package hands each column value over as an interface, and for every one of them takes a
// lock, looks the cursor up in a map, copies a string into a fresh C allocation and frees it
// again: 0.9 s of CPU for the 17 million values of a million settlement lines. Here a column is
// one load from the chunk and one sqlite3_result_* call that copies the bytes: 0.13 s. The
// rows themselves are typed cells, not interfaces, which saves the producer boxing them.
//
// The rows come from a producing goroutine in chunks; the virtual table is read on the writer's
// goroutine while the producer prepares the next chunks. A feed can be read by several
// statements in turn, each taking at most limit rows: the import decides after the first rows
// whether to set the table's indexes aside.

// feedModuleName is the name of the virtual table module every connection has.
const feedModuleName = "posdesk_feed"

// feedChunk is a group of rows: cells row after row, the columns of the feed in order. A cell is
// an integer, a NULL, or text or a blob whose bytes are in buf.
//
// buf is C memory (see cMemory): SQLite copies text and blobs with its own code, which under
// the race detector's pointer checks may only read memory outside the Go heap.
type feedChunk struct {
	rows     int
	cells    []int64 // the integer, or for text and blobs offset<<32 | length in buf
	kinds    []cellKind
	buf      []byte // C memory from mem; never appended to beyond its capacity
	mem      *cMemory
	currency string // of an import's rows, which all share it (a known ISO 4217 code)
}

type cellKind uint8

const (
	cellNull cellKind = iota
	cellInt
	cellText
	cellBlob
)

// newFeedChunk returns an empty chunk with room for rows rows of cols cells, its bytes
// allocated from mem.
func newFeedChunk(mem *cMemory, rows, cols int) feedChunk {
	return feedChunk{cells: make([]int64, 0, rows*cols), kinds: make([]cellKind, 0, rows*cols), buf: mem.alloc(rows * cols * 12)[:0], mem: mem}
}

// reset empties c, keeping its memory.
func (c *feedChunk) reset() {
	c.rows, c.cells, c.kinds, c.buf, c.currency = 0, c.cells[:0], c.kinds[:0], c.buf[:0], ""
}

// mark and truncate take back the cells of a row that was refused half-way.
func (c *feedChunk) mark() (cells, buf int) { return len(c.cells), len(c.buf) }
func (c *feedChunk) truncate(cells, buf int) {
	c.cells, c.kinds, c.buf = c.cells[:cells], c.kinds[:cells], c.buf[:buf]
}

// bytes appends n bytes to buf, moving it to a bigger block of C memory when it is full, and
// returns them.
func (c *feedChunk) bytes(n int) []byte {
	off := len(c.buf)
	if off+n > cap(c.buf) {
		bigger := c.mem.alloc(max(2*cap(c.buf), off+n))
		copy(bigger, c.buf)
		c.buf = bigger[:off]
	}
	c.buf = c.buf[:off+n]
	return c.buf[off:]
}

func (c *feedChunk) int(v int64) {
	c.cells, c.kinds = append(c.cells, v), append(c.kinds, cellInt)
}

func (c *feedChunk) null() {
	c.cells, c.kinds = append(c.cells, 0), append(c.kinds, cellNull)
}

func (c *feedChunk) text(s string) {
	c.cells, c.kinds = append(c.cells, int64(len(c.buf))<<32|int64(len(s))), append(c.kinds, cellText)
	copy(c.bytes(len(s)), s)
}

// blob appends a blob cell of n bytes and returns them for the caller to fill.
func (c *feedChunk) blob(n int) []byte {
	c.cells, c.kinds = append(c.cells, int64(len(c.buf))<<32|int64(n)), append(c.kinds, cellBlob)
	return c.bytes(n)
}

// value appends a cell of one of the types the database/sql driver takes: nil, int64, string or
// []byte.
func (c *feedChunk) value(v any) error {
	switch v := v.(type) {
	case nil:
		c.null()
	case int64:
		c.int(v)
	case string:
		c.text(v)
	case []byte:
		copy(c.blob(len(v)), v)
	default:
		return fmt.Errorf("feed: a cell of type %T", v)
	}
	return nil
}

// chunkPool makes the chunks of one bulk insert and takes back the ones the feed has finished
// with: SQLite copies every value it reads, so their memory can hold the next rows (a
// million-row import otherwise allocates hundreds of MB of chunks). It owns the chunks' C
// memory: close it once the producer and the feed are done with them.
type chunkPool struct {
	used       chan feedChunk
	mem        *cMemory
	rows, cols int
}

func newChunkPool(size, rows, cols int) *chunkPool {
	return &chunkPool{used: make(chan feedChunk, size), mem: newCMemory(), rows: rows, cols: cols}
}

// get returns an empty chunk, a used one when one is waiting.
func (p *chunkPool) get() feedChunk {
	select {
	case c := <-p.used:
		c.reset()
		return c
	default:
		return newFeedChunk(p.mem, p.rows, p.cols)
	}
}

// put offers a chunk for reuse; when the pool is full it is dropped (its memory is freed with
// the pool's).
func (p *chunkPool) put(c feedChunk) {
	select {
	case p.used <- c:
	default:
	}
}

// close frees the memory of every chunk the pool made.
func (p *chunkPool) close() { p.mem.free() }

// feed is the state of one bulk insert's rows: the chunk being read and how far.
type feed struct {
	slot   int
	ctx    context.Context
	cols   []string
	chunks <-chan feedChunk
	pool   *chunkPool // where read chunks go back to the producer
	table  string     // the temp virtual table's qualified name

	cur   feedChunk
	row   int  // the next row of cur to hand out
	done  bool // chunks is closed and drained
	limit int  // rows the current statement may still take
	taken int  // rows taken since the feed was opened
	err   error
}

// maxFeeds is how many feeds can be open at once in the process (one per database being bulk
// written; tests open a few).
const maxFeeds = 64

var (
	// feedSlots holds the open feeds; a feed's virtual table and cursors know its slot.
	feedSlots [maxFeeds]atomic.Pointer[feed]
	feedNames atomic.Int64 // numbers the feeds' tables
)

// openFeed creates the temp virtual table that reads chunks inside tx. Its columns are cols,
// in order. Chunks it has read go back to pool. Close the feed when the statements that
// read it are done.
func (tx *Tx) openFeed(cols []string, chunks <-chan feedChunk, pool *chunkPool) (*feed, error) {
	f := &feed{slot: -1, ctx: tx.ctx, cols: cols, chunks: chunks, pool: pool}
	for i := range feedSlots {
		if feedSlots[i].CompareAndSwap(nil, f) {
			f.slot = i
			break
		}
	}
	if f.slot < 0 {
		return nil, fmt.Errorf("more than %d bulk inserts at once", maxFeeds)
	}
	f.table = "temp.posdesk_feed_" + strconv.FormatInt(feedNames.Add(1), 10)
	if _, err := tx.ExecContext(tx.ctx, `CREATE VIRTUAL TABLE `+f.table+` USING `+feedModuleName+`(`+strconv.Itoa(f.slot)+`)`); err != nil {
		feedSlots[f.slot].Store(nil)
		return nil, err
	}
	return f, nil
}

// close drops the virtual table; the transaction's rollback would too.
func (f *feed) close(tx *Tx) {
	tx.ExecContext(context.WithoutCancel(tx.ctx), `DROP TABLE IF EXISTS `+f.table)
	feedSlots[f.slot].Store(nil)
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
			if f.cur.cells != nil {
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

// eof reports whether the current statement has taken all the rows it may.
func (f *feed) eof() bool { return f.limit <= 0 || f.done || f.row >= f.cur.rows }

// next moves to the next row.
func (f *feed) next() {
	f.row++
	f.taken++
	f.limit--
	if f.limit > 0 {
		f.fill()
	}
}

// The module's C side. SQLite calls the functions below through C function pointers, with the
// addresses of structures it allocated (sqlite3_vtab, sqlite3_vtab_cursor, sqlite3_index_info)
// or posdesk allocated with SQLite's allocator. All of them are C memory, outside the Go heap:
// the garbage collector neither moves nor frees it, which is what makes turning such an
// address back into a pointer valid.

// feedVtab and feedCursor extend SQLite's structures, which come first, with the feed's slot.
type feedVtab struct {
	base sqlite3.Sqlite3_vtab
	slot int64
}

type feedCursor struct {
	base sqlite3.Sqlite3_vtab_cursor
	slot int64
}

// at turns the address of C memory into a pointer. It reads the address through memory instead
// of converting the uintptr, which go vet would report (it cannot tell C memory from Go memory);
// modernc.org/sqlite's generated code does the same.
func at[T any](p uintptr) *T { return *(**T)(unsafe.Pointer(&p)) }

// cFunc returns the C function pointer of a Go function, as modernc.org/sqlite's generated code
// calls it: the address of the function value's code pointer (https://golang.org/s/go11func).
func cFunc[T any](f T) uintptr { return *(*uintptr)(unsafe.Pointer(&struct{ f T }{f})) }

var feedModulePtr, feedModuleNamePtr uintptr

func init() {
	tls := libc.NewTLS()
	defer tls.Close()
	feedModulePtr = sqlite3.Xsqlite3_malloc(tls, int32(unsafe.Sizeof(sqlite3.Sqlite3_module{})))
	var err error
	if feedModuleNamePtr, err = libc.CString(feedModuleName); err != nil || feedModulePtr == 0 {
		panic("posdesk_feed: out of memory")
	}
	m := at[sqlite3.Sqlite3_module](feedModulePtr)
	*m = sqlite3.Sqlite3_module{FiVersion: 1}
	m.FxCreate = cFunc(feedConnect)
	m.FxConnect = cFunc(feedConnect)
	m.FxBestIndex = cFunc(feedBestIndex)
	m.FxDisconnect = cFunc(feedFree)
	m.FxDestroy = cFunc(feedFree)
	m.FxOpen = cFunc(feedOpen)
	m.FxClose = cFunc(feedFree)
	m.FxFilter = cFunc(feedFilter)
	m.FxNext = cFunc(feedNext)
	m.FxEof = cFunc(feedEOF)
	m.FxColumn = cFunc(feedColumn)
	m.FxRowid = cFunc(feedRowid)
	if rc := sqlite3.Xsqlite3_auto_extension(tls, cFunc(feedRegister)); rc != sqlite3.SQLITE_OK {
		panic(fmt.Sprintf("posdesk_feed: sqlite3_auto_extension: %d", rc))
	}
}

// feedRegister runs for every new connection (sqlite3_auto_extension).
func feedRegister(tls *libc.TLS, db, pzErrMsg, pThunk uintptr) int32 {
	return sqlite3.Xsqlite3_create_module_v2(tls, db, feedModuleNamePtr, feedModulePtr, 0, 0)
}

// feedConnect is xCreate and xConnect: CREATE VIRTUAL TABLE temp.x USING posdesk_feed(SLOT).
func feedConnect(tls *libc.TLS, db, pAux uintptr, argc int32, argv, ppVtab, pzErr uintptr) int32 {
	// argv: module name, database name, table name, then the module's arguments.
	if argc != 4 {
		return sqlite3.SQLITE_ERROR
	}
	slot, err := strconv.Atoi(strings.TrimSpace(libc.GoString(*at[uintptr](argv + 3*unsafe.Sizeof(uintptr(0))))))
	if err != nil || slot < 0 || slot >= maxFeeds {
		return sqlite3.SQLITE_ERROR
	}
	f := feedSlots[slot].Load()
	if f == nil {
		return sqlite3.SQLITE_ERROR
	}
	schema, err := libc.CString(`CREATE TABLE x (` + f.columns() + `)`)
	if err != nil {
		return sqlite3.SQLITE_NOMEM
	}
	rc := sqlite3.Xsqlite3_declare_vtab(tls, db, schema)
	libc.Xfree(tls, schema)
	if rc != sqlite3.SQLITE_OK {
		return rc
	}
	p := sqlite3.Xsqlite3_malloc(tls, int32(unsafe.Sizeof(feedVtab{})))
	if p == 0 {
		return sqlite3.SQLITE_NOMEM
	}
	*at[feedVtab](p) = feedVtab{slot: int64(slot)}
	*at[uintptr](ppVtab) = p
	return sqlite3.SQLITE_OK
}

// feedBestIndex: the only plan is a full scan in order.
func feedBestIndex(tls *libc.TLS, pVtab, pInfo uintptr) int32 {
	info := at[sqlite3.Sqlite3_index_info](pInfo)
	info.FestimatedCost, info.FestimatedRows = 1e9, 1e9
	return sqlite3.SQLITE_OK
}

// feedFree is xDisconnect, xDestroy and xClose: it frees the sqlite3_vtab or the
// sqlite3_vtab_cursor feedConnect or feedOpen allocated. The feed itself belongs to the Go side.
func feedFree(tls *libc.TLS, p uintptr) int32 {
	sqlite3.Xsqlite3_free(tls, p)
	return sqlite3.SQLITE_OK
}

func feedOpen(tls *libc.TLS, pVtab, ppCursor uintptr) int32 {
	p := sqlite3.Xsqlite3_malloc(tls, int32(unsafe.Sizeof(feedCursor{})))
	if p == 0 {
		return sqlite3.SQLITE_NOMEM
	}
	*at[feedCursor](p) = feedCursor{slot: at[feedVtab](pVtab).slot}
	*at[uintptr](ppCursor) = p
	return sqlite3.SQLITE_OK
}

// cursorFeed returns the feed a cursor reads.
func cursorFeed(pCursor uintptr) *feed { return feedSlots[at[feedCursor](pCursor).slot].Load() }

// feedFilter starts a statement's scan where the last one stopped.
func feedFilter(tls *libc.TLS, pCursor uintptr, idxNum int32, idxStr uintptr, argc int32, argv uintptr) int32 {
	f := cursorFeed(pCursor)
	if f == nil {
		return sqlite3.SQLITE_ERROR
	}
	f.fill()
	if f.err != nil {
		return sqlite3.SQLITE_ERROR // the caller reports f.err
	}
	return sqlite3.SQLITE_OK
}

func feedNext(tls *libc.TLS, pCursor uintptr) int32 {
	f := cursorFeed(pCursor)
	f.next()
	if f.err != nil {
		return sqlite3.SQLITE_ERROR
	}
	return sqlite3.SQLITE_OK
}

func feedEOF(tls *libc.TLS, pCursor uintptr) int32 {
	if cursorFeed(pCursor).eof() {
		return 1
	}
	return 0
}

// feedColumn hands SQLite one value of the current row. Text and blobs are copied by SQLite
// during the call (SQLITE_TRANSIENT), into memory the statement reuses from row to row.
func feedColumn(tls *libc.TLS, pCursor, ctx uintptr, col int32) int32 {
	f := cursorFeed(pCursor)
	c := &f.cur
	i := f.row*len(f.cols) + int(col)
	v := c.cells[i]
	switch c.kinds[i] {
	case cellInt:
		sqlite3.Xsqlite3_result_int64(tls, ctx, v)
	case cellText:
		sqlite3.Xsqlite3_result_text(tls, ctx, c.addr(v), int32(v&0xffffffff), sqlite3.SQLITE_TRANSIENT)
	case cellBlob:
		sqlite3.Xsqlite3_result_blob(tls, ctx, c.addr(v), int32(v&0xffffffff), sqlite3.SQLITE_TRANSIENT)
	default:
		sqlite3.Xsqlite3_result_null(tls, ctx)
	}
	return sqlite3.SQLITE_OK
}

// addr returns the address of the bytes of a text or blob cell, in C memory. An empty cell
// points at the start of buf, never at nothing: SQLite reads a null pointer as NULL.
func (c *feedChunk) addr(v int64) uintptr {
	return uintptr(unsafe.Pointer(unsafe.SliceData(c.buf))) + uintptr(v>>32)
}

// cMemory allocates the C memory of one bulk insert's chunks and frees all of it at the end.
type cMemory struct {
	mu     sync.Mutex
	tls    *libc.TLS
	blocks []uintptr
}

func newCMemory() *cMemory { return &cMemory{tls: libc.NewTLS()} }

// alloc returns n bytes of C memory (at least one) as a slice. It panics when the memory is
// exhausted, as the Go allocator would.
func (m *cMemory) alloc(n int) []byte {
	n = max(n, 1)
	m.mu.Lock()
	defer m.mu.Unlock()
	p := sqlite3.Xsqlite3_malloc64(m.tls, uint64(n))
	if p == 0 {
		panic(fmt.Sprintf("posdesk_feed: out of memory allocating %d bytes", n))
	}
	m.blocks = append(m.blocks, p)
	return unsafe.Slice(at[byte](p), n)
}

// free releases every block; nothing may use them afterwards.
func (m *cMemory) free() {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, p := range m.blocks {
		sqlite3.Xsqlite3_free(m.tls, p)
	}
	m.blocks = nil
	m.tls.Close()
}

func feedRowid(tls *libc.TLS, pCursor, pRowid uintptr) int32 {
	*at[int64](pRowid) = int64(cursorFeed(pCursor).taken)
	return sqlite3.SQLITE_OK
}
