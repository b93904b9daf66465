package logging

import (
	"io"
	"path/filepath"
	"time"

	"github.com/sirupsen/logrus"
)

// FileName is the name of the current log file inside Config.Dir. Rotated
// backups sit next to it as tusk-<local time of rotation>.log (.log.gz when
// compressed).
const FileName = "tusk.log"

// Defaults used by DefaultConfig, and by New for a zero MaxSizeMB.
const (
	DefaultMaxSizeMB  = 20 // rotate the file when it would grow past this, in megabytes
	DefaultMaxBackups = 20 // rotated files kept
	DefaultMaxAgeDays = 14 // rotated files older than this are deleted, in days
)

// Config says where and how Tusk logs. The zero Config logs to stderr only,
// at the default level.
type Config struct {
	// Dir is the directory of the log file, normally LogDir(data dir). It is
	// created (mode 0700) if missing. Empty means console only, without a
	// warning.
	Dir string

	// Level is the most verbose level logged. The zero value
	// (logrus.PanicLevel, which nobody wants) means DefaultLevel, overridden by
	// the TUSK_LOG environment variable (see LevelFromEnv). A non-zero Level
	// wins over TUSK_LOG.
	Level logrus.Level

	// Console receives every line, formatted for people; nil means os.Stderr.
	// Colours are used only when it is a terminal (the seed's is_pty). Console
	// writes are synchronous.
	Console io.Writer

	// MaxSizeMB rotates the file before a write would make it larger, in
	// megabytes; zero means DefaultMaxSizeMB.
	MaxSizeMB int
	// MaxBackups is how many rotated files are kept; zero keeps all (subject
	// to MaxAgeDays).
	MaxBackups int
	// MaxAgeDays deletes rotated files older than this many days; zero keeps
	// them regardless of age (subject to MaxBackups).
	MaxAgeDays int
	// Compress gzips rotated files. The current file is never compressed.
	Compress bool

	// BufferLines is the capacity of the asynchronous file writer, in lines;
	// zero means DefaultBufferLines. Lines beyond it are dropped and counted.
	BufferLines int

	// Now is the clock that decides the day boundary for daily rotation; nil
	// means time.Now. Tests inject their own.
	Now func() time.Time
}

// LogDir returns the log directory for a data directory: dataDir/logs, or ""
// when dataDir is empty.
func LogDir(dataDir string) string {
	if dataDir == "" {
		return ""
	}
	return filepath.Join(dataDir, "logs")
}

// DefaultConfig returns the configuration Tusk runs with: the file in
// LogDir(dataDir), rotated daily and at DefaultMaxSizeMB, keeping
// DefaultMaxBackups compressed backups for at most DefaultMaxAgeDays, console
// on stderr, level from the build and TUSK_LOG. An empty dataDir yields a
// console-only configuration.
func DefaultConfig(dataDir string) Config {
	return Config{
		Dir:         LogDir(dataDir),
		MaxSizeMB:   DefaultMaxSizeMB,
		MaxBackups:  DefaultMaxBackups,
		MaxAgeDays:  DefaultMaxAgeDays,
		Compress:    true,
		BufferLines: DefaultBufferLines,
	}
}
