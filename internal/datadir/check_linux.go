package datadir

import (
	"bufio"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

// File system magic numbers (statfs f_type) of network file systems and FUSE.
const (
	magicNFS  = 0x6969
	magicSMB  = 0x517B
	magicCIFS = 0xFF534D42
	magicSMB2 = 0xFE534D42
	magicFUSE = 0x65735546
)

// Check judges the folder of path (a database file or a folder): PathRisk first, then the file
// system holding it. A FUSE mount is looked up in /proc/self/mountinfo, so sshfs and rclone are
// told apart from NTFS disks mounted with ntfs-3g. Parts of path that do not exist yet are
// skipped: the nearest existing folder is checked.
func Check(path string) Risk {
	if r := PathRisk(path, false); r.Risky() {
		return r
	}
	dir := existing(path)
	var st syscall.Statfs_t
	if err := syscall.Statfs(dir, &st); err != nil {
		return Risk{Kind: Local}
	}
	switch uint32(st.Type) {
	case magicNFS:
		return Risk{Kind: Network, Why: "nfs"}
	case magicSMB:
		return Risk{Kind: Network, Why: "smb"}
	case magicCIFS:
		return Risk{Kind: Network, Why: "cifs"}
	case magicSMB2:
		return Risk{Kind: Network, Why: "smb2"}
	case magicFUSE:
		f, err := os.Open("/proc/self/mountinfo")
		if err != nil {
			return Risk{Kind: Network, Why: "fuse"}
		}
		defer f.Close()
		if t, ok := mountFSType(f, dir); ok {
			return FSTypeRisk(t)
		}
		return Risk{Kind: Network, Why: "fuse"}
	}
	return Risk{Kind: Local}
}

// existing returns path made absolute, or its nearest ancestor that exists.
func existing(path string) string {
	p, err := filepath.Abs(path)
	if err != nil {
		p = path
	}
	for {
		if _, err := os.Stat(p); err == nil {
			return p
		}
		parent := filepath.Dir(p)
		if parent == p {
			return p
		}
		p = parent
	}
}

// mountFSType returns the file system type ("ext4", "fuse.sshfs") of the mount holding path,
// read from a /proc/self/mountinfo listing: the mount with the longest mount point that is path
// or one of its parents.
func mountFSType(mountinfo io.Reader, path string) (string, bool) {
	best, bestType := -1, ""
	sc := bufio.NewScanner(mountinfo)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	for sc.Scan() {
		// 36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw,errors=continue
		pre, post, ok := strings.Cut(sc.Text(), " - ")
		if !ok {
			continue
		}
		f := strings.Fields(pre)
		g := strings.Fields(post)
		if len(f) < 5 || len(g) < 1 {
			continue
		}
		mp := unescapeMount(f[4])
		if !within(path, mp) || len(mp) <= best {
			continue
		}
		best, bestType = len(mp), g[0]
	}
	return bestType, best >= 0
}

// within reports whether path is dir or inside it.
func within(path, dir string) bool {
	if dir == "/" {
		return strings.HasPrefix(path, "/")
	}
	return path == dir || strings.HasPrefix(path, dir+"/")
}

// unescapeMount decodes the octal escapes (\040 for a space) of a mountinfo path.
func unescapeMount(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+3 < len(s) {
			if n, err := strconv.ParseUint(s[i+1:i+4], 8, 8); err == nil {
				b.WriteByte(byte(n))
				i += 3
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}
