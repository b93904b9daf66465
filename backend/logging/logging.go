package logging

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/sirupsen/logrus"
	"gopkg.in/natefinch/lumberjack.v2"
)

// Timestamp layouts of the two outputs.
const (
	consoleTime = "15:04:05.000"
	fileTime    = "2006-01-02T15:04:05.000Z07:00"
)

// Logging owns Tusk's logger and its outputs: the console, written
// synchronously, and the log file, written through an AsyncWriter in front of
// a daily- and size-rotating file. Build one with New at startup, pass
// Logger() to whatever logs, and Close it on shutdown.
//
// A Logging is safe for concurrent use. After Close, the logger keeps
// working on the console only.
type Logging struct {
	logger  *logrus.Logger
	path    string             // "" when console only
	warning string             // why file logging is unavailable, or ""
	file    *lumberjack.Logger // nil when console only
	async   *AsyncWriter       // nil when console only

	closeOnce sync.Once
	closeErr  error
}

// New sets up logging as cfg says. It never fails: if the log directory
// cannot be created or the file cannot be opened, it logs to the console only,
// sets Warning and logs that warning, so startup can continue. An invalid
// TUSK_LOG value is reported the same way, on a warning line, and the default
// level used.
//
// Every entry passes a redaction hook first, so passwords in the message, in
// string or error field values and in fields named like a secret never reach
// any output (see package secret). A Fatal entry closes the Logging, flushing
// the file, before the process exits.
func New(cfg Config) *Logging {
	console := cfg.Console
	if console == nil {
		console = os.Stderr
	}
	now := cfg.Now
	if now == nil {
		now = time.Now
	}

	logger := logrus.New()
	logger.SetOutput(console)
	logger.SetFormatter(&logrus.TextFormatter{FullTimestamp: true, TimestampFormat: consoleTime})
	logger.AddHook(redactHook{}) // first, so every later hook and the formatter see redacted entries

	level, levelErr := cfg.Level, error(nil)
	if level == 0 {
		level, levelErr = LevelFromEnv(os.Getenv(EnvVar))
	}
	logger.SetLevel(level)

	l := &Logging{logger: logger}
	if cfg.Dir != "" {
		if err := l.openFile(cfg, now); err != nil {
			l.warning = fmt.Sprintf("Logging to a file is unavailable (%v); logs go to the console only.", err)
		}
	}
	logger.ExitFunc = func(code int) {
		_ = l.Close()
		os.Exit(code)
	}

	if levelErr != nil {
		logger.Warnf("%v; logging at level %s", levelErr, level)
	}
	if l.warning != "" {
		logger.Warn(l.warning)
	}
	return l
}

// openFile creates cfg.Dir, checks that the log file can be opened for
// writing and installs the file hook.
func (l *Logging) openFile(cfg Config, now func() time.Time) error {
	if err := os.MkdirAll(cfg.Dir, 0o700); err != nil {
		return fmt.Errorf("create log directory %s: %w", cfg.Dir, err)
	}
	path := filepath.Join(cfg.Dir, FileName)
	file := &lumberjack.Logger{
		Filename:   path,
		MaxSize:    cfg.MaxSizeMB,
		MaxBackups: max(cfg.MaxBackups, 0),
		MaxAge:     max(cfg.MaxAgeDays, 0),
		Compress:   cfg.Compress,
		LocalTime:  true,
	}
	if file.MaxSize <= 0 {
		file.MaxSize = DefaultMaxSizeMB
	}
	sink := newDailyFile(file, now) // before the probe below, which may create the file

	// lumberjack opens the file lazily, on the first write; probe now so a
	// failure is reported at startup, not lost later.
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return fmt.Errorf("open log file: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("open log file: %w", err)
	}

	l.path = path
	l.file = file
	l.async = NewAsyncWriter(sink, cfg.BufferLines)
	l.logger.AddHook(&fileHook{
		out:       l.async,
		formatter: &logrus.TextFormatter{DisableColors: true, FullTimestamp: true, TimestampFormat: fileTime},
	})
	return nil
}

// Logger returns the logger. It stays usable after Close (console only).
func (l *Logging) Logger() *logrus.Logger { return l.logger }

// Path returns the path of the current log file, or "" when logging to the
// console only.
func (l *Logging) Path() string { return l.path }

// Warning returns a user-facing sentence saying why file logging is
// unavailable, or "" when it works (or was not asked for). The UI shows it.
func (l *Logging) Warning() string { return l.warning }

// Dropped returns how many lines the file missed because its buffer was
// full (the console got them all).
func (l *Logging) Dropped() uint64 {
	if l.async == nil {
		return 0
	}
	return l.async.Dropped()
}

// Flush waits until every line logged before the call is in the file. It is
// a no-op when logging to the console only or after Close.
func (l *Logging) Flush() {
	if l.async != nil {
		l.async.Flush()
	}
}

// Close flushes the file and closes it; the logger then writes to the
// console only. Close is idempotent and safe to call from several goroutines;
// every call returns the first call's result: an error the file reported
// while logging or closing, or nil. Call it on shutdown (the seed's
// LoggingGuard).
func (l *Logging) Close() error {
	l.closeOnce.Do(func() {
		if l.async == nil {
			return
		}
		l.closeErr = errors.Join(l.async.Close(), l.file.Close())
	})
	return l.closeErr
}

// fileHook formats each entry for the file and queues it on the AsyncWriter.
type fileHook struct {
	out       *AsyncWriter
	formatter logrus.Formatter
}

// Levels implements logrus.Hook.
func (*fileHook) Levels() []logrus.Level { return logrus.AllLevels }

// Fire implements logrus.Hook. Fatal and panic entries are flushed before
// Fire returns, because the process is about to end. Entries after Close are
// left to the console.
func (h *fileHook) Fire(e *logrus.Entry) error {
	b, err := h.formatter.Format(e)
	if err != nil {
		return err
	}
	if _, err := h.out.Write(b); err != nil {
		if errors.Is(err, ErrClosed) {
			return nil
		}
		return err
	}
	if e.Level <= logrus.FatalLevel {
		h.out.Flush()
	}
	return nil
}
