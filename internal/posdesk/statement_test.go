package posdesk_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/posdesk/posdesk/internal/posdesk"
)

func TestImportBatchValidate(t *testing.T) {
	sum := strings.Repeat("ab", 32)
	tests := []struct {
		name  string
		batch posdesk.ImportBatch
		field string
	}{
		{"ok", posdesk.ImportBatch{Kind: posdesk.ImportSettlement, FileName: "a.csv", FileSHA256: sum}, ""},
		{"bad kind", posdesk.ImportBatch{Kind: "xlsx", FileName: "a.csv", FileSHA256: sum}, "kind"},
		{"no name", posdesk.ImportBatch{Kind: posdesk.ImportBank, FileSHA256: sum}, "file"},
		{"no sum", posdesk.ImportBatch{Kind: posdesk.ImportPOS, FileName: "a.csv"}, "file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.batch.Validate()
			if got, want := posdesk.ErrorField(err), tt.field; got != want {
				t.Fatalf("field = %q, want %q (err %v)", got, want, err)
			}
			if tt.field != "" && posdesk.ErrorCode(err) != posdesk.EINVALID {
				t.Fatalf("code = %q", posdesk.ErrorCode(err))
			}
		})
	}
}

func TestRowError(t *testing.T) {
	e := posdesk.RowError{Line: 17, Field: "amount", Err: posdesk.Invalid("amount", "Amount %q is not a number; write it like 1,288.00 or 1288.00.", "x")}
	if got, want := e.Error(), `line 17: Amount "x" is not a number; write it like 1,288.00 or 1288.00.`; got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
	if posdesk.ErrorField(e) != "amount" {
		t.Fatal("RowError does not unwrap to its *Error")
	}
}

func TestExceptionKindValid(t *testing.T) {
	for _, k := range posdesk.ExceptionKinds {
		if !k.Valid() {
			t.Errorf("%s not valid", k)
		}
	}
	if posdesk.ExceptionKind("other").Valid() {
		t.Error("unknown kind reported valid")
	}
}

// TestFingerprintText: a fingerprint reads as 64 lower-case hex digits, in JSON too.
func TestFingerprintText(t *testing.T) {
	f := posdesk.Fingerprint{0xab, 1}
	want := "ab01" + strings.Repeat("0", 60)
	if got := f.String(); got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
	b, err := json.Marshal(struct{ F posdesk.Fingerprint }{f})
	if err != nil || string(b) != `{"F":"`+want+`"}` {
		t.Errorf("JSON %s, %v", b, err)
	}
	if f.IsZero() || !(posdesk.Fingerprint{}).IsZero() {
		t.Error("IsZero is wrong")
	}
}
