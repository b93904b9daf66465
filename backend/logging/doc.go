// Package logging sets up Tusk's application log: logrus writing to the
// console and to a rotating file, without ever making a caller wait for the
// disk, and without ever writing a password.
//
// # Setting up logging
//
// Build logging first in main, before the data store or anything else that
// may log, and close it last:
//
//	logs := logging.New(logging.DefaultConfig(dataDir))
//	defer logs.Close()
//	log := logs.Logger()
//	if w := logs.Warning(); w != "" {
//		// show w in the UI; startup continues
//	}
//
// New never fails. DefaultConfig puts the file at dataDir/logs/tusk.log
// (LogDir). Config fields left zero take documented defaults.
//
// # Levels and TUSK_LOG
//
// Dev builds (Go build tag dev, set by `wails dev`) log at debug, release
// builds at info (DefaultLevel). The environment variable TUSK_LOG overrides
// that with trace, debug, info, warn or error; any other value keeps the
// default and New logs a warning saying so (LevelFromEnv). RUST_LOG, which the
// Rust seed also read, means nothing to a Go program and is ignored. An
// explicit Config.Level wins over both.
//
// # Output formats
//
// The console gets logrus's text format with a short time of day, coloured
// only when it is a terminal. The file gets logfmt-style lines
// (time=... level=... msg=... key=value) with full timestamps and time zone.
//
// # Files and rotation
//
// lumberjack rotates the file when it would grow past Config.MaxSizeMB and
// prunes backups beyond Config.MaxBackups or older than Config.MaxAgeDays,
// optionally gzipping them. On top of that the file rotates daily: the first
// write on a new local calendar day (by Config.Now) moves the old file aside
// first. That also holds across restarts, since an existing file's
// modification time counts as its last write. Backups are named
// tusk-<local time of rotation>.log, so the backup made on the first write of
// a day holds the previous day's lines.
//
// # Asynchronous writes
//
// File lines go through an AsyncWriter: a bounded queue (Config.BufferLines)
// drained by one goroutine that writes as soon as a line arrives — no timer,
// so a line reaches the file within milliseconds (SC-007). If the disk stalls
// and the queue fills up, further lines are dropped from the file (not from
// the console), counted (Logging.Dropped), and the file later gets a line
// saying how many were lost. Flush waits for the queue to drain; Close
// flushes and stops. Fatal and panic entries are flushed before the logger
// exits or panics.
//
// # When the log file cannot be opened
//
// If the log directory cannot be created or the file cannot be opened for
// writing, New logs to the console only, logs a warning there and returns it
// from Logging.Warning, for the UI to show. Startup goes on (FR-024a).
//
// # Secrets
//
// Every entry passes a redaction hook before any output or later hook sees
// it: fields whose key names a secret (secret.IsSecretKey: password,
// passphrase, token, …) become "[redacted]", and the message and other field
// values — including errors that wrap a connection string — go through
// secret.Redact, which masks URL passwords and password=... assignments. Log
// connection details freely; do not rely on the hook for secrets it cannot
// recognise (a bare password with no key or URL around it): keep those in a
// secret.String, which prints as "[redacted]" anyway.
//
// # Shutdown
//
// Logging.Close flushes the queue and closes the file; it is idempotent.
// After Close the logger still writes to the console, so late log calls from
// goroutines that outlive shutdown are not lost entirely and do not fail.
package logging
