package main

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestRefundApprovalWithStaffLogins checks that once staff accounts exist the signed-in person
// is the requester and the approver: a manager cannot approve a refund they asked for, nor
// approve or ask in someone else's name, and a cashier cannot approve at all.
func TestRefundApprovalWithStaffLogins(t *testing.T) {
	t.Setenv("XDG_CONFIG_HOME", t.TempDir())
	db := filepath.Join(t.TempDir(), "posdesk.db")
	owner, li, zhang, chen := as("王芳", "902715"), as("Li Wei", "482193"), as("Zhang Min", "551902"), as("小陈", "4821")
	expect := func(wantCode int, env map[string]string, args ...string) string {
		t.Helper()
		code, out, errs := staffCLI(t, env, append(args, "--db", db)...)
		if code != wantCode {
			t.Fatalf("posdesk %s: exit %d, want %d\nstdout: %s\nstderr: %s", strings.Join(args, " "), code, wantCode, out, errs)
		}
		return out + errs
	}
	expect(0, map[string]string{"POSDESK_PIN": "902715"}, "staff", "init", "--name", "王芳")
	expect(0, with(owner, "POSDESK_NEW_PIN", "482193"), "staff", "add", "Li Wei", "--role", "manager")
	expect(0, with(owner, "POSDESK_NEW_PIN", "551902"), "staff", "add", "Zhang Min", "--role", "manager")
	expect(0, with(owner, "POSDESK_NEW_PIN", "4821"), "staff", "add", "小陈", "--role", "cashier")

	if msg := expect(1, li, "refund", "add", "--standalone", "--expected", "800", "--by", "Zhang Min"); !strings.Contains(msg, "in the name of Zhang Min") {
		t.Errorf("asking in someone else's name: %s", msg)
	}
	id := strings.TrimSpace(expect(0, li, "refund", "add", "--standalone", "--expected", "800"))
	if msg := expect(1, li, "refund", "approve", id); !strings.Contains(msg, "cannot approve") {
		t.Errorf("requester approving: %s", msg)
	}
	if msg := expect(1, li, "refund", "approve", id, "--by", "Zhang Min"); !strings.Contains(msg, "in the name of Zhang Min") {
		t.Errorf("approving in someone else's name: %s", msg)
	}
	expect(1, chen, "refund", "approve", id)
	expect(0, zhang, "refund", "approve", id)
	if out := expect(0, zhang, "refund", "show", id); !strings.Contains(out, "Requested by: Li Wei") || !strings.Contains(out, "Approved by: Zhang Min") {
		t.Errorf("show:\n%s", out)
	}
}
