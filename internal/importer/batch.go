package importer

import (
	"iter"

	"github.com/posdesk/posdesk/internal/posdesk"
)

// WithBatch passes the lines of seq (SettlementLines, BankLines or POSLines of rd) through to
// an import service and, once they have all been read, records on b what only the end of the
// file tells: the rows rd skipped and the file's SHA-256, which rd computes as it reads, so a
// file is read once. each, when not nil, is called after every row (for progress).
func WithBatch[T any](rd *Reader, b *posdesk.ImportBatch, seq iter.Seq2[T, error], each func()) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		for v, err := range seq {
			if each != nil {
				each()
			}
			if !yield(v, err) {
				return
			}
		}
		b.Skipped = rd.Stats().Skipped()
		b.FileSHA256 = rd.SHA256()
	}
}
