//go:build linux

package sqlite_test

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// TestBackupFolderDiskFull backs up onto a disk that fills up halfway through the copy (a
// 128 KiB tmpfs, a real ENOSPC from the system; the test needs the right to mount, as root in
// a container has, and skips otherwise): the part written must be removed, the message must
// say the backup's disk is full and nothing was left, and a backup elsewhere must then work on
// the same open database.
func TestBackupFolderDiskFull(t *testing.T) {
	mnt := t.TempDir()
	if err := syscall.Mount("tmpfs", mnt, "tmpfs", 0, "size=128k"); err != nil {
		t.Skipf("cannot mount a small tmpfs to fill up (%v); run as root to test a real full disk", err)
	}
	t.Cleanup(func() { syscall.Unmount(mnt, syscall.MNT_DETACH) })
	db := MustAuditedDB(t, 1500)
	if st, err := os.Stat(db.Path); err != nil || st.Size() < 256<<10 {
		t.Fatalf("the database (%v bytes) must be larger than the disk it is backed up to", st.Size())
	}
	dest := filepath.Join(mnt, "b.db")
	_, err := db.Backup(Owner(), dest)
	checkFullMessage(t, err, dest, "The backup "+dest+" could not be written: the disk it goes to is full.")
	if left := leftovers(t, mnt); len(left) != 0 {
		t.Errorf("files left on the full disk: %v", left)
	}
	if n := backupEntries(t, db); n != 0 {
		t.Errorf("%d backup entries after the failure", n)
	}
	other := filepath.Join(t.TempDir(), "b.db")
	if _, err := db.Backup(Owner(), other); err != nil {
		t.Fatalf("backup to another folder after the failure: %v", err)
	}
}
