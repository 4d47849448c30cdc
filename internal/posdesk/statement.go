package posdesk

import (
	"context"
	"encoding/hex"
	"iter"
	"strconv"
	"time"
)

// ImportKind says what kind of file an import batch came from.
type ImportKind string

// The kinds of file posdesk imports.
const (
	ImportPOS        ImportKind = "pos"        // the terminal's or POS system's transaction export
	ImportSettlement ImportKind = "settlement" // the acquirer's settlement statement (对账单)
	ImportBank       ImportKind = "bank"       // the shop's bank account statement
)

// ImportKinds lists the import kinds in menu order.
var ImportKinds = []ImportKind{ImportPOS, ImportSettlement, ImportBank}

// Valid reports whether k is one of the known import kinds.
func (k ImportKind) Valid() bool {
	switch k {
	case ImportPOS, ImportSettlement, ImportBank:
		return true
	}
	return false
}

// SettlementLine is one row of an acquirer's settlement statement: a transaction the acquirer
// cleared, what it charged as a fee and what it paid the shop. Unlike a ledger Transaction, whose
// Amount is never negative, a statement is a flow of money, so Amount and Net carry its direction:
// a sale is positive, a refund, void or reversal negative, and a day's Net lines add up to what the
// acquirer pays into the bank.
type SettlementLine struct {
	ID      int64 // storage ID; 0 until stored
	BatchID int64 // the import batch the line came from

	MerchantID string // 商户号
	TerminalID string // 终端号
	Batch      string // 批次号
	Trace      string // 凭证号 / 流水号
	RRN        string // 参考号, the best key to the ledger
	AuthCode   string // 授权码
	Card       string // masked card number (at most first 6 and last 4 digits)
	CardType   string // 卡类型 (debit, credit), as the statement writes it
	Issuer     string // 发卡行
	Kind       TxKind // the transaction kind, as in the ledger

	Amount Money // the transaction amount (交易金额)
	Fee    Money // the acquirer's fee (手续费)
	Net    Money // the amount settled to the shop (清算金额 / 结算金额)

	Time       time.Time // when the transaction happened, as a UTC instant
	SettleDate Date      // the settlement (clearing) date

	Line        int         // line number in the source file (1-based)
	Fingerprint Fingerprint // of the normalised row plus its occurrence index in the file
}

// Fingerprint is the SHA-256 of an imported row, normalised, plus its occurrence index in the
// file: two identical sales in one file differ by the index, and importing the file again
// gives the same fingerprints. The zero value is no fingerprint.
type Fingerprint [32]byte

// String returns f in lower-case hex.
func (f Fingerprint) String() string { return hex.EncodeToString(f[:]) }

// MarshalText writes f in hex, as String does (JSON, the audit log).
func (f Fingerprint) MarshalText() ([]byte, error) { return []byte(f.String()), nil }

// IsZero reports whether f is unset.
func (f Fingerprint) IsZero() bool { return f == Fingerprint{} }

// POSLine is a ledger transaction read from a row of a POS export, with the row's line number and
// fingerprint for de-duplication.
type POSLine struct {
	Tx          *Transaction
	Line        int         // line number in the source file (1-based)
	Fingerprint Fingerprint // of the normalised row plus its occurrence index in the file
}

// BankLine is one row of the shop's bank account statement.
type BankLine struct {
	ID      int64 // storage ID; 0 until stored
	BatchID int64 // the import batch the line came from

	Date         Date   // booking date (记账日期)
	Description  string // 摘要
	Counterparty string // 对方户名
	Credit       Money  // money in (收入金额); zero when none
	Debit        Money  // money out (支出金额); zero when none
	Balance      Money  // balance after the line (余额); zero when the statement has none

	Line        int         // line number in the source file (1-based)
	Fingerprint Fingerprint // of the normalised row plus its occurrence index in the file
}

// ImportBatch is one imported file. Its rows can be undone together: an undone batch stays on
// record (nothing is deleted silently) but its rows no longer count anywhere.
type ImportBatch struct {
	ID         int64
	Kind       ImportKind
	FileName   string // base name of the file, masked with MaskText
	FileSHA256 string // hex SHA-256 of the file's bytes
	Profile    string // name of the column profile used
	ImportedAt time.Time
	ImportedBy string // who imported it

	New       int // rows stored
	Duplicate int // rows already stored by an earlier import
	Skipped   int // blank, title, totals and repeated header rows
	Refused   int // rows with an error (see Errors)

	Errors   []RowError // the refused rows, with their line numbers
	UndoneAt time.Time  // zero while the batch counts
	UndoneBy string
}

// Undone reports whether the batch was undone.
func (b *ImportBatch) Undone() bool { return !b.UndoneAt.IsZero() }

// Validate returns an EINVALID error when the batch cannot be stored.
func (b *ImportBatch) Validate() error {
	if err := b.ValidateStart(); err != nil {
		return err
	}
	if len(b.FileSHA256) != 64 {
		return Invalid("file", "The import of %s has no file checksum.", b.FileName)
	}
	return nil
}

// ValidateStart checks what an import needs before its file is read: the kind and the file
// name. The file's checksum, which Validate also checks, may be known only once the file has
// been read (the importer hashes it as it goes).
func (b *ImportBatch) ValidateStart() error {
	if !b.Kind.Valid() {
		return Invalid("kind", "Import kind %q is not known; use pos, settlement or bank.", string(b.Kind))
	}
	if b.FileName == "" {
		return Invalid("file", "The import has no file name.")
	}
	return nil
}

// RowError is a row of an imported file that was refused: the file line it starts on, the field
// (column) at fault when known, and why.
type RowError struct {
	Line  int
	Field string
	Err   *Error
}

// Error returns the English message with the line number.
func (e RowError) Error() string {
	if e.Err == nil {
		return "line " + strconv.Itoa(e.Line) + ": invalid row"
	}
	return "line " + strconv.Itoa(e.Line) + ": " + e.Err.Message()
}

// Unwrap returns the underlying *Error.
func (e RowError) Unwrap() error { return e.Err }

// ExceptionKind names a reconciliation queue: a kind of discrepancy a person has to look at.
type ExceptionKind string

// The reconciliation queues.
const (
	// ExcChargedButPOSFailed: the POS recorded a failure, decline, time-out or reversal, yet the
	// acquirer settled the transaction, so the customer was charged.
	ExcChargedButPOSFailed ExceptionKind = "charged_but_pos_failed"
	// ExcApprovedNotSettled: approved at the POS and still not in any settlement statement after
	// the grace period.
	ExcApprovedNotSettled ExceptionKind = "approved_not_settled"
	// ExcAmountMismatch: settled, but for another amount than the POS approved.
	ExcAmountMismatch ExceptionKind = "amount_mismatch"
	// ExcSettledTwice: one POS transaction appears more than once in settlement.
	ExcSettledTwice ExceptionKind = "settled_twice"
	// ExcSettledNotInLedger: the acquirer settled a transaction the ledger does not know.
	ExcSettledNotInLedger ExceptionKind = "settled_not_in_ledger"
	// ExcRefundNotCredited: a refund or void at the POS never reached settlement after the grace
	// period.
	ExcRefundNotCredited ExceptionKind = "refund_not_credited"
	// ExcBankCreditMismatch: a day's credit on the bank statement differs from that day's settled
	// net total (or one of the two is missing).
	ExcBankCreditMismatch ExceptionKind = "bank_credit_mismatch"
)

// ExceptionKinds lists the queues in the order screens show them.
var ExceptionKinds = []ExceptionKind{
	ExcChargedButPOSFailed, ExcApprovedNotSettled, ExcAmountMismatch, ExcSettledTwice,
	ExcSettledNotInLedger, ExcRefundNotCredited, ExcBankCreditMismatch,
}

// Valid reports whether k is a known queue.
func (k ExceptionKind) Valid() bool {
	for _, x := range ExceptionKinds {
		if x == k {
			return true
		}
	}
	return false
}

// Exception is one discrepancy found by reconciliation, waiting in its queue.
type Exception struct {
	ID   int64
	Kind ExceptionKind

	TransactionID     int64   // the ledger transaction concerned, 0 when none
	SettlementLineIDs []int64 // the settlement lines concerned (two or more for settled_twice)
	BankLineIDs       []int64 // the bank lines concerned (bank_credit_mismatch)

	RRN      string // the reference number, when known
	Date     Date   // the calendar date concerned
	Expected Money  // what should have been there (POS amount, settled net total)
	Actual   Money  // what was there (settled amount, bank credit)
	Reason   string // one line for a person, in the language of the run

	Key        string    // stable identity across runs (kind plus the rows concerned)
	FoundAt    time.Time // when reconciliation first found it
	ResolvedAt time.Time // when a later run no longer found it; zero while it stands
	IncidentID int64     // the incident opened from it, 0 while none
}

// Open reports whether the exception still stands and no incident was opened from it.
func (e *Exception) Open() bool { return e.ResolvedAt.IsZero() && e.IncidentID == 0 }

// ExceptionRecords are the stored records an exception concerns, read with it: what an incident
// opened from the exception links and attaches.
type ExceptionRecords struct {
	Transaction     *Transaction      // the ledger record (Exception.TransactionID), nil when none
	SettlementLines []*SettlementLine // those of SettlementLineIDs still counted (batch not undone)
	BankLines       []*BankLine       // those of BankLineIDs still counted
	Files           map[int64]string  // import batch ID -> file name, for the lines' batches
}

// ExceptionIncidentFunc turns an exception and its records into the incident to log and the
// attachment to add to it (nil for none). It must not write anything: storage calls it inside
// the write transaction that stores its result.
type ExceptionIncidentFunc func(x *Exception, r *ExceptionRecords) (*Incident, *Attachment, error)

// MatchScore bounds: a score of MatchScoreExact comes from an exact key, scores from
// MatchScoreAuto up need no confirmation, anything lower waits for a person.
const (
	MatchScoreExact = 100
	MatchScoreAuto  = 80
)

// Match pairs a ledger transaction with a settlement line.
type Match struct {
	ID               int64
	TransactionID    int64
	SettlementLineID int64
	Score            int    // 0 to 100; 100 for an exact key
	Reason           string // why they were paired, in the language of the run
	Confirmed        bool   // a person confirmed the pairing (exact keys need no confirmation)
	ConfirmedBy      string
	ConfirmedAt      time.Time
}

// NeedsConfirmation reports whether a person has to confirm the match before it counts as sure.
func (m *Match) NeedsConfirmation() bool { return m.Score < MatchScoreAuto && !m.Confirmed }

// ImportBatchFilter selects import batches.
type ImportBatchFilter struct {
	ID            *int64
	Kind          *ImportKind
	FileSHA256    *string
	IncludeUndone bool
	Offset, Limit int
}

// SettlementLineFilter selects settlement lines of batches that were not undone.
type SettlementLineFilter struct {
	ID            *int64
	BatchID       *int64
	RRN           *string
	From, To      time.Time // transaction time range [From, To); zero means open
	Offset, Limit int
}

// BankLineFilter selects bank lines of batches that were not undone.
type BankLineFilter struct {
	ID            *int64
	BatchID       *int64
	From, To      Date // booking date range [From, To); zero means open
	Offset, Limit int
}

// ImportService stores imported files. Each Create call stores one file as one batch, in one
// transaction: rows whose fingerprint is already stored (in a batch that was not undone) count as
// duplicates and are not stored again. A posdesk.RowError from lines counts the row as refused and
// keeps it in batch.Errors; any other error refuses the whole file and stores nothing. The counts
// New, Duplicate and Refused are filled in; Skipped and FileSHA256 are read from batch once lines
// is exhausted, so the sequence may set them last (importer.WithBatch does).
type ImportService interface {
	// CreateSettlementImport stores a settlement statement's lines.
	CreateSettlementImport(ctx context.Context, batch *ImportBatch, lines iter.Seq2[*SettlementLine, error]) error
	// CreatePOSImport stores a POS export's rows as ledger transactions (Source import).
	CreatePOSImport(ctx context.Context, batch *ImportBatch, lines iter.Seq2[*POSLine, error]) error
	// CreateBankImport stores a bank statement's lines.
	CreateBankImport(ctx context.Context, batch *ImportBatch, lines iter.Seq2[*BankLine, error]) error

	// FindImportBatchByID returns ENOTFOUND when the batch does not exist.
	FindImportBatchByID(ctx context.Context, id int64) (*ImportBatch, error)
	// FindImportBatches returns the batches matching filter, newest first, and the total count.
	FindImportBatches(ctx context.Context, filter ImportBatchFilter) ([]*ImportBatch, int, error)
	// UndoImportBatch marks a batch undone by the acting user: its rows stay on record but no
	// longer count (ledger records from a POS export are voided). Returns ECONFLICT when the
	// batch is already undone.
	UndoImportBatch(ctx context.Context, id int64) (*ImportBatch, error)

	// FindSettlementLines returns the matching lines in file order and the total count.
	FindSettlementLines(ctx context.Context, filter SettlementLineFilter) ([]*SettlementLine, int, error)
	// FindBankLines returns the matching lines in date order and the total count.
	FindBankLines(ctx context.Context, filter BankLineFilter) ([]*BankLine, int, error)

	// ScanSettlementLines streams every line of the batches not undone, for reconciliation.
	ScanSettlementLines(ctx context.Context) iter.Seq2[*SettlementLine, error]
	// ScanBankLines streams every bank line of the batches not undone.
	ScanBankLines(ctx context.Context) iter.Seq2[*BankLine, error]
}

// ExceptionFilter selects reconciliation exceptions.
type ExceptionFilter struct {
	ID            *int64
	Kind          *ExceptionKind
	RRN           *string
	Open          bool // only those still standing and not yet turned into an incident
	Offset, Limit int
}

// MatchFilter selects matches.
type MatchFilter struct {
	TransactionID     *int64
	SettlementLineID  *int64
	NeedsConfirmation bool
	Offset, Limit     int
}

// Reconciliation is the outcome of one reconciliation run.
type Reconciliation struct {
	RanAt      time.Time
	Matches    []*Match
	Exceptions []*Exception
}

// ReconcileService stores reconciliation results.
type ReconcileService interface {
	// CreateReconciliation replaces the stored results with r: confirmed matches and exceptions
	// already turned into incidents are kept, exceptions found again keep their ID and FoundAt.
	CreateReconciliation(ctx context.Context, r *Reconciliation) error
	// FindMatches returns the matching matches and the total count.
	FindMatches(ctx context.Context, filter MatchFilter) ([]*Match, int, error)
	// ConfirmMatch records that the acting user confirmed a weak match. ENOTFOUND when it does
	// not exist.
	ConfirmMatch(ctx context.Context, id int64) (*Match, error)
	// FindExceptionByID returns ENOTFOUND when the exception does not exist.
	FindExceptionByID(ctx context.Context, id int64) (*Exception, error)
	// FindExceptions returns the matching exceptions, by queue then date, and the total count.
	FindExceptions(ctx context.Context, filter ExceptionFilter) ([]*Exception, int, error)
	// CreateIncidentFromException opens an incident from exception id in one step: it reads the
	// exception and its records, gives them to build, logs the incident build returns (creating
	// or linking its ledger records, as CreateIncident does), adds the attachment and points the
	// exception at the incident, all in one database transaction, so nothing is stored unless all
	// of it is. ECONFLICT (naming the incident) when the exception already became an incident,
	// ENOTFOUND when it does not exist. The incident may link no ledger record only when the
	// exception is a whole day's bank credit (ExcBankCreditMismatch).
	CreateIncidentFromException(ctx context.Context, id int64, build ExceptionIncidentFunc) (*Incident, error)
}
