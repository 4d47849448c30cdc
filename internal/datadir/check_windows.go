package datadir

import (
	"path/filepath"
	"syscall"
	"unsafe"
)

// driveRemote is GetDriveType's answer for a network drive.
const driveRemote = 4

var procGetDriveType = syscall.NewLazyDLL("kernel32.dll").NewProc("GetDriveTypeW")

// Check judges the folder of path (a database file or a folder): PathRisk first (UNC paths,
// cloud-sync folders), then the drive: a drive letter mapped to a network share is Network.
func Check(path string) Risk {
	if r := PathRisk(path, true); r.Risky() {
		return r
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		abs = path
	}
	vol := filepath.VolumeName(abs)
	if len(vol) != 2 || vol[1] != ':' {
		return Risk{Kind: Local}
	}
	root, err := syscall.UTF16PtrFromString(vol + `\`)
	if err != nil {
		return Risk{Kind: Local}
	}
	if t, _, _ := procGetDriveType.Call(uintptr(unsafe.Pointer(root))); t == driveRemote {
		return Risk{Kind: Network, Why: vol}
	}
	return Risk{Kind: Local}
}
