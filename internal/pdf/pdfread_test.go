package pdf_test

import (
	"bytes"
	"compress/zlib"
	"context"
	"fmt"
	"math/rand/v2"
	"runtime/debug"
	"strings"
	"testing"
	"time"

	"github.com/posdesk/posdesk/internal/pdf"
	"github.com/posdesk/posdesk/internal/posdesk"
)

// mkPDF writes a PDF whose objects 1..n are objs, with a correct xref table; object 1 is the
// root. extraTrailer is added to the trailer dictionary.
func mkPDF(extraTrailer string, objs ...string) []byte {
	var b bytes.Buffer
	b.WriteString("%PDF-1.4\n")
	offs := make([]int, len(objs))
	for i, o := range objs {
		offs[i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(objs)+1)
	for _, o := range offs {
		fmt.Fprintf(&b, "%010d 00000 n \n", o)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R %s >>\nstartxref\n%d\n%%%%EOF\n", len(objs)+1, extraTrailer, xref)
	return b.Bytes()
}

func flate(b []byte) string {
	var z bytes.Buffer
	w := zlib.NewWriter(&z)
	w.Write(b)
	w.Close()
	return z.String()
}

func streamObj(dict string, data string) string {
	return fmt.Sprintf("<< %s /Length %d >>\nstream\n%s\nendstream", dict, len(data), data)
}

const onePage = "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 100] /Contents 4 0 R /Resources << >> >>"

func TestPDFPages(t *testing.T) {
	bomb := flate(make([]byte, 70<<20))
	tests := []struct {
		name   string
		data   []byte
		pages  int
		reason string // part of the error message; "" means no error
	}{
		{"ghostscript statement", mustRead(t, "bank_statement.pdf"), 2, ""},
		{"xref and object streams, rotated page", mustRead(t, "statement_rotated.pdf"), 2, ""},
		{"linearized with object streams (qpdf)", mustRead(t, "statement_linearized.pdf"), 2, ""},
		{"AES-128 with an owner password (qpdf)", mustRead(t, "statement_encrypted.pdf"), 0, "encrypted"},
		{"minimal", mkPDF("", "<< /Type /Catalog /Pages 2 0 R >>", "<< /Type /Pages /Kids [3 0 R] /Count 1 >>", onePage, streamObj("", "0 0 m 10 10 l S")), 1, ""},
		{"huge /Count is ignored", mkPDF("", "<< /Type /Catalog /Pages 2 0 R >>", "<< /Type /Pages /Kids [3 0 R] /Count 2147483647 >>", onePage, streamObj("", "")), 1, ""},
		{"page tree loop", mkPDF("", "<< /Type /Catalog /Pages 2 0 R >>", "<< /Type /Pages /Kids [2 0 R] /Count 1 >>"), 0, "loops"},
		{"same page twice", mkPDF("", "<< /Type /Catalog /Pages 2 0 R >>", "<< /Type /Pages /Kids [3 0 R 3 0 R] /Count 2 >>", onePage, streamObj("", "")), 0, "loops"},
		{"encrypted", mkPDF("/Encrypt 5 0 R", "<< /Type /Catalog /Pages 2 0 R >>", "<< /Type /Pages /Kids [3 0 R] /Count 1 >>", onePage, streamObj("", ""), "<< /Filter /Standard /V 1 /R 2 >>"), 0, "encrypted"},
		{"deep nesting", mkPDF("", "<< /Type /Catalog /Pages 2 0 R /X "+strings.Repeat("[", 100000)+" >>"), 0, "nest"},
		{"no pages", mkPDF("", "<< /Type /Catalog /Pages 2 0 R >>", "<< /Type /Pages /Kids [] /Count 0 >>"), 0, "no pages"},
		{"wrong xref offsets are repaired", bytes.Replace(mkPDF("", "<< /Type /Catalog /Pages 2 0 R >>", "<< /Type /Pages /Kids [3 0 R] /Count 1 >>", onePage, streamObj("", "")), []byte("0000000009 00000 n"), []byte("0000000001 00000 n"), 1), 1, ""},
		{"inflate bomb in an object stream", mkPDF("", "<< /Type /Catalog /Pages 2 0 R >>", "<< /Type /Pages /Kids [3 0 R] /Count 1 >>", onePage, streamObj("/Filter /FlateDecode", ""), streamObj("/Type /ObjStm /N 1 /First 4 /Filter /FlateDecode", bomb)), 1, ""},
		{"corrupt", mustRead(t, "corrupt.pdf"), 0, "catalog"},
		{"not a pdf", []byte("GIF89a....."), 0, "not a PDF"},
		{"empty", nil, 0, "not a PDF"},
		{"truncated", mustRead(t, "bank_statement.pdf")[:1500], 0, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			start := time.Now()
			got, err := pdf.PDFPages(tt.data)
			if d := time.Since(start); d > 5*time.Second {
				t.Errorf("took %v", d)
			}
			if tt.name == "truncated" {
				// Whatever the repair finds, it must end in an answer, not a crash.
				return
			}
			if tt.reason == "" {
				if err != nil || got != tt.pages {
					t.Errorf("PDFPages = %d, %v; want %d pages", got, err, tt.pages)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.reason) {
				t.Errorf("PDFPages = %d, %v; want an error about %q", got, err, tt.reason)
			}
			if err != nil && posdesk.ErrorCode(err) != posdesk.EINVALID {
				t.Errorf("error code %q, want EINVALID", posdesk.ErrorCode(err))
			}
		})
	}
}

// TestPacketWithHostilePDF puts an inflate bomb behind a page's content array: the exhibit is
// listed with a reason and the packet still builds.
func TestPacketWithHostilePDF(t *testing.T) {
	bomb := flate(make([]byte, 70<<20))
	hostile := mkPDF("", "<< /Type /Catalog /Pages 2 0 R >>", "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 100] /Contents [4 0 R 5 0 R] /Resources << >> >>",
		streamObj("", "0 0 m 10 10 l S"), streamObj("/Filter /FlateDecode", bomb))
	p := fixturePacket(t, pdf.LangEn)
	p.Exhibits = []pdf.Exhibit{{FileName: "bomb.pdf", Caption: "hostile", MediaType: "application/pdf", Original: hostile}}
	res, err := (&pdf.Renderer{Now: fixedNow}).Build(context.Background(), p)
	if err != nil {
		t.Fatal(err)
	}
	if res.Exhibits[0].Problem == "" || res.Exhibits[0].Pages != 0 {
		t.Errorf("hostile PDF: %+v, want a problem and no pages", res.Exhibits[0])
	}
}

func FuzzPDFPages(f *testing.F) {
	f.Add(mustRead(f, "bank_statement.pdf"))
	f.Add(mustRead(f, "statement_rotated.pdf"))
	f.Add(mustRead(f, "corrupt.pdf"))
	f.Add(mkPDF("", "<< /Type /Catalog /Pages 2 0 R >>", "<< /Type /Pages /Kids [3 0 R] /Count 1 >>", onePage, streamObj("", "0 0 m")))
	f.Fuzz(func(t *testing.T, data []byte) {
		done := make(chan struct{})
		defer close(done)
		go func() {
			select {
			case <-done:
			case <-time.After(15 * time.Second): // the reader's own limit is 10 s
				debug.SetTraceback("all")
				panic("PDFPages did not return within 15 s")
			}
		}()
		pdf.PDFPages(data) // must return, never panic or hang
	})
}

// TestReaderSurvivesMutations feeds the reader thousands of damaged copies of the fixtures
// (bytes changed to random or PDF-significant ones, runs cut out): each must come back, with
// pages or an error, quickly. FuzzPDFPages explores further with go test -fuzz.
func TestReaderSurvivesMutations(t *testing.T) {
	seeds := [][]byte{mustRead(t, "bank_statement.pdf"), mustRead(t, "statement_rotated.pdf"), mustRead(t, "corrupt.pdf")}
	rng := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 3000; i++ {
		s := append([]byte(nil), seeds[i%len(seeds)]...)
		for k := 0; k < 1+rng.IntN(8); k++ {
			j := rng.IntN(len(s))
			switch rng.IntN(3) {
			case 0:
				s[j] = byte(rng.IntN(256))
			case 1:
				s[j] = "0123456789 []<>/()R"[rng.IntN(19)]
			case 2:
				s = append(s[:j], s[min(len(s), j+rng.IntN(20)):]...)
			}
		}
		start := time.Now()
		pdf.PDFPages(s)
		if d := time.Since(start); d > 2*time.Second {
			t.Errorf("mutation %d took %v", i, d)
		}
	}
}
