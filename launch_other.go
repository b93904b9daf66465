//go:build !linux

package main

import "time"

// launchTime returns when the process started; without /proc that is main's
// own start, which misses the loader's and the runtime's share (a few ms).
func launchTime(fallback time.Time) time.Time { return fallback }
