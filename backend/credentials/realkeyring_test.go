package credentials_test

import (
	"context"
	"fmt"
	"os/exec"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/zalando/go-keyring"

	"github.com/tusk-app/tusk/backend/credentials"
	"github.com/tusk-app/tusk/backend/secret"
)

// These tests use the real Secret Service started by scripts/with-keyring.sh
// (TUSK_TEST_KEYRING=1). Every id is a fresh UUID and every test deletes
// what it saved, so they may run in parallel and against any keyring.

// realStore returns a Store over the process's real keychain and fails if
// the keychain is not in use.
func realStore(t testing.TB) *credentials.Store {
	t.Helper()
	requireKeyring(t)
	log, _ := newLogger(t)
	s := credentials.New(context.Background(), credentials.Options{Log: log, ProbeTimeout: time.Second})
	if !s.Available() {
		t.Fatalf("the real keyring is not available: %s", s.UnavailableReason())
	}
	return s
}

func TestRealKeyring(t *testing.T) {
	t.Parallel()
	s := realStore(t)
	for _, ops := range allOps {
		t.Run(ops.name, func(t *testing.T) {
			t.Parallel()
			id := newID()
			t.Cleanup(func() { _ = ops.del(s, context.Background(), id) })
			exercise(t, s, ops, id)
			if s.UsingFallback() {
				t.Fatalf("switched to the fallback: %s", s.UnavailableReason())
			}
			if n := s.Status().SessionSecrets; n != 0 {
				t.Errorf("session holds %d secrets while the keychain works", n)
			}
		})
	}
}

// TestRealKeyringSeenByOtherClients saves through the Store and reads the
// item back as another program would: with secret-tool when it is
// installed, else with go-keyring directly, by service and account name.
func TestRealKeyringSeenByOtherClients(t *testing.T) {
	t.Parallel()
	s := realStore(t)
	ctx := context.Background()
	for _, ops := range allOps {
		t.Run(ops.name, func(t *testing.T) {
			t.Parallel()
			id := newID()
			t.Cleanup(func() { _ = ops.del(s, ctx, id) })
			if err := ops.store(s, ctx, id, secret.New("seen elsewhere")); err != nil {
				t.Fatal(err)
			}
			account := ops.account(id)
			if !strings.HasPrefix(account, ops.name+":") {
				t.Fatalf("account = %q", account)
			}
			var got, via string
			if tool, err := exec.LookPath("secret-tool"); err == nil {
				via = "secret-tool"
				out, err := exec.Command(tool, "lookup", "service", s.ServiceName(), "username", account).Output()
				if err != nil {
					t.Fatalf("secret-tool lookup: %v", err)
				}
				got = string(out)
			} else {
				via = "go-keyring"
				got, err = keyring.Get(s.ServiceName(), account)
				if err != nil {
					t.Fatalf("keyring.Get(%q, %q): %v", s.ServiceName(), account, err)
				}
			}
			if got != "seen elsewhere" {
				t.Fatalf("%s read %q under %s/%s", via, got, s.ServiceName(), account)
			}
			t.Logf("%s sees service %q account %q", via, s.ServiceName(), account)

			// And the other way round: an item another client deleted is gone.
			if err := keyring.Delete(s.ServiceName(), account); err != nil {
				t.Fatal(err)
			}
			_, err := ops.get(s, ctx, id)
			assertNotFound(t, err)
		})
	}
}

func TestRealKeyringProbe(t *testing.T) {
	t.Parallel()
	s := realStore(t)
	kc := credentials.NewOSKeychain(credentials.OSKeychainOptions{})
	var times []time.Duration
	for range 10 {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		start := time.Now()
		err := kc.Probe(ctx)
		times = append(times, time.Since(start))
		cancel()
		if err != nil {
			t.Fatalf("Probe: %v", err)
		}
	}
	slices.Sort(times)
	t.Logf("probe with a keyring: in New %.3f ms; 10 more: min %s, median %s, max %s",
		s.Status().ProbeMs, times[0], times[5], times[9])
	if times[5] > probeLimit {
		t.Errorf("median probe %s, want under %s", times[5], probeLimit)
	}
}

// probeLimit is the assertion bound for a probe against a healthy keyring
// (the target is well under 100 ms; the bound leaves room for a busy
// machine running -race).
const probeLimit = 2 * time.Second

// TestRealKeyringSC005 checks SC-005: saving and reading a password each
// take under 500 ms.
func TestRealKeyringSC005(t *testing.T) {
	t.Parallel()
	s := realStore(t)
	ctx := context.Background()
	id := newID()
	t.Cleanup(func() { _ = s.DeletePassword(ctx, id) })
	var sets, gets []time.Duration
	for i := range 20 {
		start := time.Now()
		if err := s.StorePassword(ctx, id, secret.New(fmt.Sprintf("pw-%d", i))); err != nil {
			t.Fatal(err)
		}
		sets = append(sets, time.Since(start))
		start = time.Now()
		if _, err := s.Password(ctx, id); err != nil {
			t.Fatal(err)
		}
		gets = append(gets, time.Since(start))
	}
	slices.Sort(sets)
	slices.Sort(gets)
	t.Logf("SC-005: save median %s max %s; read median %s max %s", sets[10], sets[19], gets[10], gets[19])
	if sets[19] > 500*time.Millisecond || gets[19] > 500*time.Millisecond {
		t.Errorf("slowest save %s, read %s; SC-005 wants each under 500ms", sets[19], gets[19])
	}
}

func TestRealKeyringConcurrent(t *testing.T) {
	t.Parallel()
	s := realStore(t)
	ctx := context.Background()
	var wg sync.WaitGroup
	for g := range 16 {
		wg.Go(func() {
			ops := allOps[g%2]
			id := newID()
			defer func() { _ = ops.del(s, ctx, id) }()
			for r := range 5 {
				want := fmt.Sprintf("v%d-%d", g, r)
				if err := ops.store(s, ctx, id, secret.New(want)); err != nil {
					t.Errorf("store: %v", err)
					return
				}
				got, err := ops.get(s, ctx, id)
				if err != nil || got.Reveal() != want {
					t.Errorf("get = %q, %v; want %q", got.Reveal(), err, want)
					return
				}
			}
		})
	}
	wg.Wait()
	if s.UsingFallback() {
		t.Fatalf("switched to the fallback: %s", s.UnavailableReason())
	}
}

// BenchmarkRealKeyring measures SC-005 against the real keyring (expected:
// save ≈ 5–15 ms, read ≈ 2–6 ms). Run it with
// scripts/with-keyring.sh go test -run '^$' -bench RealKeyring ./backend/credentials/
func BenchmarkRealKeyring(b *testing.B) {
	s := realStore(b)
	ctx := context.Background()
	id := newID()
	b.Cleanup(func() { _ = s.DeletePassword(ctx, id) })
	pw := secret.New("benchmark password")
	b.Run("StorePassword", func(b *testing.B) {
		for b.Loop() {
			if err := s.StorePassword(ctx, id, pw); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("Password", func(b *testing.B) {
		for b.Loop() {
			if _, err := s.Password(ctx, id); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("HasPassword", func(b *testing.B) {
		for b.Loop() {
			if _, err := s.HasPassword(ctx, id); err != nil {
				b.Fatal(err)
			}
		}
	})
	if s.UsingFallback() {
		b.Fatalf("switched to the fallback: %s", s.UnavailableReason())
	}
}

// BenchmarkProbe measures the start-up probe against the real keyring.
func BenchmarkProbe(b *testing.B) {
	requireKeyring(b)
	kc := credentials.NewOSKeychain(credentials.OSKeychainOptions{})
	for b.Loop() {
		if err := kc.Probe(context.Background()); err != nil {
			b.Fatal(err)
		}
	}
}
