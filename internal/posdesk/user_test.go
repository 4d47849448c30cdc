package posdesk_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/posdesk/posdesk/internal/posdesk"
)

// leastRole is the permission matrix as the shop expects it, written out independently of the
// code: the least trusted role allowed to do each action.
var leastRole = map[posdesk.Action]posdesk.Role{
	posdesk.ActCreateTransaction: posdesk.RoleCashier,
	posdesk.ActLogIncident:       posdesk.RoleCashier,
	posdesk.ActAttach:            posdesk.RoleCashier,
	posdesk.ActAddContact:        posdesk.RoleCashier,
	posdesk.ActEditTransaction:   posdesk.RoleManager,
	posdesk.ActVoidTransaction:   posdesk.RoleManager,
	posdesk.ActEditIncident:      posdesk.RoleManager,
	posdesk.ActBuildPacket:       posdesk.RoleManager,
	posdesk.ActManageRefund:      posdesk.RoleManager,
	posdesk.ActApproveRefund:     posdesk.RoleManager,
	posdesk.ActImport:            posdesk.RoleManager,
	posdesk.ActReconcile:         posdesk.RoleManager,
	posdesk.ActErasePersonalData: posdesk.RoleOwner,
	posdesk.ActManageStaff:       posdesk.RoleOwner,
	posdesk.ActEditSettings:      posdesk.RoleOwner,
	posdesk.ActBackup:            posdesk.RoleOwner,
	posdesk.ActRestore:           posdesk.RoleOwner,
	posdesk.ActDemo:              posdesk.RoleOwner,
}

var roles = []posdesk.Role{posdesk.RoleCashier, posdesk.RoleManager, posdesk.RoleOwner}

func TestActionsAllInMatrix(t *testing.T) {
	got := posdesk.Actions()
	for _, a := range got {
		if _, ok := leastRole[a]; !ok {
			t.Errorf("action %q has no row in the test's matrix: decide who may do it", a)
		}
	}
	for a := range leastRole {
		if !slices.Contains(got, a) {
			t.Errorf("action %q is not known to Actions()", a)
		}
	}
}

func TestCanMatrix(t *testing.T) {
	for a, least := range leastRole {
		for _, r := range roles {
			want := slices.Index(roles, r) >= slices.Index(roles, least)
			if got := posdesk.Can(r, a); got != want {
				t.Errorf("Can(%s, %s) = %v, want %v", r, a, got, want)
			}
		}
	}
	for _, r := range []posdesk.Role{"", "admin", "OWNER"} {
		for a := range leastRole {
			if posdesk.Can(r, a) {
				t.Errorf("unknown role %q may %s", r, a)
			}
		}
	}
	for _, r := range roles {
		if posdesk.Can(r, "transaction.delete") {
			t.Errorf("%s may do an unknown action", r)
		}
	}
}

func TestAuthorize(t *testing.T) {
	as := func(u *posdesk.User) context.Context { return posdesk.NewContextWithUser(context.Background(), u) }
	for a, least := range leastRole {
		for _, r := range roles {
			u := &posdesk.User{Name: "Li Na", Role: r}
			err := posdesk.Authorize(as(u), a)
			allowed := slices.Index(roles, r) >= slices.Index(roles, least)
			switch {
			case allowed && err != nil:
				t.Errorf("Authorize(%s, %s): %v", r, a, err)
			case !allowed && posdesk.ErrorCode(err) != posdesk.EFORBIDDEN:
				t.Errorf("Authorize(%s, %s) = %v, want forbidden", r, a, err)
			case !allowed:
				msg := err.Error()
				for _, w := range []string{"Li Na", string(r), string(a), string(least)} {
					if !strings.Contains(msg, w) {
						t.Errorf("Authorize(%s, %s): message %q does not name %q", r, a, msg, w)
					}
				}
			}
		}
	}
	if err := posdesk.Authorize(context.Background(), posdesk.ActCreateTransaction); posdesk.ErrorCode(err) != posdesk.EFORBIDDEN {
		t.Errorf("no user: %v", err)
	}
	off := &posdesk.User{Name: "Wang", Role: posdesk.RoleOwner, Disabled: true}
	if err := posdesk.Authorize(as(off), posdesk.ActCreateTransaction); posdesk.ErrorCode(err) != posdesk.EFORBIDDEN || !strings.Contains(err.Error(), "disabled") {
		t.Errorf("disabled user: %v", err)
	}
	if got := posdesk.ActorName(as(&posdesk.User{Name: "Zhao"})); got != "Zhao" {
		t.Errorf("ActorName = %q", got)
	}
	if got := posdesk.ActorName(context.Background()); got != "" {
		t.Errorf("ActorName without user = %q", got)
	}
}

func TestErrorHelpers(t *testing.T) {
	err := posdesk.Invalid("amount", "Amount %q is not a number; write it like 1,288.00 or 1288.00.", "x")
	wrapped := &posdesk.Error{Code: posdesk.EINTERNAL, Format: "Cannot open the database %s.", Args: []any{"a.db"}, Err: err}
	for _, tc := range []struct {
		err         error
		code, field string
	}{
		{nil, "", ""},
		{err, posdesk.EINVALID, "amount"},
		{context.Canceled, posdesk.EINTERNAL, ""},
		{posdesk.Errors{err}, posdesk.EINVALID, "amount"},
		{wrapped, posdesk.EINTERNAL, ""},
	} {
		if code, field := posdesk.ErrorCode(tc.err), posdesk.ErrorField(tc.err); code != tc.code || field != tc.field {
			t.Errorf("%v: code %q field %q, want %q %q", tc.err, code, field, tc.code, tc.field)
		}
	}
	if got, want := wrapped.Error(), `Cannot open the database a.db.: Amount "x" is not a number; write it like 1,288.00 or 1288.00.`; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	if posdesk.Errors(nil).Err() != nil {
		t.Error("empty Errors is not nil")
	}
}
