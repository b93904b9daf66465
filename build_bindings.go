//go:build bindings

package main

// generatingBindings is true when `wails generate`/`wails build` runs the
// binary only to read the bound API (the bindings build tag).
const generatingBindings = true
