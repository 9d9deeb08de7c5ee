//go:build unix

package s3test

import (
	"os/exec"
	"syscall"
)

// setGroup puts weed in its own process group so that Close stops every
// process it started.
func setGroup(cmd *exec.Cmd) { cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true} }

func killGroup(cmd *exec.Cmd) {
	if cmd.Process != nil {
		syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	}
}
