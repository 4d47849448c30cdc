package reliability_test

import (
	"os"
	"path/filepath"
	"testing"
)

// sharedTempDir returns a temp folder every user may enter (t.TempDir's are root's only when
// the tests run as root).
func sharedTempDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for d := dir; d != os.TempDir() && d != "/" && d != "."; d = filepath.Dir(d) {
		os.Chmod(d, 0o755)
	}
	return dir
}
