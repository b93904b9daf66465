package logging

import (
	"fmt"
	"strings"

	"github.com/sirupsen/logrus"
)

// EnvVar names the environment variable that overrides the default level. It
// is the only variable read: RUST_LOG, which the Rust seed also honoured, has
// no meaning for a Go program and is ignored.
const EnvVar = "TUSK_LOG"

// DefaultLevel returns the level a build logs at when EnvVar is unset:
// logrus.DebugLevel in dev builds (Go build tag dev, which `wails dev` sets)
// and logrus.InfoLevel in release builds.
func DefaultLevel() logrus.Level { return buildLevel }

// LevelFromEnv returns the level named by value, the content of EnvVar:
// trace, debug, info, warn (or warning) or error, in any case and with
// surrounding spaces ignored. An empty value yields DefaultLevel. Any other
// value yields DefaultLevel and an error that says so; the level is usable
// either way.
func LevelFromEnv(value string) (logrus.Level, error) {
	switch strings.ToLower(strings.TrimSpace(value)) {
	case "":
		return DefaultLevel(), nil
	case "trace":
		return logrus.TraceLevel, nil
	case "debug":
		return logrus.DebugLevel, nil
	case "info":
		return logrus.InfoLevel, nil
	case "warn", "warning":
		return logrus.WarnLevel, nil
	case "error":
		return logrus.ErrorLevel, nil
	}
	return DefaultLevel(), fmt.Errorf("invalid %s value %q: want trace, debug, info, warn or error", EnvVar, value)
}
