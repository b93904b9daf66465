//go:build !linux

package main

// newToolkit returns nil off Linux: Wails' own menu updates and window calls
// work there.
func newToolkit(func(path string)) toolkit { return nil }
