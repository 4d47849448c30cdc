package datadir

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const sampleMountinfo = `22 1 8:2 / / rw,relatime shared:1 - ext4 /dev/sda2 rw
23 22 0:21 / /proc rw,nosuid shared:12 - proc proc rw
40 22 8:3 / /mnt/windows rw,relatime shared:20 - fuseblk /dev/sda3 rw,user_id=0
41 22 0:45 / /home/li/nas rw,nosuid,nodev shared:21 - fuse.sshfs li@nas:/srv rw,user_id=1000
42 41 0:46 / /home/li/nas/cloud rw shared:22 - fuse.rclone gdrive: rw
43 22 0:47 / /home/li/My\040Shop rw shared:23 - nfs4 nas:/shop rw
`

func TestMountFSType(t *testing.T) {
	tests := []struct{ path, want string }{
		{"/home/li/.config/posdesk", "ext4"},
		{"/mnt/windows/posdesk", "fuseblk"},
		{"/home/li/nas", "fuse.sshfs"},
		{"/home/li/nas/posdesk/posdesk.db", "fuse.sshfs"},
		{"/home/li/nas/cloud/posdesk.db", "fuse.rclone"},
		{"/home/li/nasty/posdesk.db", "ext4"}, // a sibling that only starts like the mount point
		{"/home/li/My Shop/posdesk.db", "nfs4"},
	}
	for _, tt := range tests {
		got, ok := mountFSType(strings.NewReader(sampleMountinfo), tt.path)
		if !ok || got != tt.want {
			t.Errorf("mountFSType(%q) = %q, %v; want %q", tt.path, got, ok, tt.want)
		}
	}
}

// TestCheckLocalFolder checks this machine's temp folder and a database path whose folder does
// not exist yet: both are on a local disk of the test machine (a container's overlay or tmpfs).
func TestCheckLocalFolder(t *testing.T) {
	dir := t.TempDir()
	for _, p := range []string{dir, filepath.Join(dir, "not", "yet", "posdesk.db")} {
		if got := Check(p); got.Risky() {
			t.Errorf("Check(%q) = %+v, want a local folder", p, got)
		}
	}
	if _, err := os.Stat("/proc/self/mountinfo"); err == nil {
		f, _ := os.Open("/proc/self/mountinfo")
		defer f.Close()
		if typ, ok := mountFSType(f, dir); !ok || FSTypeRisk(typ).Risky() {
			t.Errorf("temp dir mount type %q (found %v) judged risky", typ, ok)
		}
	}
}

func TestCheckCloudPathWithoutStat(t *testing.T) {
	got := Check(filepath.Join(t.TempDir(), "Dropbox", "posdesk.db"))
	if got.Kind != Cloud || got.Why != "Dropbox" {
		t.Errorf("Check of a Dropbox folder = %+v", got)
	}
}
