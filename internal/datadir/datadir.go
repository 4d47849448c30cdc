// Package datadir tells where posdesk keeps its records and whether that place is safe for a
// SQLite database. SQLite relies on file locks and on writes reaching the disk in order; a
// network share (SMB, NFS) or a folder a sync client copies behind its back (OneDrive, Dropbox,
// 坚果云...) breaks both, and a database there can be corrupted or silently rolled back to an
// older copy. Check finds such places from the path (cloud-sync folder names, Windows UNC paths)
// and from the file system (network mounts on Linux, network drives on Windows).
package datadir

import (
	"net/url"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Kind is what sort of place a folder is.
type Kind string

// The kinds of place.
const (
	Local   Kind = "local"   // a disk of this PC
	Network Kind = "network" // a share on another machine (SMB/CIFS, NFS, SSHFS, a mapped drive)
	Cloud   Kind = "cloud"   // a folder a cloud-sync client copies (OneDrive, Dropbox, 坚果云...)
)

// Risk is the verdict on a folder: its kind and what gave it away (the sync service's name, the
// file system type or the share), for the warning.
type Risk struct {
	Kind Kind
	Why  string // "OneDrive", "nfs4", `\\server\share`...; empty for Local
}

// Risky reports whether a database in the place is at risk (anything but a local disk).
func (r Risk) Risky() bool { return r.Kind == Network || r.Kind == Cloud }

// cloudMarker is a folder name that sync clients create: a path component starting with prefix
// (Latin names, case ignored: "OneDrive - Contoso", "Dropbox (Personal)") or containing it (CJK
// names: "我的坚果云").
type cloudMarker struct {
	name     string // the service, for the warning
	prefix   string // lower case
	contains bool
}

var cloudMarkers = []cloudMarker{
	{name: "OneDrive", prefix: "onedrive"},
	{name: "Dropbox", prefix: "dropbox"},
	{name: "Google Drive", prefix: "google drive"},
	{name: "Google Drive", prefix: "googledrive"},
	{name: "Google Drive", prefix: "my drive"},
	{name: "Google Drive", prefix: "我的云端硬盘", contains: true},
	{name: "iCloud", prefix: "icloud"},
	{name: "iCloud", prefix: "iclouddrive"},
	{name: "iCloud", prefix: "com~apple~clouddocs"},
	{name: "坚果云 Nutstore", prefix: "坚果云", contains: true},
	{name: "坚果云 Nutstore", prefix: "nutstore"},
	{name: "百度网盘", prefix: "百度网盘", contains: true},
	{name: "百度网盘", prefix: "baidusyncdisk"},
	{name: "百度网盘", prefix: "baidunetdisk"},
}

// PathRisk judges a folder or file path by its text alone: cloud-sync folder names anywhere in
// it, Windows network paths (\\server\share, \\?\UNC\server\share) and, on Linux, GVFS network
// mounts. windows says whether path is a Windows path; it matters for //server/share, which is a
// network path on Windows and the root folder on Linux. Backslashes and slashes both separate
// folders.
func PathRisk(path string, windows bool) Risk {
	p := strings.TrimSpace(path)
	if share, ok := uncShare(p, windows); ok {
		return Risk{Kind: Network, Why: share}
	}
	parts := strings.FieldsFunc(p, func(r rune) bool { return r == '/' || r == '\\' })
	for _, part := range parts {
		low := strings.ToLower(strings.TrimSpace(part))
		for _, m := range cloudMarkers {
			if m.contains && strings.Contains(low, m.prefix) || !m.contains && hasWordPrefix(low, m.prefix) {
				return Risk{Kind: Cloud, Why: m.name}
			}
		}
	}
	if !windows {
		for i, part := range parts {
			// GNOME's GVFS mounts SMB, SFTP and WebDAV shares under /run/user/UID/gvfs/.
			if part == "gvfs" && i+1 < len(parts) {
				return Risk{Kind: Network, Why: parts[i+1]}
			}
		}
	}
	return Risk{Kind: Local}
}

// hasWordPrefix reports whether s starts with prefix and the prefix ends a word there, so
// "onedrive - contoso" and "dropbox (personal)" match but "dropboxes" does not.
func hasWordPrefix(s, prefix string) bool {
	if !strings.HasPrefix(s, prefix) {
		return false
	}
	r, _ := utf8.DecodeRuneInString(s[len(prefix):])
	return len(s) == len(prefix) || !unicode.IsLetter(r) && !unicode.IsDigit(r)
}

// uncShare returns the \\server\share part of a Windows network path.
func uncShare(p string, windows bool) (string, bool) {
	if !windows && !strings.HasPrefix(p, `\\`) {
		return "", false
	}
	norm := strings.ReplaceAll(p, "/", `\`)
	if !strings.HasPrefix(norm, `\\`) {
		return "", false
	}
	rest := norm[2:]
	switch {
	case len(rest) >= 6 && strings.EqualFold(rest[:6], `?\unc\`):
		rest = rest[6:]
	case strings.HasPrefix(rest, `?\`) || strings.HasPrefix(rest, `.\`):
		return "", false // \\?\C:\... and \\.\device paths are local
	}
	f := strings.FieldsFunc(rest, func(r rune) bool { return r == '\\' })
	if len(f) == 0 {
		return "", false
	}
	share := `\\` + f[0]
	if len(f) > 1 {
		share += `\` + f[1]
	}
	return share, true
}

// FSTypeRisk judges a file system by its type name as Linux reports it (/proc/self/mountinfo,
// "fuse.sshfs"): network file systems and FUSE mounts of remote storage are risky; local ones,
// and FUSE drivers of local disks (fuseblk: NTFS, exFAT), are not.
func FSTypeRisk(fstype string) Risk {
	t := strings.ToLower(strings.TrimSpace(fstype))
	switch t {
	case "nfs", "nfs4", "cifs", "smb", "smbfs", "smb2", "smb3", "ncpfs", "afs", "ceph", "glusterfs",
		"lustre", "gpfs", "ocfs2", "gfs2", "9p", "davfs", "coda", "orangefs", "beegfs":
		return Risk{Kind: Network, Why: t}
	case "fuseblk", "fuse.fuseblk":
		return Risk{Kind: Local}
	}
	if sub, ok := strings.CutPrefix(t, "fuse."); ok {
		switch sub {
		case "rclone", "s3fs", "gcsfuse", "goofys", "onedriver", "dropbox", "google-drive-ocamlfuse", "jfs", "juicefs":
			return Risk{Kind: Cloud, Why: t}
		case "ntfs-3g", "ntfs", "exfat", "lxcfs", "portal", "appimage", "squashfuse", "bindfs", "gocryptfs", "encfs", "cryfs":
			return Risk{Kind: Local}
		}
		// sshfs, gvfsd-fuse, davfs2, glusterfs, anything else: storage reached over a network.
		return Risk{Kind: Network, Why: t}
	}
	if t == "fuse" {
		return Risk{Kind: Network, Why: t}
	}
	return Risk{Kind: Local}
}

// FolderURL returns the file:// URL of folder dir, for opening it in the file manager
// (fyne.App.OpenURL). Windows paths (C:\Users\..., \\server\share\...) and Unix paths are both
// understood, whatever the OS running.
func FolderURL(dir string) *url.URL {
	d := strings.TrimSpace(dir)
	if len(d) >= 8 && strings.EqualFold(d[:8], `\\?\UNC\`) {
		d = `\\` + d[8:]
	}
	d = strings.TrimPrefix(d, `\\?\`)
	if strings.HasPrefix(d, `\\`) {
		host, path, _ := strings.Cut(strings.ReplaceAll(d[2:], `\`, "/"), "/")
		return &url.URL{Scheme: "file", Host: host, Path: "/" + path}
	}
	if len(d) >= 2 && d[1] == ':' && isLetter(d[0]) {
		return &url.URL{Scheme: "file", Path: "/" + strings.ReplaceAll(d, `\`, "/")}
	}
	return &url.URL{Scheme: "file", Path: d}
}

func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }
