package logging_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/sirupsen/logrus"

	"github.com/tusk-app/tusk/backend/logging"
)

func TestDefaultLevelFollowsBuildTag(t *testing.T) {
	if got := logging.DefaultLevel(); got != wantDefaultLevel {
		t.Errorf("DefaultLevel() = %s, want %s", got, wantDefaultLevel)
	}
}

func TestLevelFromEnv(t *testing.T) {
	for _, tc := range []struct {
		value   string
		want    logrus.Level
		wantErr bool
	}{
		{"", wantDefaultLevel, false},
		{"trace", logrus.TraceLevel, false},
		{"debug", logrus.DebugLevel, false},
		{"info", logrus.InfoLevel, false},
		{"warn", logrus.WarnLevel, false},
		{"warning", logrus.WarnLevel, false},
		{"error", logrus.ErrorLevel, false},
		{"DEBUG", logrus.DebugLevel, false},
		{" Warn\n", logrus.WarnLevel, false},
		{"loud", wantDefaultLevel, true},
		{"fatal", wantDefaultLevel, true},
		{"tusk=debug", wantDefaultLevel, true}, // RUST_LOG-style directives are not supported
	} {
		got, err := logging.LevelFromEnv(tc.value)
		if got != tc.want || (err != nil) != tc.wantErr {
			t.Errorf("LevelFromEnv(%q) = %s, %v; want %s, error %v", tc.value, got, err, tc.want, tc.wantErr)
		}
		if err != nil && (!strings.Contains(err.Error(), logging.EnvVar) || !strings.Contains(err.Error(), fmt.Sprintf("%q", tc.value))) {
			t.Errorf("LevelFromEnv(%q) error %q does not name %s and the value", tc.value, err, logging.EnvVar)
		}
	}
}

func TestNewTakesLevelFromTUSKLOG(t *testing.T) {
	t.Setenv(logging.EnvVar, "warn")
	t.Setenv("RUST_LOG", "trace") // ignored
	console := &syncBuffer{}
	l := logging.New(logging.Config{Dir: t.TempDir(), Console: console})
	defer l.Close()
	if got := l.Logger().GetLevel(); got != logrus.WarnLevel {
		t.Fatalf("level = %s, want warn", got)
	}
	l.Logger().Info("hidden")
	l.Logger().Warn("shown")
	l.Flush()
	out := console.String() + readFile(t, l.Path())
	if strings.Contains(out, "hidden") || strings.Count(out, "shown") != 2 {
		t.Errorf("console+file = %q; want only the warning, in both", out)
	}
}

func TestNewWarnsOnInvalidTUSKLOG(t *testing.T) {
	t.Setenv(logging.EnvVar, "loud")
	console := &syncBuffer{}
	l := logging.New(logging.Config{Dir: t.TempDir(), Console: console})
	defer l.Close()
	if got := l.Logger().GetLevel(); got != wantDefaultLevel {
		t.Errorf("level = %s, want the default %s", got, wantDefaultLevel)
	}
	l.Flush()
	for name, out := range map[string]string{"console": console.String(), "file": readFile(t, l.Path())} {
		if !strings.Contains(out, "level=warning") || !strings.Contains(out, "TUSK_LOG") || !strings.Contains(out, "loud") {
			t.Errorf("%s lacks a warning about TUSK_LOG=loud:\n%s", name, out)
		}
	}
	if l.Warning() != "" {
		t.Errorf("Warning() = %q; an invalid TUSK_LOG is not a file-logging failure", l.Warning())
	}
}

func TestExplicitLevelWinsOverTUSKLOG(t *testing.T) {
	t.Setenv(logging.EnvVar, "error")
	l := logging.New(logging.Config{Console: &syncBuffer{}, Level: logrus.TraceLevel})
	defer l.Close()
	if got := l.Logger().GetLevel(); got != logrus.TraceLevel {
		t.Errorf("level = %s, want trace", got)
	}
}

func ExampleLevelFromEnv() {
	level, err := logging.LevelFromEnv("warn")
	fmt.Println(level, err)
	_, err = logging.LevelFromEnv("loud")
	fmt.Println(err)
	// Output:
	// warning <nil>
	// invalid TUSK_LOG value "loud": want trace, debug, info, warn or error
}
