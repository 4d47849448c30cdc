// Package importertest writes large, realistic statement files for benchmarks and load tests:
// the settlement statement shape of the samples (Chinese headers, GBK, a title line, a 合计
// totals row), with card numbers already masked as acquirers print them.
package importertest

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/transform"
)

// SettlementHeader is the header row of the generated statements (the Lakala-like sample shape).
const SettlementHeader = "商户编号,商户名称,终端编号,交易日期,交易时间,交易类型,卡号,卡类型,交易金额(元),手续费(元),清算金额(元),系统参考号,凭证号,批次号,备注"

var bins = []string{"518710", "622202", "436742", "621700"}

// Start is the time of the first generated row, as a shop-local wall-clock time.
var Start = time.Date(2026, 9, 14, 0, 0, 0, 0, time.UTC)

// Row returns the fields of generated statement row i (0-based): a sale on one of four
// terminals, one every 2 seconds from Start, amounts from 1.00 to 2,999.99
// with a 0.38% fee, RRN yyMMdd + a 6-digit sequence, trace and batch numbers as terminals count
// them. Every 1000th row is a refund.
func Row(i int) (date, clock, kind, card, amount, fee, net, rrn, trace, batch, terminal string) {
	t := Start.Add(time.Duration(i) * 2 * time.Second)
	date, clock = t.Format("20060102"), t.Format("150405")
	minor := int64(100 + (i*7919)%299900)
	feeMinor := (minor*38 + 5000) / 10000
	kind = "消费"
	if i%1000 == 999 {
		kind = "退货"
	}
	card = fmt.Sprintf("%s******%04d", bins[i%len(bins)], (i*37)%10000)
	amount = fmt.Sprintf("%d.%02d", minor/100, minor%100)
	fee = fmt.Sprintf("%d.%02d", feeMinor/100, feeMinor%100)
	net = fmt.Sprintf("%d.%02d", (minor-feeMinor)/100, (minor-feeMinor)%100)
	rrn = fmt.Sprintf("%s%06d", t.Format("060102"), i%1000000)
	trace = fmt.Sprintf("%06d", i%999999+1)
	batch = fmt.Sprintf("%06d", i/999999+12)
	terminal = fmt.Sprintf("610000%02d", 42+i%4)
	return
}

// WriteSettlementCSV writes a settlement statement of rows data rows to w in GBK: a title line,
// the header, the rows and a 合计 totals row. About 138 bytes per row.
func WriteSettlementCSV(w io.Writer, rows int) error { return WriteSettlementRange(w, 0, rows) }

// WriteSettlementRange writes a statement holding rows from to to-1 (see Row), so that two files
// can overlap.
func WriteSettlementRange(w io.Writer, from, to int) error {
	return WriteSettlementRanges(w, [2]int{from, to})
}

// WriteSettlementRanges writes a statement holding the rows of each [from, to) range in turn.
func WriteSettlementRanges(w io.Writer, ranges ...[2]int) error {
	enc := transform.NewWriter(w, simplifiedchinese.GBK.NewEncoder())
	bw := bufio.NewWriterSize(enc, 1<<20)
	fmt.Fprintf(bw, "晨光便利店 商户交易明细对账单,,,,,,,,,,,,,,\r\n%s\r\n", SettlementHeader)
	for _, r := range ranges {
		for i := r[0]; i < r[1]; i++ {
			date, clock, kind, card, amount, fee, net, rrn, trace, batch, term := Row(i)
			if _, err := fmt.Fprintf(bw, "822290070111234,晨光便利店朝阳门店,%s,%s,%s,%s,%s,借记卡,%s,%s,%s,%s,%s,%s,\r\n",
				term, date, clock, kind, card, amount, fee, net, rrn, trace, batch); err != nil {
				return err
			}
		}
	}
	fmt.Fprintf(bw, "合计,,,,,,,,,,,,,,\r\n")
	if err := bw.Flush(); err != nil {
		return err
	}
	return enc.Close()
}

// SettlementFile writes a statement of rows rows into dir and returns its path.
func SettlementFile(dir string, rows int) (string, error) {
	path := filepath.Join(dir, fmt.Sprintf("settlement_%d.csv", rows))
	f, err := os.Create(path)
	if err != nil {
		return "", err
	}
	if err := WriteSettlementCSV(f, rows); err != nil {
		f.Close()
		return "", err
	}
	return path, f.Close()
}
