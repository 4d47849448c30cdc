package sqlite

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/posdesk/posdesk/internal/posdesk"
)

// TestAuthorizeMatrixLogged runs every role x action cell through the storage gate every store
// uses (db.authorize), with real staff accounts: each refusal must come back EFORBIDDEN and
// leave exactly one "denied" audit entry naming the actor and the action; each allowed cell
// must leave none. The cells themselves are checked against issue 7's table in
// posdesk.TestRoleActionMatrix; here the rule is that storage agrees with the domain.
func TestAuthorizeMatrixLogged(t *testing.T) {
	db, err := Open(filepath.Join(t.TempDir(), "posdesk.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	owner, err := db.CreateFirstOwner(ctx, "王芳", "902715")
	if err != nil {
		t.Fatal(err)
	}
	octx := posdesk.NewContextWithUser(ctx, owner)
	users := map[posdesk.Role]*posdesk.User{posdesk.RoleOwner: owner}
	for role, pin := range map[posdesk.Role]string{posdesk.RoleManager: "482193", posdesk.RoleCashier: "4821"} {
		if users[role], err = db.CreateUser(octx, string(role), role, pin); err != nil {
			t.Fatal(err)
		}
	}
	refused := 0
	for _, action := range posdesk.Actions() {
		for role, u := range users {
			before, _ := db.AuditHead(ctx)
			err := db.authorize(posdesk.NewContextWithUser(ctx, u), action, "test", 42)
			after, _ := db.AuditHead(ctx)
			if posdesk.Can(role, action) {
				if err != nil || after.Seq != before.Seq {
					t.Errorf("%s %s: allowed cell gave %v and %d audit entries", role, action, err, after.Seq-before.Seq)
				}
				continue
			}
			refused++
			if posdesk.ErrorCode(err) != posdesk.EFORBIDDEN {
				t.Errorf("%s %s: %v, want EFORBIDDEN", role, action, err)
			}
			if after.Seq != before.Seq+1 {
				t.Errorf("%s %s: %d audit entries, want 1", role, action, after.Seq-before.Seq)
				continue
			}
			es, _ := db.FindAuditEntries(ctx, posdesk.AuditFilter{Limit: 1})
			e := es[0]
			if e.Action != "denied" || e.Actor != u.Name || e.Entity != "test" || e.EntityID != 42 || !strings.Contains(e.New, `"`+string(action)+`"`) {
				t.Errorf("%s %s: logged %+v", role, action, e)
			}
		}
	}
	if refused != 20 {
		t.Errorf("%d refusals, want 20", refused)
	}
	if _, _, bad, err := db.VerifyAudit(ctx); bad != nil || err != nil {
		t.Errorf("trail after the matrix: %v", err)
	}
}
