//go:build !windows

package main

// attachConsole is needed on Windows only: elsewhere stdout is always there.
func attachConsole() {}
