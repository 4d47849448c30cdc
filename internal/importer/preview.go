package importer

import (
	"errors"
	"io"

	"github.com/posdesk/posdesk/internal/posdesk"
)

// Preview is the start of a file as a mapping screen shows it: the detected mapping, the first
// rows as cells (masked) and as the records they become, or their errors.
type Preview struct {
	Mapping Mapping
	Rows    []PreviewRow
	Stats   Stats
}

// PreviewRow is one data row of a preview.
type PreviewRow struct {
	Line   int
	Cells  []string // masked with posdesk.MaskText, the card column with posdesk.MaskCard
	Record *Record  // nil when the row was refused
	Err    error    // the posdesk.RowError of a refused row
}

// ReadPreview reads up to n data rows of r with opts. A file that cannot be read at all gives
// the same error NewReader or Next would.
func ReadPreview(r io.Reader, opts Options, n int) (*Preview, error) {
	rd, err := NewReader(r, opts)
	if err != nil {
		return nil, err
	}
	p := &Preview{Mapping: rd.Mapping()}
	cardCol := rd.col[idCard] - 1
	for len(p.Rows) < n {
		rec, err := rd.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil && !IsRowError(err) {
			return nil, err
		}
		row := PreviewRow{Record: rec, Err: err}
		if rec != nil {
			row.Line = rec.Line
		} else {
			var re posdesk.RowError
			errors.As(err, &re)
			row.Line = re.Line
		}
		if rd.last != nil && rd.lastLine == row.Line {
			row.Cells = make([]string, len(rd.last))
			for i, c := range rd.last {
				row.Cells[i] = posdesk.MaskText(cleanCell(c))
				if i == cardCol {
					if m, err := posdesk.MaskCard(row.Cells[i]); err == nil {
						row.Cells[i] = m
					}
				}
			}
		}
		p.Rows = append(p.Rows, row)
	}
	p.Stats = rd.Stats()
	return p, nil
}
