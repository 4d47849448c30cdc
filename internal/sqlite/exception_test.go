package sqlite_test

import (
	"context"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/posdesk/posdesk/internal/attach"
	"github.com/posdesk/posdesk/internal/importer"
	"github.com/posdesk/posdesk/internal/posdesk"
	"github.com/posdesk/posdesk/internal/reconcile"
	"github.com/posdesk/posdesk/internal/sqlite"
)

// MustReconciledDB returns a database holding the three sample files, reconciled as of
// 2026-09-20 09:00 in the shop's zone: six open exceptions.
func MustReconciledDB(tb testing.TB) *sqlite.DB {
	tb.Helper()
	db := MustOpenDB(tb)
	importSamples(tb, db, true)
	reconcileAt(tb, db, time.Date(2026, 9, 20, 9, 0, 0, 0, shopZone))
	return db
}

// exceptionByRRN returns the stored exception of kind k for a reference number.
func exceptionByRRN(tb testing.TB, db *sqlite.DB, k posdesk.ExceptionKind, rrn string) *posdesk.Exception {
	tb.Helper()
	xs, _, err := db.FindExceptions(Owner(), posdesk.ExceptionFilter{Kind: &k, RRN: &rrn})
	if err != nil || len(xs) != 1 {
		tb.Fatalf("%s %s: %d exceptions, %v", k, rrn, len(xs), err)
	}
	return xs[0]
}

// buildIncident is what cmd/posdesk gives storage: the reconcile rules and the text file through
// the intake.
func buildIncident(x *posdesk.Exception, r *posdesk.ExceptionRecords) (*posdesk.Incident, *posdesk.Attachment, error) {
	p, err := reconcile.IncidentFromException(x, r, shopZone)
	if err != nil {
		return nil, nil, err
	}
	a, err := attach.Intake(p.FileName, strings.NewReader(p.Text), attach.Options{Kind: posdesk.AttachmentStatement, Caption: p.Caption})
	if err != nil {
		return nil, nil, err
	}
	return p.Incident, a, nil
}

// snapshot counts what an incident from an exception writes.
type snapshot struct {
	incidents, transactions, links, attachments, events, audit, linked int
}

func snap(tb testing.TB, db *sqlite.DB) snapshot {
	tb.Helper()
	return snapshot{
		incidents: countRows(tb, db, "incidents"), transactions: countRows(tb, db, "transactions"),
		links: countRows(tb, db, "incident_transactions"), attachments: countRows(tb, db, "attachments"),
		events: countRows(tb, db, "incident_events"), audit: countRows(tb, db, "audit_log"),
		linked: count(tb, db, `SELECT count(*) FROM exceptions WHERE incident_id IS NOT NULL`),
	}
}

// auditActionsSince returns the actions of the audit entries after the first n.
func auditActionsSince(tb testing.TB, db *sqlite.DB, n int) []string {
	tb.Helper()
	rows, err := db.Reader().Query(`SELECT action FROM audit_log ORDER BY seq LIMIT -1 OFFSET ?`, n)
	if err != nil {
		tb.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var a string
		if err := rows.Scan(&a); err != nil {
			tb.Fatal(err)
		}
		out = append(out, a)
	}
	return out
}

func TestCreateIncidentFromExceptionOneStep(t *testing.T) {
	db := MustReconciledDB(t)
	ctx := actingAs("li", posdesk.RoleCashier)
	x := exceptionByRRN(t, db, posdesk.ExcChargedButPOSFailed, "260914000571")
	before := snap(t, db)
	inc, err := db.CreateIncidentFromException(ctx, x.ID, buildIncident)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := inc.Number, "INC-2026-0001"; got != want {
		t.Errorf("number %q, want %q", got, want)
	}
	full, err := db.FindIncidentByID(ctx, inc.ID)
	if err != nil {
		t.Fatal(err)
	}
	if full.Kind != posdesk.IncidentChargedButFailed || full.Amount.Plain() != "2008.80" || full.Status != posdesk.IncidentOpen ||
		len(full.Transactions) != 1 || full.Transactions[0].ID != x.TransactionID || full.AttachmentCount != 1 || full.CreatedBy != "li" {
		t.Errorf("incident %s %s %s, records %+v, %d attachments, by %q", full.Kind, full.Amount.Plain(), full.Status, full.Transactions, full.AttachmentCount, full.CreatedBy)
	}
	if !full.Time.Equal(full.Transactions[0].Time) || !strings.Contains(full.Story, "260914000571") || !strings.Contains(full.Story, x.Reason) {
		t.Errorf("time %s (record %s), story %q", full.Time, full.Transactions[0].Time, full.Story)
	}
	atts, err := db.FindAttachments(ctx, inc.ID)
	if err != nil || len(atts) != 1 {
		t.Fatalf("attachments %v, %v", atts, err)
	}
	a, err := db.FindAttachmentByID(ctx, atts[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	text := string(a.Original)
	if a.Kind != posdesk.AttachmentStatement || !a.IsText() || a.FileName != "exception-"+strconv.FormatInt(x.ID, 10)+".txt" || a.CreatedBy != "li" ||
		!strings.Contains(text, "settlement_gbk.csv, line") || !strings.Contains(text, "RRN 260914000571") {
		t.Errorf("attachment %s %s %q by %q:\n%s", a.Kind, a.MediaType, a.FileName, a.CreatedBy, text)
	}
	if got, _ := db.FindExceptionByID(ctx, x.ID); got.IncidentID != inc.ID {
		t.Errorf("exception points at incident %d, want %d", got.IncidentID, inc.ID)
	}
	after := snap(t, db)
	if got, want := after, (snapshot{incidents: before.incidents + 1, transactions: before.transactions, links: before.links + 1,
		attachments: before.attachments + 1, events: before.events + 2, audit: before.audit + 3, linked: before.linked + 1}); got != want {
		t.Errorf("after: %+v, want %+v", got, want)
	}
	if got, want := strings.Join(auditActionsSince(t, db, before.audit), ","), "incident.create,incident.attach,exception.incident"; got != want {
		t.Errorf("audit %s, want %s", got, want)
	}
	var types []string
	for _, e := range full.Events {
		types = append(types, string(e.Type))
	}
	if got, want := strings.Join(types, ","), "created,attachment"; got != want {
		t.Errorf("timeline %s, want %s", got, want)
	}

	// Again: refused, naming the incident; still exactly one incident, nothing more written.
	_, err = db.CreateIncidentFromException(ctx, x.ID, buildIncident)
	if posdesk.ErrorCode(err) != posdesk.ECONFLICT || !strings.Contains(err.Error(), inc.Number) {
		t.Errorf("second incident from one exception: %v", err)
	}
	if got := snap(t, db); got != after {
		t.Errorf("after the refusal: %+v, want %+v", got, after)
	}
	if _, _, bad, err := db.VerifyAudit(ctx); bad != nil || err != nil {
		t.Errorf("audit chain: bad %+v, %v", bad, err)
	}
	if _, err := db.CreateIncidentFromException(ctx, 9999, buildIncident); posdesk.ErrorCode(err) != posdesk.ENOTFOUND {
		t.Errorf("missing exception: %v", err)
	}
}

func TestCreateIncidentFromExceptionAllOrNothing(t *testing.T) {
	db := MustReconciledDB(t)
	ctx := Owner()
	// A payment only the statement knows: the incident creates its ledger record, so a failure
	// must take that back too.
	failed := exceptionByRRN(t, db, posdesk.ExcChargedButPOSFailed, "260914000571")
	lines, _, err := db.FindSettlementLines(ctx, posdesk.SettlementLineFilter{ID: &failed.SettlementLineIDs[0]})
	if err != nil || len(lines) != 1 {
		t.Fatalf("line: %v %v", lines, err)
	}
	slipOnly := func(x *posdesk.Exception, r *posdesk.ExceptionRecords) (*posdesk.Incident, *posdesk.Attachment, error) {
		inc, a, err := buildIncident(x, r)
		if err == nil {
			slip := posdesk.NewSlip(inc.Kind, lines[0].Time, lines[0].Amount, "61000099", "999999", "")
			inc.Transactions = []*posdesk.Transaction{slip}
		}
		return inc, a, err
	}
	shell := Shell(t, db)
	for _, c := range []struct {
		name  string
		build posdesk.ExceptionIncidentFunc
		setup string // SQL run before, through a plain connection
		code  string
	}{
		{name: "build fails", code: posdesk.EINVALID,
			build: func(*posdesk.Exception, *posdesk.ExceptionRecords) (*posdesk.Incident, *posdesk.Attachment, error) {
				return nil, nil, posdesk.Invalid("file", "refused by the test")
			}},
		{name: "incident invalid", code: posdesk.EINVALID,
			build: func(x *posdesk.Exception, r *posdesk.ExceptionRecords) (*posdesk.Incident, *posdesk.Attachment, error) {
				inc, a, err := buildIncident(x, r)
				inc.Amount = posdesk.CNY("0")
				return inc, a, err
			}},
		{name: "attachment invalid after the incident and its new record were written", code: posdesk.EINVALID,
			build: func(x *posdesk.Exception, r *posdesk.ExceptionRecords) (*posdesk.Incident, *posdesk.Attachment, error) {
				inc, a, err := slipOnly(x, r)
				a.SHA256 = "not a checksum"
				return inc, a, err
			}},
		{name: "linking fails after the attachment was stored", code: posdesk.ECONFLICT, build: slipOnly,
			setup: `CREATE TRIGGER fail_link BEFORE UPDATE OF incident_id ON exceptions BEGIN SELECT RAISE(ABORT, 'injected'); END`},
		{name: "no ledger record for one payment", code: posdesk.EINVALID,
			build: func(x *posdesk.Exception, r *posdesk.ExceptionRecords) (*posdesk.Incident, *posdesk.Attachment, error) {
				inc, a, err := buildIncident(x, r)
				inc.Transactions = nil
				return inc, a, err
			}},
		{name: "no incident", code: posdesk.EINTERNAL,
			build: func(*posdesk.Exception, *posdesk.ExceptionRecords) (*posdesk.Incident, *posdesk.Attachment, error) {
				return nil, nil, nil
			}},
	} {
		t.Run(c.name, func(t *testing.T) {
			if c.setup != "" {
				mustExec(t, shell, c.setup)
				defer mustExec(t, shell, `DROP TRIGGER fail_link`)
			}
			before := snap(t, db)
			inc, err := db.CreateIncidentFromException(ctx, failed.ID, c.build)
			if posdesk.ErrorCode(err) != c.code || inc != nil {
				t.Fatalf("got %+v, %v; want %s", inc, err, c.code)
			}
			if got := snap(t, db); got != before {
				t.Errorf("after a failure: %+v, want %+v", got, before)
			}
			if got, _ := db.FindExceptionByID(ctx, failed.ID); got.IncidentID != 0 {
				t.Errorf("exception points at incident %d", got.IncidentID)
			}
		})
	}
	// Nothing half-done stands in the way: the same exception now becomes incident 1, and the
	// new record is created once.
	before := snap(t, db)
	inc, err := db.CreateIncidentFromException(ctx, failed.ID, slipOnly)
	if err != nil {
		t.Fatal(err)
	}
	if got := snap(t, db); inc.Number != "INC-2026-0001" || got.transactions != before.transactions+1 || got.attachments != before.attachments+1 {
		t.Errorf("%s; after %+v, before %+v", inc.Number, got, before)
	}
	if _, _, bad, err := db.VerifyAudit(ctx); bad != nil || err != nil {
		t.Errorf("audit chain: bad %+v, %v", bad, err)
	}
}

func TestCreateIncidentFromExceptionConcurrent(t *testing.T) {
	db := MustReconciledDB(t)
	x := exceptionByRRN(t, db, posdesk.ExcAmountMismatch, "260915000589")
	var wg sync.WaitGroup
	errs := make([]error, 4)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = db.CreateIncidentFromException(Owner(), x.ID, buildIncident)
		}()
	}
	wg.Wait()
	ok, conflicts := 0, 0
	for _, err := range errs {
		switch posdesk.ErrorCode(err) {
		case "":
			ok++
		case posdesk.ECONFLICT:
			conflicts++
		default:
			t.Errorf("unexpected: %v", err)
		}
	}
	if ok != 1 || conflicts != 3 || countRows(t, db, "incidents") != 1 || countRows(t, db, "attachments") != 1 {
		t.Errorf("%d made, %d refused, %d incidents, %d attachments", ok, conflicts, countRows(t, db, "incidents"), countRows(t, db, "attachments"))
	}
}

func TestCreateIncidentFromBankCreditException(t *testing.T) {
	db := MustOpenDB(t)
	ctx := Owner()
	rd, bb := openSample(t, "bank_statement.csv")
	if err := db.CreateBankImport(ctx, bb, importer.WithBatch(rd, bb, rd.BankLines(), nil)); err != nil {
		t.Fatal(err)
	}
	bank, _, err := db.FindBankLines(ctx, posdesk.BankLineFilter{})
	if err != nil || len(bank) == 0 {
		t.Fatalf("bank lines %v, %v", bank, err)
	}
	day := bank[0].Date
	x := &posdesk.Exception{Key: "bank_credit_mismatch|day|" + day.String(), Kind: posdesk.ExcBankCreditMismatch, BankLineIDs: []int64{bank[0].ID},
		Date: day, Expected: bank[0].Credit.Add(posdesk.CNY("25.00")), Actual: bank[0].Credit, Reason: "Bank credit differs from the net total settled."}
	if err := db.CreateReconciliation(ctx, &posdesk.Reconciliation{RanAt: time.Date(2026, 9, 20, 9, 0, 0, 0, shopZone), Exceptions: []*posdesk.Exception{x}}); err != nil {
		t.Fatal(err)
	}
	inc, err := db.CreateIncidentFromException(ctx, x.ID, buildIncident)
	if err != nil {
		t.Fatal(err)
	}
	full, err := db.FindIncidentByID(ctx, inc.ID)
	if err != nil {
		t.Fatal(err)
	}
	noon := time.Date(day.Year, day.Month, day.Day, 12, 0, 0, 0, shopZone)
	if full.Kind != posdesk.IncidentPostingFailure || full.Amount.Plain() != "25.00" || len(full.Transactions) != 0 || !full.Time.Equal(noon) || full.AttachmentCount != 1 {
		t.Errorf("incident %s %s at %s, %d records, %d attachments", full.Kind, full.Amount.Plain(), full.Time, len(full.Transactions), full.AttachmentCount)
	}
	atts, _ := db.FindAttachments(ctx, inc.ID)
	a, err := db.FindAttachmentByID(ctx, atts[0].ID)
	if err != nil || !strings.Contains(string(a.Original), "bank_statement.csv, line "+strconv.Itoa(bank[0].Line)) {
		t.Errorf("attachment %v:\n%s", err, a.Original)
	}
	if countRows(t, db, "transactions") != 0 {
		t.Errorf("a day's bank credit made a ledger record")
	}
}

func TestCreateIncidentFromExceptionPermissions(t *testing.T) {
	db := MustReconciledDB(t)
	s := MustStaff(t, db)
	x := exceptionByRRN(t, db, posdesk.ExcApprovedNotSettled, "260914000534")
	before := snap(t, db)
	stranger := posdesk.NewContextWithUser(context.Background(), &posdesk.User{ID: 77, Name: "visitor", Role: posdesk.RoleOwner})
	_, err := db.CreateIncidentFromException(stranger, x.ID, buildIncident)
	if posdesk.ErrorCode(err) != posdesk.EFORBIDDEN {
		t.Fatalf("someone not on the staff: %v", err)
	}
	if got := snap(t, db); got.incidents != before.incidents || got.linked != before.linked || got.audit != before.audit+1 {
		t.Errorf("after a refusal: %+v, before %+v", got, before)
	}
	if e := lastAudit(t, db); e.Action != "denied" || e.Entity != "exception" || e.EntityID != x.ID {
		t.Errorf("refusal logged as %+v", e)
	}
	// A cashier logs incidents, so a cashier may open one from an exception.
	inc, err := db.CreateIncidentFromException(s.Cashier, x.ID, buildIncident)
	if err != nil {
		t.Fatal(err)
	}
	if inc.Kind != posdesk.IncidentPostingFailure || inc.CreatedBy != s.CashierU.Name {
		t.Errorf("incident %s by %q", inc.Kind, inc.CreatedBy)
	}
}

// LinkExceptionIncident ties an exception to an incident logged by hand, by the same rules.
func TestLinkExceptionIncident(t *testing.T) {
	db := MustReconciledDB(t)
	ctx := Owner()
	x := exceptionByRRN(t, db, posdesk.ExcSettledTwice, "260914000551")
	inc := MustCreateIncident(t, db, ctx, posdesk.IncidentDuplicateCharge, "88.00", "260920000777")
	if err := db.LinkExceptionIncident(ctx, x.ID, 9999); posdesk.ErrorCode(err) != posdesk.ENOTFOUND {
		t.Errorf("missing incident: %v", err)
	}
	if err := db.LinkExceptionIncident(ctx, x.ID, inc.ID); err != nil {
		t.Fatal(err)
	}
	err := db.LinkExceptionIncident(ctx, x.ID, inc.ID)
	if posdesk.ErrorCode(err) != posdesk.ECONFLICT || !strings.Contains(err.Error(), inc.Number) {
		t.Errorf("linking twice: %v", err)
	}
	if _, err := db.CreateIncidentFromException(ctx, x.ID, buildIncident); posdesk.ErrorCode(err) != posdesk.ECONFLICT {
		t.Errorf("incident from a linked exception: %v", err)
	}
}
