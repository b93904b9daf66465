//go:build !nativeprobe

package main

// probeJS is empty outside builds with the nativeprobe tag (see
// build_probe.go).
const probeJS = ""
