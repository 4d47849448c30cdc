package ui

import (
	"errors"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/theme"

	"github.com/posdesk/posdesk/internal/posdesk"
)

// rowsFrom returns n records with IDs from id down, and the cursor after the last of them.
func rowsFrom(id int64, n int) ([]*posdesk.Transaction, *posdesk.TxCursor) {
	var out []*posdesk.Transaction
	for i := 0; i < n; i++ {
		out = append(out, &posdesk.Transaction{ID: id - int64(i), Time: time.Unix(id-int64(i), 0)})
	}
	last := out[len(out)-1]
	return out, &posdesk.TxCursor{Time: last.Time, ID: last.ID}
}

func TestTxCachePaging(t *testing.T) {
	c := newTxCache(4, 2)
	if got := c.rows(); got != 1 {
		t.Fatalf("rows before any page = %d, want 1 (the loading row)", got)
	}
	r, need := c.row(0)
	if r != nil || need != 0 {
		t.Fatalf("row(0) = %v, need %d; want nil, page 0", r, need)
	}
	after, gen, ok := c.begin(0)
	if !ok || after != nil {
		t.Fatalf("begin(0) = %v, %v; want no cursor, ok", after, ok)
	}
	if _, _, again := c.begin(0); again {
		t.Error("begin(0) twice: the page would be fetched twice")
	}
	if _, need := c.row(0); need != -1 {
		t.Errorf("row(0) while loading asks for page %d", need)
	}

	p0, next0 := rowsFrom(100, 4)
	if !c.put(gen, 0, p0, next0) {
		t.Fatal("put of the current generation refused")
	}
	if got := c.rows(); got != 5 {
		t.Errorf("rows after page 0 = %d, want 5", got)
	}
	if r, need := c.row(1); r == nil || r.ID != 99 || need != -1 {
		t.Errorf("row(1) = %v, need %d; want ID 99, nothing to fetch", r, need)
	}
	// Half a page from the end of what is known, the next page is fetched ahead.
	if _, need := c.row(2); need != 1 {
		t.Errorf("row(2) asks for page %d, want 1 (fetch ahead)", need)
	}
	after, gen, _ = c.begin(1)
	if after == nil || after.ID != 97 {
		t.Fatalf("page 1 starts after %v, want ID 97", after)
	}
	p1, next1 := rowsFrom(96, 4)
	c.put(gen, 1, p1, next1)
	after, gen, _ = c.begin(2)
	p2, _ := rowsFrom(92, 3)
	c.put(gen, 2, p2, nil)
	if got := c.rows(); got != 11 || !c.done {
		t.Errorf("rows after the last page = %d (done %v), want 11, done", got, c.done)
	}
	if _, need := c.row(10); need != -1 {
		t.Errorf("row(10) on the last page asks for page %d", need)
	}

	// Only two pages stay in memory; page 0 was used least recently and is fetched again from
	// its cursor.
	if got := c.loaded(); got != 2 {
		t.Errorf("pages in memory = %d, want 2", got)
	}
	r, need = c.row(0)
	if r != nil || need != 0 {
		t.Errorf("evicted row(0) = %v, need %d; want nil, page 0", r, need)
	}
	r, need = c.row(5)
	if r == nil || r.ID != 95 || need != -1 {
		t.Errorf("row(5) = %v, need %d; want ID 95 from memory", r, need)
	}
	if after, _, ok := c.begin(1); ok {
		t.Errorf("begin(1) on a page in memory = %v, ok", after)
	}

	// A page answered after a reset belongs to the old filter and is dropped.
	_, old, _ := c.begin(0)
	c.reset()
	if c.put(old, 0, p0, next0) {
		t.Error("put of an old generation was taken")
	}
	if got := c.rows(); got != 1 {
		t.Errorf("rows after reset = %d, want 1", got)
	}

	// A failed load stops the table growing.
	_, gen, _ = c.begin(0)
	c.fail(gen, 0, errors.New("disk"))
	if got := c.rows(); got != 0 {
		t.Errorf("rows after a failed first page = %d, want 0", got)
	}
}

func TestTxCacheReplace(t *testing.T) {
	c := newTxCache(4, 2)
	_, gen, _ := c.begin(0)
	p0, _ := rowsFrom(10, 3)
	c.put(gen, 0, p0, nil)
	if !c.replace(&posdesk.Transaction{ID: 9, Note: "corrected"}) {
		t.Fatal("replace did not find ID 9")
	}
	if r, _ := c.row(1); r.Note != "corrected" {
		t.Errorf("row(1) note = %q after replace", r.Note)
	}
	if c.replace(&posdesk.Transaction{ID: 99}) {
		t.Error("replace found a record that is not loaded")
	}
	if c.empty() {
		t.Error("empty() with 3 rows loaded")
	}
}

// BenchmarkLedgerScroll draws every row of a 1,000,000-row ledger in order, as a user dragging
// the scroll bar to the end would, with pages fetched from a generated ledger. It reports the
// time per drawn row and the most rows held in memory at once.
func BenchmarkLedgerScroll(b *testing.B) {
	const total = 1_000_000
	base := time.Date(2024, 5, 31, 0, 0, 0, 0, time.UTC)
	fetch := func(after *posdesk.TxCursor, limit int) ([]*posdesk.Transaction, *posdesk.TxCursor) {
		start := int64(total)
		if after != nil {
			start = after.ID - 1
		}
		var rows []*posdesk.Transaction
		for id := start; id > 0 && len(rows) < limit; id-- {
			rows = append(rows, &posdesk.Transaction{ID: id, Time: base.Add(time.Duration(id) * time.Second),
				Amount: posdesk.NewMoney(id%100000, "CNY")})
		}
		if len(rows) < limit || rows[len(rows)-1].ID == 1 {
			return rows, nil
		}
		last := rows[len(rows)-1]
		return rows, &posdesk.TxCursor{Time: last.Time, ID: last.ID}
	}
	maxRows := 0
	for b.Loop() {
		c := newTxCache(ledgerPageSize, ledgerMaxPages)
		for i := 0; i < total; i++ {
			r, need := c.row(i)
			if need >= 0 {
				after, gen, _ := c.begin(need)
				rows, next := fetch(after, ledgerPageSize)
				c.put(gen, need, rows, next)
				r, _ = c.row(i)
			}
			if r == nil || r.ID != int64(total-i) {
				b.Fatalf("row %d = %v", i, r)
			}
			maxRows = max(maxRows, c.loaded()*ledgerPageSize)
		}
		if c.rows() != total {
			b.Fatalf("table length = %d, want %d", c.rows(), total)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*total), "ns/row")
	b.ReportMetric(float64(maxRows), "max-rows-in-memory")
}

func TestFlowLayout(t *testing.T) {
	objs := make([]fyne.CanvasObject, 7)
	for i := range objs {
		r := canvas.NewRectangle(nil)
		r.SetMinSize(fyne.NewSize(100, 20))
		objs[i] = r
	}
	pad := theme.Padding()
	tests := []struct {
		width      float32
		cols, rows int
	}{
		{4*100 + 3*pad, 4, 2},
		{2*100 + pad + 50, 2, 4},
		{60, 1, 7},
		{2000, 7, 1},
	}
	for _, tt := range tests {
		f := &flowLayout{}
		f.Layout(objs, fyne.NewSize(tt.width, 500))
		if got, want := f.MinSize(objs).Height, float32(tt.rows)*20+float32(tt.rows-1)*pad; got != want {
			t.Errorf("width %v: min height %v, want %v (%d lines)", tt.width, got, want, tt.rows)
		}
		last := objs[len(objs)-1].Position()
		if want := float32((len(objs)-1)/tt.cols) * (20 + pad); last.Y != want {
			t.Errorf("width %v: last object at y %v, want %v (%d columns)", tt.width, last.Y, want, tt.cols)
		}
	}
}
