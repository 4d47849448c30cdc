package ui

import (
	"context"
	"strings"
	"testing"

	"github.com/posdesk/posdesk/internal/mock"
	"github.com/posdesk/posdesk/internal/posdesk"
)

var shopOwner = &posdesk.User{ID: 1, Name: "王芳", Role: posdesk.RoleOwner}

func TestStaffScreen(t *testing.T) {
	f, staff := newFakeStaff(shopOwner, &posdesk.User{Name: "小陈", Role: posdesk.RoleCashier})
	w, _ := newTestWindow(t, Services{Staff: staff}, shopOwner)
	if !w.Open("staff") {
		t.Fatal("owner: no Staff section")
	}
	s := w.Built("staff").(*StaffScreen)
	if got := len(s.Users()); got != 2 {
		t.Fatalf("%d accounts listed, want 2", got)
	}
	if s.role.Disabled() == false {
		t.Error("role button enabled with nothing selected")
	}
	// Add: PINs must agree and follow the role's rule.
	if err := s.Add("Li Wei", posdesk.RoleManager, "482193", "482194"); posdesk.ErrorField(err) != "pin" {
		t.Errorf("different PINs: %v", err)
	}
	if err := s.Add("Li Wei", posdesk.RoleManager, "4821", "4821"); err == nil || !strings.Contains(err.Error(), "6 digits") {
		t.Errorf("4-digit manager PIN: %v", err)
	}
	if err := s.Add("Li Wei", posdesk.RoleManager, "482193", "482193"); err != nil {
		t.Fatal(err)
	}
	if len(s.Users()) != 3 || !strings.Contains(s.status.Text, "Li Wei") {
		t.Errorf("after adding: %d users, status %q", len(s.Users()), s.status.Text)
	}
	// Disable the cashier from the selection.
	s.Select(1)
	if s.current().Name != "小陈" || s.toggle.Text != "Disable" {
		t.Fatalf("selected %+v, toggle %q", s.current(), s.toggle.Text)
	}
	s.onToggle()
	if !f.users[1].Disabled || s.toggle.Text != "Enable" {
		t.Errorf("cashier not disabled (toggle %q)", s.toggle.Text)
	}
	if err := s.SetRole(f.users[2].ID, posdesk.RoleOwner); err != nil || f.users[2].Role != posdesk.RoleOwner {
		t.Errorf("role change: %v", err)
	}
	if err := s.SetPIN(f.users[2].ID, "774411", "774411"); err != nil || f.pins[f.users[2].ID] != "774411" {
		t.Errorf("set PIN: %v", err)
	}
}

func TestStaffSectionOnlyForOwners(t *testing.T) {
	_, staff := newFakeStaff(shopOwner)
	for _, role := range []posdesk.Role{posdesk.RoleCashier, posdesk.RoleManager} {
		w, _ := newTestWindow(t, Services{Staff: staff}, &posdesk.User{ID: 2, Name: "x", Role: role})
		if w.Open("staff") {
			t.Errorf("%s sees the Staff section", role)
		}
	}
}

func TestMyPINPane(t *testing.T) {
	f, staff := newFakeStaff(shopOwner, &posdesk.User{Name: "小陈", Role: posdesk.RoleCashier})
	w, _ := newTestWindow(t, Services{Staff: staff}, &posdesk.User{ID: 2, Name: "小陈", Role: posdesk.RoleCashier})
	p, _ := newMyPINPane(w)
	p.Current.SetText("0000")
	p.PIN.SetText("6072")
	p.Repeat.SetText("6072")
	p.Save()
	if !strings.Contains(p.Err.Text, "wrong") || f.pins[2] != "4821" {
		t.Errorf("wrong current PIN: %q, pin %s", p.Err.Text, f.pins[2])
	}
	p.Current.SetText("4821")
	p.PIN.SetText("6072")
	p.Repeat.SetText("6072")
	p.Save()
	if f.pins[2] != "6072" || p.Current.Text != "" {
		t.Errorf("PIN not changed: %s (err %q)", f.pins[2], p.Err.Text)
	}
}

type fakeRestorer struct{ files []string }

func (r *fakeRestorer) Restore(_ context.Context, file string) (string, bool, error) {
	r.files = append(r.files, file)
	return "/data/posdesk.db.before-restore-20240531T060500Z", true, nil
}

func TestBackupAndAuditPanes(t *testing.T) {
	values := map[string]string{}
	backups := &mock.BackupService{
		BackupSettingsFn: func(context.Context) (string, int, error) { return "/media/usb/posdesk", 30, nil },
		BackupFn: func(ctx context.Context, dest string) (*posdesk.BackupInfo, error) {
			if err := posdesk.Authorize(ctx, posdesk.ActBackup); err != nil {
				return nil, err
			}
			return &posdesk.BackupInfo{Path: dest, Size: 4096, Head: posdesk.AuditHead{Seq: 42, Hash: "9f2c4e1a0b7d3c55aa"}}, nil
		},
	}
	broken := false
	audit := &mock.AuditService{
		AuditHeadFn: func(context.Context) (posdesk.AuditHead, error) {
			return posdesk.AuditHead{Seq: 42, Hash: "9f2c4e1a0b7d3c55aa"}, nil
		},
		VerifyAuditFn: func(context.Context) (string, int, *posdesk.AuditEntry, error) {
			if broken {
				e := &posdesk.AuditEntry{Seq: 7, Action: "transaction.update"}
				return "", 6, e, posdesk.Errorf(posdesk.ECONFLICT, "Audit entry %[1]d (%[2]s, %[3]s) was changed after it was written: its contents no longer match its hash.", e.Seq, "2024-05-31T06:00:00Z", e.Action)
			}
			return "9f2c4e1a0b7d3c55aa", 42, nil, nil
		},
	}
	restorer := &fakeRestorer{}
	w, q := newTestWindow(t, Services{Settings: settingsWith(values), Backups: backups, Audit: audit, Restore: restorer}, shopOwner)

	b, _ := newBackupPane(w)
	if b.Folder.Text != "/media/usb/posdesk" || b.Keep.Text != "30" {
		t.Errorf("pane shows %q %q", b.Folder.Text, b.Keep.Text)
	}
	b.Keep.SetText("x")
	b.Save()
	if !b.Err.Visible() {
		t.Error("keep days 'x' accepted")
	}
	b.Keep.SetText("14")
	b.Folder.SetText("/media/usb2")
	b.Save()
	if values[posdesk.SettingBackupKeepDays] != "14" || values[posdesk.SettingBackupFolder] != "/media/usb2" {
		t.Errorf("saved %v", values)
	}
	b.BackupTo("/media/usb2/x.db")
	q.drain()
	if !strings.Contains(b.Status.Text, "/media/usb2/x.db") || !strings.Contains(b.Status.Text, "42:9f2c4e1a0b7d3c55") {
		t.Errorf("backup status %q", b.Status.Text)
	}
	if err := b.RestoreFrom("/media/usb2/x.db"); err != nil || len(restorer.files) != 1 {
		t.Errorf("restore: %v %v", err, restorer.files)
	}

	a, _ := newAuditPane(w)
	if a.Head.Text != "42:9f2c4e1a0b7d3c55" {
		t.Errorf("head %q", a.Head.Text)
	}
	a.Check()
	q.drain()
	if !strings.Contains(a.Status.Text, "42 entries intact") {
		t.Errorf("intact: %q", a.Status.Text)
	}
	broken = true
	a.Check()
	q.drain()
	if !strings.Contains(a.Status.Text, "Audit entry 7") {
		t.Errorf("broken: %q", a.Status.Text)
	}

	// The backup pane is the owner's.
	w2, _ := newTestWindow(t, Services{Backups: backups}, &posdesk.User{ID: 2, Name: "Li Wei", Role: posdesk.RoleManager})
	for _, p := range SettingsPanes() {
		if p.ID == "backups" && p.Visible(w2) {
			t.Error("a manager sees the backup pane")
		}
	}
}
