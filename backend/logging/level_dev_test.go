//go:build dev

package logging_test

import "github.com/sirupsen/logrus"

// wantDefaultLevel is what a dev build must default to.
const wantDefaultLevel = logrus.DebugLevel
