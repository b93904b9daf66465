//go:build !dev

package main

// devBuild is true in `wails dev` builds (the dev build tag).
const devBuild = false
