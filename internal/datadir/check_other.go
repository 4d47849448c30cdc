//go:build !linux && !windows

package datadir

// Check judges the folder of path by PathRisk (cloud-sync folder names). File system types are
// not examined on this OS.
func Check(path string) Risk { return PathRisk(path, false) }
