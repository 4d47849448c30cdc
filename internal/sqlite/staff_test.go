package sqlite_test

import (
	"context"
	"database/sql"
	"encoding/base64"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/posdesk/posdesk/internal/posdesk"
	"github.com/posdesk/posdesk/internal/sqlite"
)

// PINs used by the staff fixtures.
const (
	ownerPIN   = "902715"
	managerPIN = "482193"
	cashierPIN = "4821"
)

// Staff is a shop with one person of each role, signed in.
type Staff struct {
	Owner, Manager, Cashier    context.Context
	OwnerU, ManagerU, CashierU *posdesk.User
}

// MustStaff creates an owner (王芳), a manager (Li Wei) and a cashier (小陈) in db and returns
// contexts acting as each of them, obtained through SignIn.
func MustStaff(tb testing.TB, db *sqlite.DB) Staff {
	tb.Helper()
	ctx := context.Background()
	if _, err := db.CreateFirstOwner(ctx, "王芳", ownerPIN); err != nil {
		tb.Fatal(err)
	}
	var s Staff
	var err error
	if s.OwnerU, err = db.SignIn(ctx, "王芳", ownerPIN); err != nil {
		tb.Fatal(err)
	}
	s.Owner = posdesk.NewContextWithUser(ctx, s.OwnerU)
	if _, err := db.CreateUser(s.Owner, "Li Wei", posdesk.RoleManager, managerPIN); err != nil {
		tb.Fatal(err)
	}
	if _, err := db.CreateUser(s.Owner, "小陈", posdesk.RoleCashier, cashierPIN); err != nil {
		tb.Fatal(err)
	}
	if s.ManagerU, err = db.SignIn(ctx, "li wei", managerPIN); err != nil {
		tb.Fatal(err)
	}
	if s.CashierU, err = db.SignIn(ctx, "小陈", cashierPIN); err != nil {
		tb.Fatal(err)
	}
	s.Manager = posdesk.NewContextWithUser(ctx, s.ManagerU)
	s.Cashier = posdesk.NewContextWithUser(ctx, s.CashierU)
	return s
}

// lastAudit returns the newest audit entry.
func lastAudit(tb testing.TB, db *sqlite.DB) *posdesk.AuditEntry {
	tb.Helper()
	es, err := db.FindAuditEntries(context.Background(), posdesk.AuditFilter{Limit: 1})
	if err != nil || len(es) == 0 {
		tb.Fatalf("no audit entry: %v", err)
	}
	return es[0]
}

func TestFirstOwnerOnlyOnce(t *testing.T) {
	db := MustOpenDB(t)
	ctx := context.Background()
	if n, err := db.CountStaff(ctx); err != nil || n != 0 {
		t.Fatalf("fresh shop has %d staff (%v)", n, err)
	}
	if _, err := db.CreateFirstOwner(ctx, "王芳", "1234"); posdesk.ErrorField(err) != "pin" {
		t.Errorf("owner with a 4-digit PIN: %v, want a pin error", err)
	}
	u, err := db.CreateFirstOwner(ctx, "  王芳 ", ownerPIN)
	if err != nil {
		t.Fatal(err)
	}
	if u.Name != "王芳" || u.Role != posdesk.RoleOwner || u.ID == 0 {
		t.Errorf("first owner %+v", u)
	}
	if _, err := db.CreateFirstOwner(ctx, "Mallory", "775533"); posdesk.ErrorCode(err) != posdesk.ECONFLICT {
		t.Errorf("second first owner: %v, want ECONFLICT", err)
	}
	e := lastAudit(t, db)
	if e.Action != "staff.create" || e.Actor != "王芳" || strings.Contains(e.New, ownerPIN) {
		t.Errorf("audit entry %+v", e)
	}
}

func TestStaffManagement(t *testing.T) {
	db := MustOpenDB(t)
	s := MustStaff(t, db)
	ctx := context.Background()

	// Only owners add people; the cashier's and manager's attempts are refused and logged.
	for _, who := range []context.Context{s.Cashier, s.Manager} {
		_, err := db.CreateUser(who, "Eve", posdesk.RoleOwner, "775533")
		if posdesk.ErrorCode(err) != posdesk.EFORBIDDEN {
			t.Errorf("%s adding staff: %v, want EFORBIDDEN", posdesk.ActorName(who), err)
		}
		if e := lastAudit(t, db); e.Action != "denied" || e.Actor != posdesk.ActorName(who) || !strings.Contains(e.New, "staff.manage") {
			t.Errorf("refusal not logged: %+v", e)
		}
	}
	// Names are unique ignoring letter case.
	if _, err := db.CreateUser(s.Owner, "LI WEI", posdesk.RoleCashier, "5930"); posdesk.ErrorField(err) != "name" {
		t.Errorf("duplicate name: %v, want a name error", err)
	}
	// Unknown role, short PIN: both reported.
	_, err := db.CreateUser(s.Owner, "", "boss", "1")
	var es posdesk.Errors
	if !asErrors(err, &es) || len(es) != 2 {
		t.Errorf("bad name and role: %v, want 2 errors", err)
	}
	users, err := db.FindUsers(ctx, posdesk.StaffFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := names(users), "Li Wei,小陈,王芳"; got != want {
		t.Errorf("FindUsers = %s, want %s", got, want)
	}

	// Disable the cashier: sign-in refused, and a context obtained earlier loses its rights.
	off := true
	if _, err := db.UpdateUser(s.Owner, s.CashierU.ID, posdesk.StaffUpdate{Disabled: &off}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.SignIn(ctx, "小陈", cashierPIN); posdesk.ErrorCode(err) != posdesk.EFORBIDDEN {
		t.Errorf("disabled sign-in: %v", err)
	}
	if err := db.CreateTransaction(s.Cashier, &posdesk.Transaction{Time: time.Now(), Amount: posdesk.CNY("5.00")}); posdesk.ErrorCode(err) != posdesk.EFORBIDDEN {
		t.Errorf("disabled cashier still records sales: %v", err)
	}
	users, _ = db.FindUsers(ctx, posdesk.StaffFilter{})
	all, _ := db.FindUsers(ctx, posdesk.StaffFilter{IncludeDisabled: true})
	if len(users) != 2 || len(all) != 3 {
		t.Errorf("enabled %d, all %d", len(users), len(all))
	}
	on := false
	if _, err := db.UpdateUser(s.Owner, s.CashierU.ID, posdesk.StaffUpdate{Disabled: &on}); err != nil {
		t.Fatal(err)
	}

	// The only owner can neither be disabled nor demoted.
	mgr := posdesk.RoleManager
	if _, err := db.UpdateUser(s.Owner, s.OwnerU.ID, posdesk.StaffUpdate{Disabled: &off}); posdesk.ErrorCode(err) != posdesk.ECONFLICT {
		t.Errorf("disabling the only owner: %v, want ECONFLICT", err)
	}
	if _, err := db.UpdateUser(s.Owner, s.OwnerU.ID, posdesk.StaffUpdate{Role: &mgr}); posdesk.ErrorCode(err) != posdesk.ECONFLICT {
		t.Errorf("demoting the only owner: %v, want ECONFLICT", err)
	}

	// A cashier's 4-digit PIN is not enough for a manager: set a longer one first.
	if _, err := db.UpdateUser(s.Owner, s.CashierU.ID, posdesk.StaffUpdate{Role: &mgr}); posdesk.ErrorField(err) != "pin" {
		t.Errorf("promoting with a cashier PIN: %v, want a pin error", err)
	}
	if err := db.SetPIN(s.Owner, s.CashierU.ID, "5930"); err != nil { // still a cashier: 4 digits do
		t.Fatal(err)
	}
	if _, err := db.UpdateUser(s.Owner, s.CashierU.ID, posdesk.StaffUpdate{Role: &mgr}); posdesk.ErrorField(err) != "pin" {
		t.Errorf("promoting after a new cashier PIN: %v, want a pin error", err)
	}

	// Promote the manager to owner; now the first owner may step down.
	owner := posdesk.RoleOwner
	if _, err := db.UpdateUser(s.Owner, s.ManagerU.ID, posdesk.StaffUpdate{Role: &owner}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.UpdateUser(s.Owner, s.OwnerU.ID, posdesk.StaffUpdate{Role: &mgr}); err != nil {
		t.Errorf("demoting one of two owners: %v", err)
	}
	// The demoted owner's old context no longer manages staff: roles are read fresh.
	if _, err := db.CreateUser(s.Owner, "Eve", posdesk.RoleCashier, "5930"); posdesk.ErrorCode(err) != posdesk.EFORBIDDEN {
		t.Errorf("demoted owner adding staff: %v, want EFORBIDDEN", err)
	}
}

func asErrors(err error, es *posdesk.Errors) bool {
	e, ok := err.(posdesk.Errors)
	*es = e
	return ok
}

func names(us []*posdesk.User) string {
	var out []string
	for _, u := range us {
		out = append(out, u.Name)
	}
	return strings.Join(out, ",")
}

func TestSetPIN(t *testing.T) {
	db := MustOpenDB(t)
	s := MustStaff(t, db)
	ctx := context.Background()
	// A cashier may change their own PIN, not the manager's.
	if err := db.SetPIN(s.Cashier, s.CashierU.ID, "6072"); err != nil {
		t.Fatal(err)
	}
	if err := db.SetPIN(s.Cashier, s.ManagerU.ID, "6072"); posdesk.ErrorCode(err) != posdesk.EFORBIDDEN {
		t.Errorf("cashier setting the manager's PIN: %v", err)
	}
	if e := lastAudit(t, db); e.Action != "denied" || e.Actor != "小陈" {
		t.Errorf("refusal not logged: %+v", e)
	}
	// The manager's new PIN must follow the manager rule.
	if err := db.SetPIN(s.Owner, s.ManagerU.ID, "6072"); posdesk.ErrorField(err) != "pin" {
		t.Errorf("4-digit manager PIN: %v", err)
	}
	if _, err := db.SignIn(ctx, "小陈", cashierPIN); err == nil {
		t.Error("old PIN still works")
	}
	if _, err := db.SignIn(ctx, "小陈", "６０７２"); err != nil { // full-width digits from an IME
		t.Errorf("new PIN: %v", err)
	}
	// A made-up user is nobody once staff exist.
	fake := posdesk.NewContextWithUser(ctx, &posdesk.User{ID: 99, Name: "ghost", Role: posdesk.RoleOwner})
	if err := db.SetPIN(fake, s.CashierU.ID, "6072"); posdesk.ErrorCode(err) != posdesk.EFORBIDDEN {
		t.Errorf("made-up owner: %v", err)
	}
	implicit := posdesk.NewContextWithUser(ctx, &posdesk.User{Name: "owner", Role: posdesk.RoleOwner})
	if err := db.SetSetting(implicit, "shop.name", "x"); posdesk.ErrorCode(err) != posdesk.EFORBIDDEN {
		t.Errorf("implicit owner after staff exist: %v", err)
	}
}

// TestSignInThrottle walks the back-off with an injected clock: 5 free wrong PINs, then 30 s,
// 60 s, ..., and the lock survives closing and reopening the database.
func TestSignInThrottle(t *testing.T) {
	path := filepath.Join(t.TempDir(), "posdesk.db")
	now := time.Date(2026, 9, 20, 10, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	db, err := sqlite.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	db.Now = clock
	ctx := context.Background()
	if _, err := db.CreateFirstOwner(ctx, "王芳", ownerPIN); err != nil {
		t.Fatal(err)
	}
	attempt := func(pin string) error {
		_, err := db.SignIn(ctx, "王芳", pin)
		return err
	}
	for i := 1; i <= 4; i++ {
		if err := attempt("000001"); err == nil || strings.Contains(err.Error(), "Too many") {
			t.Fatalf("wrong PIN %d: %v", i, err)
		}
	}
	if err := attempt("000001"); err == nil || !strings.Contains(err.Error(), "30 seconds") {
		t.Fatalf("5th wrong PIN: %v, want a 30 s lock", err)
	}
	// Locked: even the right PIN is refused, and the wait counts down.
	now = now.Add(29 * time.Second)
	if err := attempt(ownerPIN); err == nil || !strings.Contains(err.Error(), "1 seconds") {
		t.Fatalf("right PIN while locked: %v", err)
	}
	u, err := db.FindUserByName(ctx, "王芳")
	if err != nil || !u.LockedUntil.Equal(now.Add(time.Second)) {
		t.Errorf("LockedUntil %v, want %v (%v)", u.LockedUntil, now.Add(time.Second), err)
	}

	// Restart the program: still locked.
	db.Close()
	db, err = sqlite.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.Now = clock
	now = now.Add(999 * time.Millisecond)
	if err := attempt(ownerPIN); err == nil {
		t.Fatal("lock forgotten after reopening")
	}
	now = now.Add(time.Millisecond) // 30 s after the 5th failure
	if err := attempt("000001"); err == nil || !strings.Contains(err.Error(), "60 seconds") {
		t.Fatalf("6th wrong PIN: %v, want a 60 s lock", err)
	}
	now = now.Add(60 * time.Second)
	if err := attempt("000001"); err == nil || !strings.Contains(err.Error(), "2 minutes") {
		t.Fatalf("7th wrong PIN: %v, want a 2 min lock", err)
	}
	now = now.Add(2 * time.Minute)
	if err := attempt(ownerPIN); err != nil {
		t.Fatalf("right PIN after the wait: %v", err)
	}
	// Success resets the count: 4 more wrong PINs are free again.
	for i := 1; i <= 4; i++ {
		if err := attempt("000001"); err == nil || strings.Contains(err.Error(), "Too many") {
			t.Fatalf("wrong PIN %d after reset: %v", i, err)
		}
	}
	if err := attempt(ownerPIN); err != nil {
		t.Fatalf("right PIN after 4 wrong: %v", err)
	}
	// Every refusal is in the audit trail, with the name tried as actor.
	failed, err := db.FindAuditEntries(ctx, posdesk.AuditFilter{Action: "signin.failed", Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := len(failed), 4+1+2+2+4; got != want { // wrong 1-4, 5th, locked x2, 6th+7th, 4 after reset
		t.Errorf("%d signin.failed entries, want %d", got, want)
	}
	if failed[0].Actor != "王芳" {
		t.Errorf("actor %q", failed[0].Actor)
	}
	// A wrong name gets the same answer as a wrong PIN.
	_, err1 := db.SignIn(ctx, "nobody", ownerPIN)
	_, err2 := db.SignIn(ctx, "王芳", "000001")
	if err1 == nil || err2 == nil || err1.Error() != err2.Error() {
		t.Errorf("wrong name %v, wrong PIN %v", err1, err2)
	}
}

// TestSignInParallelAttemptsCounted checks that attempts made at the same moment cannot slip
// past the lock: each is counted before its PIN is checked.
func TestSignInParallelAttemptsCounted(t *testing.T) {
	db := MustOpenDB(t)
	ctx := context.Background()
	if _, err := db.CreateFirstOwner(ctx, "王芳", ownerPIN); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			db.SignIn(ctx, "王芳", "000001")
		}()
	}
	wg.Wait()
	// The clock does not move (MustOpenDB fixes it): at most 5 attempts were checked, so the
	// account is locked now and the right PIN is refused.
	if _, err := db.SignIn(ctx, "王芳", ownerPIN); err == nil || !strings.Contains(err.Error(), "Too many") {
		t.Errorf("after 8 parallel wrong PINs: %v, want locked", err)
	}
}

// TestPINHashOWASP checks the stored form: argon2id, 19 MiB, 2 iterations, 1 lane, a 16-byte
// salt unique per account, and no PIN in the database file.
func TestPINHashOWASP(t *testing.T) {
	db := MustOpenDB(t)
	ctx := context.Background()
	if _, err := db.CreateFirstOwner(ctx, "王芳", ownerPIN); err != nil {
		t.Fatal(err)
	}
	owner, err := db.SignIn(ctx, "王芳", ownerPIN)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.CreateUser(posdesk.NewContextWithUser(ctx, owner), "Twin", posdesk.RoleOwner, ownerPIN); err != nil {
		t.Fatal(err)
	}
	rows, err := db.Reader().Query(`SELECT pin_hash FROM staff ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	var hashes []string
	for rows.Next() {
		var h string
		rows.Scan(&h)
		hashes = append(hashes, h)
	}
	rows.Close()
	salts := map[string]bool{}
	for _, h := range hashes {
		parts := strings.Split(h, "$")
		if len(parts) != 6 || parts[1] != "argon2id" || parts[2] != "v=19" || parts[3] != "m=19456,t=2,p=1" {
			t.Fatalf("hash %q is not argon2id with OWASP parameters", h)
		}
		salt, err := base64.RawStdEncoding.DecodeString(parts[4])
		if err != nil || len(salt) != 16 {
			t.Errorf("salt %q: %d bytes (%v), want 16", parts[4], len(salt), err)
		}
		salts[parts[4]] = true
	}
	if len(salts) != 2 {
		t.Error("two accounts with the same PIN share a salt")
	}
	db.Close()
	for _, f := range []string{db.Path, db.Path + "-wal"} {
		b, _ := os.ReadFile(f)
		if strings.Contains(string(b), ownerPIN) {
			t.Errorf("%s contains the PIN in clear", filepath.Base(f))
		}
	}
}

// TestTamperedPINHashRefused checks a hash edited to ask for absurd memory is refused rather
// than run.
func TestTamperedPINHashRefused(t *testing.T) {
	db := MustOpenDB(t)
	ctx := context.Background()
	if _, err := db.CreateFirstOwner(ctx, "王芳", ownerPIN); err != nil {
		t.Fatal(err)
	}
	raw, err := sql.Open("sqlite", "file:"+db.Path)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	if _, err := raw.Exec(`UPDATE staff SET pin_hash = replace(pin_hash, 'm=19456', 'm=4194304')`); err != nil {
		t.Fatal(err)
	}
	if _, err := db.SignIn(ctx, "王芳", ownerPIN); posdesk.ErrorCode(err) != posdesk.EINTERNAL {
		t.Errorf("sign-in against a 4 GiB hash: %v, want EINTERNAL", err)
	}
}
