package reliability_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/posdesk/posdesk/internal/attach"
	"github.com/posdesk/posdesk/internal/i18n"
	"github.com/posdesk/posdesk/internal/posdesk"
	"github.com/posdesk/posdesk/internal/sqlite"
)

// writePath is one way the app changes the database. prep runs before the disk fills up and
// returns what op needs; op makes the i-th change.
type writePath struct {
	name string
	prep func(t *testing.T, ctx context.Context, db *sqlite.DB) []int64
	op   func(ctx context.Context, db *sqlite.DB, ids []int64, i int) error
	// full is part of the message a full disk gives on this path when it is not fullMessage
	// (a backup names its file).
	full string
}

// filler is long text, so that each change takes room.
var filler = strings.Repeat("顾客说手机收到了扣款短信，终端显示交易失败。", 12)

// incidentIDs logs n incidents of kind (with a slip record each) and returns their IDs.
func incidentIDs(t *testing.T, ctx context.Context, db *sqlite.DB, kind posdesk.IncidentKind, n int) []int64 {
	t.Helper()
	var ids []int64
	for i := 0; i < n; i++ {
		at := time.Date(2026, 9, 14, 10, 0, 0, 0, shopZone).Add(time.Duration(i) * time.Minute)
		inc := &posdesk.Incident{Kind: kind, Time: at, Amount: posdesk.CNY("88.00"), Story: "disk full test",
			Transactions: []*posdesk.Transaction{posdesk.NewSlip(kind, at, posdesk.CNY("88.00"), "61000042", "", fmt.Sprintf("5%011d", i))}}
		if kind == posdesk.IncidentCustomerRefund {
			inc.CustomerName, inc.CustomerPhone = "张先生", "138 0013 8000"
		}
		if err := db.CreateIncident(ctx, inc); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, inc.ID)
	}
	return ids
}

func refundIDs(t *testing.T, ctx context.Context, db *sqlite.DB, n int) []int64 {
	t.Helper()
	var ids []int64
	for i := 0; i < n; i++ {
		r := &posdesk.Refund{Method: posdesk.MethodOriginalRoute, Expected: posdesk.CNY("58.00"), Reason: fmt.Sprintf("returned goods %d", i),
			Arrival: posdesk.Span{Days: 7, Workdays: true}}
		if err := db.CreateRefund(ctx, r); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, r.ID)
	}
	return ids
}

func txIDs(t *testing.T, ctx context.Context, db *sqlite.DB, n int) []int64 {
	t.Helper()
	var ids []int64
	for i := 0; i < n; i++ {
		tx := &posdesk.Transaction{Time: time.Date(2026, 9, 14, 10, 0, i, 0, shopZone), Amount: posdesk.CNY("12.00"), Terminal: "61000042"}
		if err := db.CreateTransaction(ctx, tx); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, tx.ID)
	}
	return ids
}

// writePaths lists every write the storage offers, each with enough set-up to repeat it.
func writePaths() []writePath {
	day := func(i int) time.Time {
		return time.Date(2026, 9, 14, 10, 0, 0, 0, shopZone).Add(time.Duration(i) * time.Minute)
	}
	str := func(s string) *string { return &s }
	return []writePath{
		{name: "transaction add", op: func(ctx context.Context, db *sqlite.DB, _ []int64, i int) error {
			return db.CreateTransaction(ctx, &posdesk.Transaction{Time: day(i), Amount: posdesk.CNY("58.00"), Terminal: "61000042",
				RRN: fmt.Sprintf("26091400%04d", i%10000), Note: filler})
		}},
		{name: "transaction edit", prep: func(t *testing.T, ctx context.Context, db *sqlite.DB) []int64 { return txIDs(t, ctx, db, 1) },
			op: func(ctx context.Context, db *sqlite.DB, ids []int64, i int) error {
				_, err := db.UpdateTransaction(ctx, ids[0], posdesk.TransactionUpdate{Note: str(fmt.Sprintf("%d %s", i, filler)), Reason: "typo in the note"})
				return err
			}},
		{name: "transaction void", prep: func(t *testing.T, ctx context.Context, db *sqlite.DB) []int64 { return txIDs(t, ctx, db, 400) },
			op: func(ctx context.Context, db *sqlite.DB, ids []int64, i int) error {
				return db.VoidTransaction(ctx, ids[i%len(ids)], fmt.Sprintf("entered twice %d %s", i, filler[:100]))
			}},
		{name: "setting", op: func(ctx context.Context, db *sqlite.DB, _ []int64, i int) error {
			return db.SetSetting(ctx, fmt.Sprintf("shop.note.%d", i), filler)
		}},
		{name: "incident add", op: func(ctx context.Context, db *sqlite.DB, _ []int64, i int) error {
			k := posdesk.IncidentChargedButFailed
			return db.CreateIncident(ctx, &posdesk.Incident{Kind: k, Time: day(i), Amount: posdesk.CNY("58.00"), Story: filler,
				Transactions: []*posdesk.Transaction{posdesk.NewSlip(k, day(i), posdesk.CNY("58.00"), "61000042", "", fmt.Sprintf("4%011d", i))}})
		}},
		{name: "incident edit", prep: func(t *testing.T, ctx context.Context, db *sqlite.DB) []int64 {
			return incidentIDs(t, ctx, db, posdesk.IncidentNoResponse, 1)
		}, op: func(ctx context.Context, db *sqlite.DB, ids []int64, i int) error {
			_, err := db.UpdateIncident(ctx, ids[0], posdesk.IncidentUpdate{Story: str(fmt.Sprintf("%d %s", i, filler))})
			return err
		}},
		{name: "incident status", prep: func(t *testing.T, ctx context.Context, db *sqlite.DB) []int64 {
			return incidentIDs(t, ctx, db, posdesk.IncidentNoResponse, 1)
		}, op: func(ctx context.Context, db *sqlite.DB, ids []int64, i int) error {
			to := posdesk.IncidentContacting
			if i%2 == 1 {
				to = posdesk.IncidentWaitingForBank
			}
			_, err := db.SetIncidentStatus(ctx, ids[0], posdesk.StatusChange{To: to, Reason: filler[:200]})
			return err
		}},
		{name: "contact add", prep: func(t *testing.T, ctx context.Context, db *sqlite.DB) []int64 {
			return incidentIDs(t, ctx, db, posdesk.IncidentNoResponse, 1)
		}, op: func(ctx context.Context, db *sqlite.DB, ids []int64, i int) error {
			return db.AddContact(ctx, &posdesk.Contact{IncidentID: ids[0], Time: day(i), Channel: posdesk.ContactPhone,
				Party: posdesk.PartyAcquirer, Summary: filler, Ticket: fmt.Sprintf("T%d", i)})
		}},
		{name: "attachment add", prep: func(t *testing.T, ctx context.Context, db *sqlite.DB) []int64 {
			return incidentIDs(t, ctx, db, posdesk.IncidentNoResponse, 1)
		}, op: func(ctx context.Context, db *sqlite.DB, ids []int64, i int) error {
			a, err := attach.Intake(fmt.Sprintf("slip-%d.png", i), strings.NewReader(string(smallPNG(rand.New(rand.NewPCG(uint64(i), 3)), 400, 300))),
				attach.Options{Caption: "小票", By: "owner"})
			if err != nil {
				return fmt.Errorf("intake (not the disk): %w", err)
			}
			return db.AddAttachment(ctx, ids[0], a)
		}},
		{name: "packet recorded", prep: func(t *testing.T, ctx context.Context, db *sqlite.DB) []int64 {
			return incidentIDs(t, ctx, db, posdesk.IncidentNoResponse, 1)
		}, op: func(ctx context.Context, db *sqlite.DB, ids []int64, i int) error {
			sum := sha256.Sum256([]byte(fmt.Sprint(i)))
			return db.SetPacketHash(ctx, ids[0], hex.EncodeToString(sum[:]), time.Time{})
		}},
		{name: "customer data erased", prep: func(t *testing.T, ctx context.Context, db *sqlite.DB) []int64 {
			return incidentIDs(t, ctx, db, posdesk.IncidentCustomerRefund, 300)
		}, op: func(ctx context.Context, db *sqlite.DB, ids []int64, i int) error {
			return db.EraseIncidentPersonalData(ctx, ids[i%len(ids)])
		}},
		{name: "refund add", op: func(ctx context.Context, db *sqlite.DB, _ []int64, i int) error {
			return db.CreateRefund(ctx, &posdesk.Refund{Method: posdesk.MethodOriginalRoute, Expected: posdesk.CNY("58.00"),
				Reason: filler, Arrival: posdesk.Span{Days: 7, Workdays: true}})
		}},
		{name: "refund edit", prep: func(t *testing.T, ctx context.Context, db *sqlite.DB) []int64 { return refundIDs(t, ctx, db, 1) },
			op: func(ctx context.Context, db *sqlite.DB, ids []int64, i int) error {
				_, err := db.UpdateRefund(ctx, ids[0], posdesk.RefundUpdate{Reason: str(fmt.Sprintf("%d %s", i, filler))})
				return err
			}},
		{name: "refund status", prep: func(t *testing.T, ctx context.Context, db *sqlite.DB) []int64 { return refundIDs(t, ctx, db, 400) },
			op: func(ctx context.Context, db *sqlite.DB, ids []int64, i int) error {
				_, err := db.SetRefundStatus(ctx, ids[i%len(ids)], posdesk.RefundPaid, "")
				return err
			}},
		{name: "refund receipt", prep: func(t *testing.T, ctx context.Context, db *sqlite.DB) []int64 { return refundIDs(t, ctx, db, 1) },
			op: func(ctx context.Context, db *sqlite.DB, ids []int64, i int) error {
				_, err := db.CreateRefundReceipt(ctx, ids[0], &posdesk.RefundReceipt{Amount: posdesk.CNY("0.01"), Note: filler[:300]})
				return err
			}},
		{name: "holiday", op: func(ctx context.Context, db *sqlite.DB, _ []int64, i int) error {
			return db.SetHoliday(ctx, &posdesk.Holiday{Date: posdesk.NewDate(2030, 1, 1).AddDays(i), Name: filler[:60]})
		}},
		{name: "staff add", prep: func(t *testing.T, ctx context.Context, db *sqlite.DB) []int64 {
			if _, err := db.CreateFirstOwner(ctx, "王芳", "902715"); err != nil {
				t.Fatal(err)
			}
			return nil
		}, op: func(ctx context.Context, db *sqlite.DB, _ []int64, i int) error {
			_, err := db.CreateUser(staffOwner(), fmt.Sprintf("cashier %d %s", i, filler[:40]), posdesk.RoleCashier, "4821")
			return err
		}},
		{name: "backup", op: func(ctx context.Context, db *sqlite.DB, _ []int64, i int) error {
			// A backup is written whole before it is recorded; when recording it fails, the copy
			// is removed, so the retry after making room can take the same name.
			_, err := db.Backup(ctx, filepath.Join(filepath.Dir(db.Path), "backups", fmt.Sprintf("b%d.db", i)))
			return err
		}, full: "could not be recorded: the disk of the database is full. No backup file was left behind; free some space and try again."},
	}
}

// staffOwner acts as the owner account created by CreateFirstOwner.
func staffOwner() context.Context {
	return posdesk.NewContextWithUser(context.Background(), &posdesk.User{ID: 1, Name: "王芳", Role: posdesk.RoleOwner})
}

// fullMessage is what a shop owner reads when the disk is full.
const fullMessage = "The disk is full: nothing was saved. Free some space and try again."

// TestDiskFull fills the database up (PRAGMA max_page_count on the writing connection, the
// way SQLite's own tests simulate a full disk) and makes every write path hit the limit: the
// error must be the disk-full message in both languages, the failed change must leave no row
// anywhere (every table's count unchanged), and once room is made the same change must succeed
// on the same open database, without a restart.
func TestDiskFull(t *testing.T) {
	paths := writePaths()
	passed := 0
	var failed []string
	for _, p := range paths {
		ok := t.Run(strings.ReplaceAll(p.name, " ", "_"), func(t *testing.T) {
			db := mustOpen(t, tempDB(t))
			ctx := owner()
			if p.name == "staff add" {
				ctx = staffOwner()
			}
			var ids []int64
			if p.prep != nil {
				ids = p.prep(t, ctx, db)
			}
			setMaxPages(t, db, 0)
			i, err := 0, error(nil)
			var before map[string]int64
			for ; i < 3000; i++ {
				before = tableCounts(t, db)
				if err = p.op(ctx, db, ids, i); err != nil {
					break
				}
			}
			if err == nil {
				t.Fatalf("%d changes fitted under the limit: the disk never filled up", i)
			}
			if got := i18n.MessageIn(i18n.English, err); p.full == "" && got != fullMessage {
				t.Errorf("change %d: message %q, want %q (error: %v)", i, got, fullMessage, err)
			} else if p.full != "" && !strings.Contains(got, p.full) {
				t.Errorf("change %d: message %q, want one saying %q (error: %v)", i, got, p.full, err)
			}
			if zh := i18n.MessageIn(i18n.Chinese, err); zh == "" || zh == i18n.MessageIn(i18n.English, err) {
				t.Errorf("no Chinese message for a full disk: %q", zh)
			}
			if after := tableCounts(t, db); !equalCounts(before, after) {
				t.Errorf("the refused change left rows behind: %s", diffCounts(before, after))
			}
			setMaxPages(t, db, 1<<30)
			if err := p.op(ctx, db, ids, i); err != nil {
				t.Errorf("after making room, the same change failed on the open database: %v", err)
			}
			if after := tableCounts(t, db); equalCounts(before, after) {
				t.Errorf("after making room, the change stored nothing")
			}
			var ok string
			if err := db.Reader().QueryRow(`PRAGMA integrity_check`).Scan(&ok); err != nil || ok != "ok" {
				t.Errorf("integrity_check: %q %v", ok, err)
			}
			t.Logf("%s: full after %d changes", p.name, i)
		})
		if !ok {
			failed = append(failed, p.name)
		} else {
			passed++
		}
	}
	report(t, "disk full: write paths with a clear error, no partial record, resumed without restart",
		fmt.Sprintf("%d of %d%s", passed, len(paths), listIfAny(" (failing: ", failed)), fmt.Sprintf("%d of %d", len(paths), len(paths)), passed == len(paths))
}

func listIfAny(prefix string, names []string) string {
	if len(names) == 0 {
		return ""
	}
	return prefix + strings.Join(names, ", ") + ")"
}

// setMaxPages sets the writing connection's page limit to n, or to the pages in use when n is
// 0, and checks it took.
func setMaxPages(t *testing.T, db *sqlite.DB, n int64) {
	t.Helper()
	w := db.Writer()
	if n == 0 {
		if err := w.QueryRow(`PRAGMA page_count`).Scan(&n); err != nil {
			t.Fatal(err)
		}
	}
	var got int64
	if err := w.QueryRow(fmt.Sprintf(`PRAGMA max_page_count = %d`, n)).Scan(&got); err != nil {
		t.Fatal(err)
	}
	if got < n && n < 1<<30 || got > n {
		t.Fatalf("max_page_count %d, asked for %d", got, n)
	}
}

// tableCounts returns the number of rows of every table.
func tableCounts(t *testing.T, db *sqlite.DB) map[string]int64 {
	t.Helper()
	names := queryStrings(t, db.Writer(), `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`)
	out := make(map[string]int64, len(names))
	for _, n := range names {
		var c int64
		if err := db.Writer().QueryRow(`SELECT count(*) FROM "` + n + `"`).Scan(&c); err != nil {
			t.Fatalf("count %s: %v", n, err)
		}
		out[n] = c
	}
	return out
}

func equalCounts(a, b map[string]int64) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

func diffCounts(a, b map[string]int64) string {
	var d []string
	for k, v := range b {
		if a[k] != v {
			d = append(d, fmt.Sprintf("%s %d -> %d", k, a[k], v))
		}
	}
	return strings.Join(d, ", ")
}
