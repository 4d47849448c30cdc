//go:build linux

package sqlite_test

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/posdesk/posdesk/internal/sqlite"
)

// TestWritable checks Writable's answers on real refusals: file and folder modes for a user
// (root may write whatever the mode says, so as root those cases are skipped), and a file
// system mounted read-only, like a CD, which refuses root too (that case needs the right to
// mount and is skipped without it).
func TestWritable(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "posdesk.db")
	if err := os.WriteFile(path, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	if got := sqlite.Writable(path); got != "" {
		t.Errorf("writable file: %q", got)
	}
	if got := sqlite.Writable(filepath.Join(dir, "new.db")); got != "" {
		t.Errorf("new file in a writable folder: %q", got)
	}
	if os.Geteuid() != 0 {
		os.Chmod(path, 0o444)
		if got := sqlite.Writable(path); got != sqlite.ReadOnlyFile {
			t.Errorf("read-only file: %q", got)
		}
		os.Chmod(path, 0o644)
		os.Chmod(dir, 0o555)
		defer os.Chmod(dir, 0o755)
		if got := sqlite.Writable(path); got != sqlite.ReadOnlyFolder {
			t.Errorf("read-only folder: %q", got)
		}
	}

	mnt := t.TempDir()
	if err := syscall.Mount("tmpfs", mnt, "tmpfs", 0, "size=1m"); err != nil {
		t.Skipf("cannot mount a file system to make read-only (%v)", err)
	}
	t.Cleanup(func() { syscall.Unmount(mnt, syscall.MNT_DETACH) })
	disc := filepath.Join(mnt, "posdesk.db")
	if err := os.WriteFile(disc, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mount("", mnt, "", syscall.MS_REMOUNT|syscall.MS_RDONLY, ""); err != nil {
		t.Fatalf("remount read-only: %v", err)
	}
	// Both the file and its folder are read-only: the folder is named, since a copy elsewhere
	// fixes both.
	if got := sqlite.Writable(disc); got != sqlite.ReadOnlyFolder {
		t.Errorf("file on a read-only file system: %q", got)
	}
	if got := sqlite.Writable(filepath.Join(mnt, "new.db")); got != sqlite.ReadOnlyFolder {
		t.Errorf("new file on a read-only file system: %q", got)
	}
}
