//go:build !darwin && !windows

package credentials_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/sirupsen/logrus"

	"github.com/tusk-app/tusk/backend/credentials"
	"github.com/tusk-app/tusk/backend/secret"
)

// helperEnv, when set, makes the test binary run helperMain. go-keyring
// always talks to the process's session bus (and keeps one connection for
// the life of the process), so tests that need go-keyring itself against a
// Secret Service in some state run this test binary again as a child whose
// DBUS_SESSION_BUS_ADDRESS points at a private bus.
const helperEnv = "TUSK_CREDENTIALS_HELPER"

// helperReport is what the child prints for the parent.
type helperReport struct {
	Before  credentials.Status `json:"before"`
	SaveErr string             `json:"saveErr"`
	SaveMs  float64            `json:"saveMs"`
	After   credentials.Status `json:"after"`
	ReadOK  bool               `json:"readOk"`
	ReadErr string             `json:"readErr"`
}

// TestMain runs the helper instead of the tests in a child started by
// runHelper.
func TestMain(m *testing.M) {
	if os.Getenv(helperEnv) != "" {
		os.Exit(helperMain())
	}
	os.Exit(m.Run())
}

// helperMain is the child side: it creates a Store over the process's
// keychain, optionally freezes the daemon, saves and reads one password and
// prints a report.
func helperMain() int {
	log := logrus.New()
	log.SetLevel(logrus.DebugLevel) // to stderr, shown when the parent fails
	ctx := context.Background()
	s := credentials.New(ctx, credentials.Options{
		Log: log, ProbeTimeout: 2 * time.Second,
		CallTimeout: 300 * time.Millisecond, SaveTimeout: 300 * time.Millisecond,
	})
	r := helperReport{Before: s.Status()}
	if pid, _ := strconv.Atoi(os.Getenv("TUSK_HELPER_STOP_PID")); pid > 0 {
		// The daemon freezes after the probe passed: go-keyring now blocks.
		if err := syscall.Kill(pid, syscall.SIGSTOP); err != nil {
			log.Error(err)
			return 1
		}
	}
	start := time.Now()
	if err := s.StorePassword(ctx, "conn", secret.New("pw")); err != nil {
		r.SaveErr = err.Error()
	}
	r.SaveMs = float64(time.Since(start).Microseconds()) / 1000
	r.After = s.Status()
	v, err := s.Password(ctx, "conn")
	r.ReadOK = err == nil && v.Reveal() == "pw"
	if err != nil {
		r.ReadErr = err.Error()
	}
	b, err := json.Marshal(r)
	if err != nil {
		log.Error(err)
		return 1
	}
	fmt.Printf("REPORT %s\n", b)
	return 0
}

// runHelper runs helperMain in a child process against the bus at addr and
// returns its report.
func runHelper(t *testing.T, addr string, extraEnv ...string) helperReport {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, os.Args[0])
	cmd.Env = childEnv(append([]string{helperEnv + "=1", "DBUS_SESSION_BUS_ADDRESS=" + addr}, extraEnv...)...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("helper: %v\n%s", err, out)
	}
	for line := range strings.Lines(string(out)) {
		if rest, ok := strings.CutPrefix(line, "REPORT "); ok {
			var r helperReport
			if err := json.Unmarshal([]byte(rest), &r); err != nil {
				t.Fatal(err)
			}
			t.Logf("helper: %+v", r)
			return r
		}
	}
	t.Fatalf("helper printed no report:\n%s", out)
	return helperReport{}
}

// TestRealSecretServiceStates drives go-keyring, through a Store, against a
// real gnome-keyring-daemon that passes the probe but cannot serve: its
// keyring is missing, locked (with no prompter to unlock it), or the daemon
// hangs. Each time the first save must fall back to session memory, within
// its deadline, and say why.
func TestRealSecretServiceStates(t *testing.T) {
	t.Parallel()
	requireBinary(t, "dbus-daemon")
	requireBinary(t, "gnome-keyring-daemon")
	check := func(t *testing.T, r helperReport, reason string) {
		t.Helper()
		if !r.Before.Available {
			t.Fatalf("probe failed: %+v", r.Before)
		}
		if r.SaveErr != "" || !r.After.UsingFallback || !strings.Contains(r.After.Reason, reason) || !r.ReadOK {
			t.Fatalf("report = %+v; want a save kept in memory and a reason containing %q", r, reason)
		}
		if r.SaveMs > 2000 {
			t.Errorf("the save took %.1f ms", r.SaveMs)
		}
	}

	t.Run("no keyring", func(t *testing.T) {
		t.Parallel()
		addr := privateBus(t)
		startKeyringDaemon(t, addr, t.TempDir(), false)
		check(t, runHelper(t, addr), "failed to unlock")
	})

	t.Run("locked", func(t *testing.T) {
		t.Parallel()
		addr := privateBus(t)
		dir := t.TempDir()
		first := startKeyringDaemon(t, addr, dir, true) // creates the login keyring
		login := filepath.Join(dir, "xdg_data_home", "keyrings", "login.keyring")
		deadline := time.Now().Add(10 * time.Second)
		for {
			if _, err := os.Stat(login); err == nil {
				break
			}
			if time.Now().After(deadline) {
				t.Fatal("gnome-keyring-daemon wrote no login keyring")
			}
			time.Sleep(20 * time.Millisecond)
		}
		_ = first.Process.Signal(syscall.SIGTERM)
		_ = first.Wait()
		waitForOwner(t, addr, false)
		startKeyringDaemon(t, addr, dir, false) // the same keyring, now locked
		check(t, runHelper(t, addr), "failed to unlock")
	})

	t.Run("hangs after the probe", func(t *testing.T) {
		t.Parallel()
		addr := privateBus(t)
		daemon := startKeyringDaemon(t, addr, t.TempDir(), true)
		r := runHelper(t, addr, "TUSK_HELPER_STOP_PID="+strconv.Itoa(daemon.Process.Pid))
		check(t, r, "did not answer within 300ms")
		if r.SaveMs < 300 {
			t.Errorf("the save gave up after %.1f ms, before its 300ms deadline", r.SaveMs)
		}
	})
}
