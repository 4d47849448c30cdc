package posdesk_test

import (
	"context"
	"sort"
	"testing"
	"time"

	"github.com/posdesk/posdesk/internal/posdesk"
)

// matrix is issue 7's permission table, written out by hand: which roles may do each action.
// C = cashier, M = manager, O = owner.
var matrix = map[posdesk.Action]string{
	posdesk.ActCreateTransaction: "CMO",
	posdesk.ActLogIncident:       "CMO",
	posdesk.ActAttach:            "CMO",
	posdesk.ActAddContact:        "CMO",
	posdesk.ActEditTransaction:   "MO",
	posdesk.ActVoidTransaction:   "MO",
	posdesk.ActEditIncident:      "MO",
	posdesk.ActManageRefund:      "MO",
	posdesk.ActApproveRefund:     "MO",
	posdesk.ActBuildPacket:       "MO",
	posdesk.ActImport:            "MO",
	posdesk.ActReconcile:         "MO",
	posdesk.ActManageStaff:       "O",
	posdesk.ActEditSettings:      "O",
	posdesk.ActBackup:            "O",
	posdesk.ActRestore:           "O",
	posdesk.ActErasePersonalData: "O",
	posdesk.ActDemo:              "O",
}

var roleLetter = map[posdesk.Role]string{posdesk.RoleCashier: "C", posdesk.RoleManager: "M", posdesk.RoleOwner: "O"}

// TestRoleActionMatrix checks every cell of the role x action table: allowed cells pass
// Authorize, forbidden ones are refused with EFORBIDDEN. Every action Authorize knows must
// have a row, so a new action cannot slip in without a decision.
func TestRoleActionMatrix(t *testing.T) {
	var known []string
	for _, a := range posdesk.Actions() {
		known = append(known, string(a))
		if _, ok := matrix[a]; !ok {
			t.Errorf("action %s has no row in the permission matrix test", a)
		}
	}
	if got, want := len(known), len(matrix); got != want {
		sort.Strings(known)
		t.Errorf("Actions() has %d actions, the matrix %d: %v", got, want, known)
	}
	forbidden := 0
	for action, allowed := range matrix {
		for role, letter := range roleLetter {
			ctx := posdesk.NewContextWithUser(context.Background(), &posdesk.User{ID: 7, Name: "pat", Role: role})
			want := contains(allowed, letter)
			if got := posdesk.Can(role, action); got != want {
				t.Errorf("Can(%s, %s) = %v, want %v", role, action, got, want)
			}
			err := posdesk.Authorize(ctx, action)
			switch {
			case want && err != nil:
				t.Errorf("Authorize(%s, %s) = %v, want allowed", role, action, err)
			case !want && posdesk.ErrorCode(err) != posdesk.EFORBIDDEN:
				t.Errorf("Authorize(%s, %s) = %v, want EFORBIDDEN", role, action, err)
			}
			if !want {
				forbidden++
			}
		}
		// Nobody, an unknown role and a disabled owner are refused everything.
		for _, u := range []*posdesk.User{nil, {Name: "x", Role: "boss"}, {Name: "o", Role: posdesk.RoleOwner, Disabled: true}} {
			ctx := context.Background()
			if u != nil {
				ctx = posdesk.NewContextWithUser(ctx, u)
			}
			if err := posdesk.Authorize(ctx, action); posdesk.ErrorCode(err) != posdesk.EFORBIDDEN {
				t.Errorf("Authorize(%+v, %s) = %v, want EFORBIDDEN", u, action, err)
			}
		}
	}
	// Counted by hand: cashiers are refused 14 of 18 actions, managers the 6 owner-only ones.
	if got, want := forbidden, 20; got != want {
		t.Errorf("%d forbidden cells, want %d", got, want)
	}
	if posdesk.Can(posdesk.RoleOwner, "no.such.action") {
		t.Error("an unknown action is allowed")
	}
}

func contains(s, letter string) bool {
	for i := 0; i < len(s); i++ {
		if s[i:i+1] == letter {
			return true
		}
	}
	return false
}

func TestValidatePIN(t *testing.T) {
	for _, tc := range []struct {
		role posdesk.Role
		pin  string
		ok   bool
	}{
		{posdesk.RoleCashier, "4821", true},
		{posdesk.RoleCashier, "482", false},
		{posdesk.RoleCashier, "", false},
		{posdesk.RoleCashier, "1111", false}, // repeated digit
		{posdesk.RoleCashier, "1234", false}, // straight run
		{posdesk.RoleCashier, "4321", false},
		{posdesk.RoleCashier, "8901", true}, // runs do not wrap
		{posdesk.RoleManager, "4821", false},
		{posdesk.RoleManager, "48213", false},
		{posdesk.RoleManager, "482193", true},
		{posdesk.RoleManager, "123456", false},
		{posdesk.RoleManager, "654321", false},
		{posdesk.RoleOwner, "000000", false},
		{posdesk.RoleOwner, "902715", true},
		{posdesk.RoleOwner, "abc12", false},    // password shorter than 6
		{posdesk.RoleOwner, "abc123", true},    // password of 6
		{posdesk.RoleOwner, "aaaaaa", true},    // repetition rule is for digit PINs
		{posdesk.RoleOwner, "密码很长的店主", true},   // any script
		{posdesk.RoleOwner, "12\t3456", false}, // control character
	} {
		err := posdesk.ValidatePIN(tc.role, posdesk.NormalizePIN(tc.pin))
		if got := err == nil; got != tc.ok {
			t.Errorf("ValidatePIN(%s, %q) = %v, want ok=%v", tc.role, tc.pin, err, tc.ok)
		}
		if err != nil && posdesk.ErrorField(err) != "pin" {
			t.Errorf("ValidatePIN(%s, %q): field %q, want pin", tc.role, tc.pin, posdesk.ErrorField(err))
		}
	}
	long := ""
	for i := 0; i < 65; i++ {
		long += "7"
	}
	if err := posdesk.ValidatePIN(posdesk.RoleOwner, long[:64]+"1"); err == nil {
		t.Error("65-character PIN accepted")
	}
}

func TestNormalizePIN(t *testing.T) {
	got, want := posdesk.NormalizePIN(" ９０２７１５ "), "902715"
	if got != want {
		t.Errorf("NormalizePIN = %q, want %q", got, want)
	}
}

func TestValidateStaffName(t *testing.T) {
	for _, tc := range []struct {
		name string
		ok   bool
	}{
		{"王芳", true},
		{"Li Wei", true},
		{"", false},
		{"a\x07b", false},
		{"这个名字实在是太长了这个名字实在是太长了这个名字实在是太长了这个名字实在是太长了x", false},
		{"4111111111111111", false}, // looks like a card number
	} {
		err := posdesk.ValidateStaffName(posdesk.NormalizeStaffName(tc.name))
		if got := err == nil; got != tc.ok {
			t.Errorf("ValidateStaffName(%q) = %v, want ok=%v", tc.name, err, tc.ok)
		}
	}
	if got, want := posdesk.NormalizeStaffName("  Li   Wei "), "Li Wei"; got != want {
		t.Errorf("NormalizeStaffName = %q, want %q", got, want)
	}
}

func TestThrottleDelay(t *testing.T) {
	th := posdesk.DefaultThrottle
	for _, tc := range []struct {
		failures int
		want     time.Duration
	}{
		{0, 0}, {1, 0}, {4, 0},
		{5, 30 * time.Second},
		{6, time.Minute},
		{7, 2 * time.Minute},
		{8, 4 * time.Minute},
		{9, 8 * time.Minute},
		{10, 15 * time.Minute}, // 16 min capped
		{11, 15 * time.Minute},
		{1000, 15 * time.Minute},
	} {
		if got := th.Delay(tc.failures); got != tc.want {
			t.Errorf("Delay(%d) = %v, want %v", tc.failures, got, tc.want)
		}
	}
}

func TestCanSetPIN(t *testing.T) {
	owner := &posdesk.User{ID: 1, Name: "o", Role: posdesk.RoleOwner}
	cashier := &posdesk.User{ID: 3, Name: "c", Role: posdesk.RoleCashier}
	implicit := &posdesk.User{Name: "owner", Role: posdesk.RoleCashier}
	for _, tc := range []struct {
		actor  *posdesk.User
		target int64
		want   bool
	}{
		{owner, 3, true},
		{owner, 1, true},
		{cashier, 3, true},
		{cashier, 1, false},
		{&posdesk.User{ID: 3, Role: posdesk.RoleCashier, Disabled: true}, 3, false},
		{implicit, 0, false}, // ID 0 is nobody's account
		{nil, 1, false},
	} {
		if got := posdesk.CanSetPIN(tc.actor, tc.target); got != tc.want {
			t.Errorf("CanSetPIN(%+v, %d) = %v, want %v", tc.actor, tc.target, got, tc.want)
		}
	}
}

func TestSecondPerson(t *testing.T) {
	ctx := posdesk.NewContextWithUser(context.Background(), &posdesk.User{ID: 2, Name: "Li Wei", Role: posdesk.RoleManager})
	if err := posdesk.SecondPerson(ctx, " li wei "); posdesk.ErrorCode(err) != posdesk.EFORBIDDEN {
		t.Errorf("maker approving own request: %v, want EFORBIDDEN", err)
	}
	if err := posdesk.SecondPerson(ctx, "王芳"); err != nil {
		t.Errorf("another person's request: %v", err)
	}
	if err := posdesk.SecondPerson(context.Background(), "王芳"); posdesk.ErrorCode(err) != posdesk.EFORBIDDEN {
		t.Errorf("nobody signed in: %v, want EFORBIDDEN", err)
	}
}

func TestSessionLocksAfterIdle(t *testing.T) {
	t0 := time.Date(2026, 9, 20, 9, 0, 0, 0, time.UTC)
	s := &posdesk.Session{User: &posdesk.User{Name: "c"}, Last: t0, Idle: 10 * time.Minute}
	if s.Locked(t0.Add(9*time.Minute + 59*time.Second)) {
		t.Error("locked before 10 minutes")
	}
	s.Touch(t0.Add(5 * time.Minute))
	s.Touch(t0) // an older event does not move activity back
	if s.Locked(t0.Add(14 * time.Minute)) {
		t.Error("locked 9 minutes after the last activity")
	}
	if !s.Locked(t0.Add(15 * time.Minute)) {
		t.Error("not locked 10 minutes after the last activity")
	}
	s.Idle = 0
	if s.Locked(t0.Add(24 * time.Hour)) {
		t.Error("Idle 0 locked")
	}
	var none *posdesk.Session
	if !none.Locked(t0) || !(&posdesk.Session{}).Locked(t0) {
		t.Error("a session without a user is not locked")
	}
}

func TestParseAuditHead(t *testing.T) {
	h := posdesk.AuditHead{Seq: 1234, Hash: "9f2c4e1a0b7d3c55aa00bb11cc22dd33ee44ff5566778899aabbccddeeff0011"}
	got, err := posdesk.ParseAuditHead(h.Short())
	if err != nil {
		t.Fatal(err)
	}
	if want := (posdesk.AuditHead{Seq: 1234, Hash: "9f2c4e1a0b7d3c55"}); got != want {
		t.Errorf("ParseAuditHead(%q) = %+v, want %+v", h.Short(), got, want)
	}
	for _, bad := range []string{"", "1234", "x:9f2c4e1a", "0:9f2c4e1a", "12:9f2c", "12:9f2c4e1g"} {
		if _, err := posdesk.ParseAuditHead(bad); posdesk.ErrorCode(err) != posdesk.EINVALID {
			t.Errorf("ParseAuditHead(%q) = %v, want EINVALID", bad, err)
		}
	}
}
