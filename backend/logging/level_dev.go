//go:build dev

package logging

import "github.com/sirupsen/logrus"

// buildLevel is the default level of a dev build (`wails dev` sets the dev tag).
const buildLevel = logrus.DebugLevel
