package importer_test

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/posdesk/posdesk/internal/importer"
	"github.com/posdesk/posdesk/internal/posdesk"
)

// FuzzRead feeds arbitrary files to the reader: it must never panic, every row must come back
// as a record or a line-numbered row error, and no card number may survive in any text field.
func FuzzRead(f *testing.F) {
	for _, name := range []string{"pos_export_en.csv", "settlement_gbk.csv", "bank_statement.csv", "gb18030_title_totals.csv",
		"utf8_bom_english.csv", "tab_guards.tsv", "corrupt_gbk.csv", "pos_cn_statuses.csv", "bank_gb18030_direction.csv"} {
		b, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		if len(b) > 1024 {
			b = b[:1024]
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > 1<<16 {
			return
		}
		lines := bytes.Count(data, []byte("\n")) + 1
		// Detection, and one forced kind picked by the input, keep each run short.
		forced := []posdesk.ImportKind{posdesk.ImportPOS, posdesk.ImportSettlement, posdesk.ImportBank}[len(data)%3]
		for _, kind := range []posdesk.ImportKind{"", forced} {
			rd, err := importer.NewReader(bytes.NewReader(data), importer.Options{Kind: kind, FileName: "f.csv", Location: shanghai})
			if err != nil {
				if posdesk.ErrorCode(err) != posdesk.EINVALID {
					t.Fatalf("NewReader error %v is not EINVALID", err)
				}
				continue
			}
			for n := 0; ; n++ {
				if n > lines+1 {
					t.Fatalf("more rows than lines (%d)", lines)
				}
				rec, err := rd.Next()
				if errors.Is(err, io.EOF) {
					break
				}
				var re posdesk.RowError
				if errors.As(err, &re) {
					if re.Line < 1 || re.Line > lines || re.Err == nil {
						t.Fatalf("row error %+v outside the file's %d lines", re, lines)
					}
					continue
				}
				if err != nil {
					if posdesk.ErrorCode(err) != posdesk.EINVALID {
						t.Fatalf("Next error %v is not EINVALID", err)
					}
					break
				}
				checkRecord(t, rec, lines)
			}
			st := rd.Stats()
			if st.Rows != st.Good+st.Refused {
				t.Fatalf("stats %+v do not add up", st)
			}
		}
	})
}

func checkRecord(t *testing.T, rec *importer.Record, lines int) {
	t.Helper()
	if rec.Line < 1 || rec.Line > lines {
		t.Fatalf("record line %d outside 1..%d", rec.Line, lines)
	}
	var texts, free []string
	var fp posdesk.Fingerprint
	switch {
	case rec.Settlement != nil:
		s := rec.Settlement
		texts = []string{s.MerchantID, s.TerminalID, s.Batch, s.Trace, s.RRN, s.AuthCode, s.Card}
		free = []string{s.CardType, s.Issuer}
		fp = s.Fingerprint
		if s.Time.IsZero() || s.Time.Location() != time.UTC || s.Amount.Currency == "" {
			t.Fatalf("settlement line %+v", s)
		}
	case rec.Bank != nil:
		b := rec.Bank
		free = []string{b.Description, b.Counterparty}
		fp = b.Fingerprint
		if b.Date.IsZero() || b.Credit.IsNegative() || b.Debit.IsNegative() {
			t.Fatalf("bank line %+v", b)
		}
	case rec.POS != nil:
		x := rec.POS.Tx
		texts = []string{x.Merchant, x.Terminal, x.Batch, x.Trace, x.RRN, x.AuthCode, x.Card}
		free = []string{x.Scheme, x.Note}
		fp = rec.POS.Fingerprint
		if err := x.Validate(); err != nil {
			t.Fatalf("POS row does not validate: %v", err)
		}
	default:
		t.Fatal("empty record")
	}
	if fp.IsZero() {
		t.Fatalf("fingerprint %q", fp)
	}
	// Every field is already masked: masking again changes nothing. (Identifiers of up to 15
	// characters, such as 15-digit merchant IDs, are not card numbers and are kept.)
	for _, s := range texts {
		if len(s) > 15 && posdesk.MaskText(s) != s {
			t.Fatalf("card number left in %q", s)
		}
	}
	for _, s := range free {
		if posdesk.MaskText(s) != s {
			t.Fatalf("card number left in %q", s)
		}
	}
}

// FuzzParseAmount: any string parses to an amount that prints and parses back to itself, or to
// an EINVALID error on field amount; never a panic.
func FuzzParseAmount(f *testing.F) {
	for _, s := range []string{"124.00", "1,288.00", "¥58", "￥１２.５０", "(12.00)", "12.00-", `="5.00"`, "100 DR", "-", "1e5", "9999999999999999.99", "0.001"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		m, err := importer.ParseAmount(s, "CNY")
		if err != nil {
			if posdesk.ErrorCode(err) != posdesk.EINVALID || posdesk.ErrorField(err) != "amount" {
				t.Fatalf("ParseAmount(%q) error %v", s, err)
			}
			return
		}
		back, err := importer.ParseAmount(m.Plain(), "CNY")
		if err != nil || !back.Equal(m) {
			t.Fatalf("ParseAmount(%q) = %s, which parses back to %v, %v", s, m.Plain(), back, err)
		}
		if m.Amount.Exponent() < -2 && !m.Amount.Equal(m.Amount.Truncate(2)) {
			t.Fatalf("ParseAmount(%q) = %s has more than 2 decimals", s, m.Amount)
		}
	})
}

// FuzzParseDate: any string parses to a calendar date that formats and parses back to itself, or to an EINVALID error; ParseDateTime never panics on it either.
func FuzzParseDate(f *testing.F) {
	for _, s := range []string{"2026-09-14", "2026/9/14", "20260914", "2026年9月14日", "14/09/2026", "46279", "2026-09-14 08:30:00", "20260914083000", "2026-02-30", "0830", "8:30 PM"} {
		f.Add(s, "08:30")
	}
	f.Fuzz(func(t *testing.T, date, clock string) {
		d, err := importer.ParseDate(date, "")
		if err != nil {
			if posdesk.ErrorCode(err) != posdesk.EINVALID {
				t.Fatalf("ParseDate(%q) error %v", date, err)
			}
		} else {
			if d.IsZero() || d.Year < 1899 || d.Year > 2200 {
				t.Fatalf("ParseDate(%q) = %s", date, d)
			}
			back, err := importer.ParseDate(d.String(), "")
			if err != nil || back != d {
				t.Fatalf("ParseDate(%q) = %s, back %s %v", date, d, back, err)
			}
		}
		tm, err := importer.ParseDateTime(date, clock, shanghai, importer.DateOrderMDY)
		if err == nil && tm.Location() != time.UTC {
			t.Fatalf("ParseDateTime(%q, %q) = %s not UTC", date, clock, tm)
		}
		if c, err := importer.ParseClock(clock); err == nil && (c < 0 || c >= 24*time.Hour) {
			t.Fatalf("ParseClock(%q) = %s", clock, c)
		}
	})
}
