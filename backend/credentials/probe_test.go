//go:build !darwin && !windows

package credentials_test

import (
	"context"
	"net"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/tusk-app/tusk/backend/credentials"
	"github.com/tusk-app/tusk/backend/secret"
)

// probeBound is the assertion bound for a probe's answer. The probe itself
// is limited to DefaultProbeTimeout (100 ms); the bound is generous because
// the test machine may be busy. The figures are logged.
const probeBound = 2 * time.Second

// newOSStore returns a Store over the real OSKeychain whose probe checks
// the bus at address. probeTimeout 0 is the default (100 ms), the setting
// whose speed the failure tests measure; tests that expect the probe to
// pass give it more, so a busy machine cannot fail them.
func newOSStore(t *testing.T, address string, probeTimeout time.Duration) (*credentials.Store, time.Duration) {
	t.Helper()
	log, _ := newLogger(t)
	var s *credentials.Store
	d := within(t, probeBound, "New", func() {
		s = credentials.New(context.Background(), credentials.Options{
			Keychain:     credentials.NewOSKeychain(credentials.OSKeychainOptions{BusAddress: address}),
			ProbeTimeout: probeTimeout,
			Log:          log,
		})
	})
	return s, d
}

func TestProbeWithoutSessionBus(t *testing.T) {
	t.Parallel()
	s, d := newOSStore(t, "unix:path=/nonexistent", 0)
	st := s.Status()
	t.Logf("probe without a bus: New %s, probe %.3f ms, reason %q", d, st.ProbeMs, st.Reason)
	if st.Available || !st.UsingFallback || !strings.Contains(st.Reason, "no D-Bus session bus") {
		t.Fatalf("status = %+v, want the fallback because there is no bus", st)
	}
	// The fallback works; go-keyring is never called (it would look for the
	// process's bus, or launch one).
	for _, ops := range allOps {
		t.Run(ops.name, func(t *testing.T) { exercise(t, s, ops, newID()) })
	}
}

// TestProbeHungBus points the probe at a socket that accepts connections
// and never says a word, as a wedged dbus-daemon would.
func TestProbeHungBus(t *testing.T) {
	t.Parallel()
	sock := filepath.Join(t.TempDir(), "bus")
	ln, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var conns []net.Conn // held open, never answered
	t.Cleanup(func() {
		ln.Close()
		mu.Lock()
		defer mu.Unlock()
		for _, c := range conns {
			c.Close()
		}
	})
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
		}
	}()
	s, d := newOSStore(t, "unix:path="+sock, 0)
	st := s.Status()
	t.Logf("probe on a hung bus: New %s, probe %.3f ms, reason %q", d, st.ProbeMs, st.Reason)
	if !st.UsingFallback || !strings.Contains(st.Reason, "did not answer within") {
		t.Fatalf("status = %+v, want the fallback because the bus did not answer", st)
	}
	if err := s.StorePassword(context.Background(), "c", secret.New("pw")); err != nil {
		t.Fatal(err)
	}
}

func TestProbeBusWithoutSecretService(t *testing.T) {
	t.Parallel()
	addr := privateBus(t)
	s, d := newOSStore(t, addr, probeBound) // the answer matters here, not the speed
	st := s.Status()
	t.Logf("probe on a bus without a Secret Service: New %s, probe %.3f ms, reason %q", d, st.ProbeMs, st.Reason)
	if !st.UsingFallback || !strings.Contains(st.Reason, "no Secret Service") {
		t.Fatalf("status = %+v, want the fallback because no Secret Service exists", st)
	}
}

// TestProbeStoppedSecretService runs a real gnome-keyring-daemon on a
// private bus, checks that the probe passes, then freezes the daemon with
// SIGSTOP: it still owns org.freedesktop.secrets but answers nothing, and the
// probe must notice within its deadline.
func TestProbeStoppedSecretService(t *testing.T) {
	t.Parallel()
	addr := privateBus(t)
	daemon := startKeyringDaemon(t, addr, t.TempDir(), true)

	s, d := newOSStore(t, addr, probeBound)
	st := s.Status()
	t.Logf("probe with a running Secret Service: New %s, probe %.3f ms", d, st.ProbeMs)
	if !st.Available {
		t.Fatalf("status = %+v, want available", st)
	}

	if err := daemon.Process.Signal(syscall.SIGSTOP); err != nil {
		t.Fatal(err)
	}
	s, d = newOSStore(t, addr, 0)
	st = s.Status()
	t.Logf("probe with a stopped Secret Service: New %s, probe %.3f ms, reason %q", d, st.ProbeMs, st.Reason)
	if !st.UsingFallback || !strings.Contains(st.Reason, "Secret Service (org.freedesktop.secrets) did not answer") {
		t.Fatalf("status = %+v, want the fallback because the daemon did not answer", st)
	}
}
