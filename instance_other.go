//go:build !linux

package main

// handOff is Linux-only; elsewhere Wails' single-instance lock hands the
// command line over.
func handOff(string, []string) bool { return false }
