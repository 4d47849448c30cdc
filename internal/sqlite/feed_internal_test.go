package sqlite

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"
)

// TestFeedValues sends every kind of cell through a feed and reads the rows back: NULL, empty
// text (not NULL), integers at both ends, Chinese text, a blob, and a cell bigger than a chunk's
// first block of C memory, which makes the chunk move to a bigger one mid-row.
func TestFeedValues(t *testing.T) {
	db, err := Open(filepath.Join(t.TempDir(), "feed.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	tx, err := db.begin(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(tx.ctx, `CREATE TEMP TABLE got (n INTEGER PRIMARY KEY, a, b, c)`); err != nil {
		t.Fatal(err)
	}
	big := strings.Repeat("商户号", 40000) // 360 kB: far beyond the 3 kB a 4-row, 3-column chunk starts with
	type row struct {
		a, b, c any
	}
	want := []row{
		{nil, "", int64(0)},
		{int64(-1 << 63), int64(1<<63 - 1), "中国银联 UnionPay"},
		{[]byte{0, 1, 2, 0xff}, big, "after the big one"},
		{"x", []byte{}, nil},
		{"row five", "in the second chunk", int64(5)},
	}
	pool := newChunkPool(2, 4, 3)
	defer pool.close()
	chunks := make(chan feedChunk)
	go func() {
		defer close(chunks)
		c := pool.get()
		for _, r := range want {
			for _, v := range []any{r.a, r.b, r.c} {
				if err := c.value(v); err != nil {
					t.Error(err)
				}
			}
			if c.rows++; c.rows == 4 {
				chunks <- c
				c = pool.get()
			}
		}
		chunks <- c
	}()
	f, err := tx.openFeed([]string{"a", "b", "c"}, chunks, pool)
	if err != nil {
		t.Fatal(err)
	}
	defer f.close(tx)
	f.limit = len(want) + 1
	res, err := tx.ExecContext(tx.ctx, `INSERT INTO got (a, b, c) SELECT a, b, c FROM `+f.table)
	if err != nil {
		t.Fatal(err)
	}
	if n, _ := res.RowsAffected(); n != int64(len(want)) || !f.exhausted() {
		t.Fatalf("stored %d rows, want %d (exhausted %v)", n, len(want), f.exhausted())
	}
	rows, err := tx.QueryContext(tx.ctx, `SELECT a, b, c FROM got ORDER BY n`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for i := 0; rows.Next(); i++ {
		var got row
		if err := rows.Scan(&got.a, &got.b, &got.c); err != nil {
			t.Fatal(err)
		}
		for j, pair := range [][2]any{{got.a, want[i].a}, {got.b, want[i].b}, {got.c, want[i].c}} {
			if !sameCell(pair[0], pair[1]) {
				t.Errorf("row %d column %d: got %T %.40v, want %T %.40v", i+1, j+1, pair[0], pair[0], pair[1], pair[1])
			}
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
}

// sameCell compares a value read back from SQLite with the one sent. The driver reads text
// as string, and an empty blob as an empty or nil []byte.
func sameCell(got, want any) bool {
	switch w := want.(type) {
	case []byte:
		g, ok := got.([]byte)
		return ok && bytes.Equal(g, w)
	default:
		return got == want
	}
}
