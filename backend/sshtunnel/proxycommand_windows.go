//go:build windows

package sshtunnel

import "os/exec"

// setProcessGroup does nothing on Windows.
func setProcessGroup(*exec.Cmd) {}

// killProcessGroup ends cmd.
func killProcessGroup(cmd *exec.Cmd) {
	if cmd.Process != nil {
		_ = cmd.Process.Kill()
	}
}
