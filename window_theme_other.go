//go:build !linux

package main

import "github.com/wailsapp/wails/v2/pkg/options"

// desktopPrefersDark: the webview follows the OS itself on macOS and
// Windows; the window opens light.
func desktopPrefersDark() bool { return false }

// paintWindows: the window's background is BackgroundColour already.
func paintWindows(options.RGBA) {}

func unpaintWindows() {}
