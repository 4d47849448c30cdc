//go:build unix

package reconcile_test

import (
	"syscall"
	"time"
)

// cpuTime returns the CPU time (user + system) the process has used so far, so benchmarks can
// report their work apart from the waits of a busy machine.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
