package importer

import (
	"bytes"
	"math/rand/v2"
	"testing"

	"golang.org/x/text/encoding/simplifiedchinese"
)

// decodeGB (runs of multi-byte characters decoded once and remembered) must give exactly what
// the x/text decoder gives for the whole line, and refuse exactly the lines it cannot decode.
func TestDecodeGBMatchesXText(t *testing.T) {
	enc := simplifiedchinese.GB18030.NewEncoder()
	words := []string{"工商银行", "借记卡", "消费", "退货", "合计", "商户", "€", "😀", "𠀋", "ｱ", "，"}
	var pieces [][]byte
	for _, w := range words {
		b, err := enc.Bytes([]byte(w))
		if err != nil {
			t.Fatal(err)
		}
		pieces = append(pieces, b)
	}
	pieces = append(pieces, []byte("6228480000001234"), []byte(","), []byte("\""), []byte(" "), []byte("@A~"),
		[]byte{0x81}, []byte{0xFF}, []byte{0x80}, []byte{0x81, 0x30}, []byte{0xB0, 0x2C})
	rng := rand.New(rand.NewPCG(1, 2))
	d := &decoder{name: "x.csv", enc: EncodingGB18030, gb: simplifiedchinese.GB18030.NewDecoder()}
	for i := 0; i < 20000; i++ {
		var line []byte
		for k := rng.IntN(12); k >= 0; k-- {
			line = append(line, pieces[rng.IntN(len(pieces))]...)
		}
		line = append(line, '\n')
		want, err := simplifiedchinese.GB18030.NewDecoder().Bytes(line)
		wantOK := err == nil && (!bytes.Contains(want, []byte("\uFFFD")) || bytes.Contains(line, gb18030FFFD))
		d.err = nil
		got, ok := d.decodeGB(line)
		if ok != wantOK {
			t.Fatalf("line % x: ok %v, x/text ok %v (%q)", line, ok, wantOK, want)
		}
		if ok && !bytes.Equal(got, want) {
			t.Fatalf("line % x: %q, x/text %q", line, got, want)
		}
		if !ok && d.err == nil {
			t.Fatalf("line % x refused without a reason", line)
		}
	}
	// U+FFFD written as GB18030 (84 31 A4 37) is text; a bad byte beside it is still refused.
	d.err = nil
	if got, ok := d.decodeGB([]byte("a\x84\x31\xA4\x37b\n")); !ok || string(got) != "a\uFFFDb\n" {
		t.Fatalf("encoded U+FFFD: %q, %v", got, ok)
	}
	d.err = nil
	if _, ok := d.decodeGB([]byte("\x84\x31\xA4\x37,\xFF\n")); ok {
		t.Fatal("a bad byte beside an encoded U+FFFD was accepted")
	}
}
