//go:build !dev

package logging

import "github.com/sirupsen/logrus"

// buildLevel is the default level of a release build.
const buildLevel = logrus.InfoLevel
