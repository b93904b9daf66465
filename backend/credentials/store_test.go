package credentials_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/zalando/go-keyring"

	"github.com/tusk-app/tusk/backend/apperr"
	"github.com/tusk-app/tusk/backend/credentials"
	"github.com/tusk-app/tusk/backend/secret"
)

// secretOps is one sort of secret (database password, SSH secret) seen
// through the Store's methods, so every test covers both.
type secretOps struct {
	name    string
	account func(string) string
	store   func(*credentials.Store, context.Context, string, secret.String) error
	get     func(*credentials.Store, context.Context, string) (secret.String, error)
	has     func(*credentials.Store, context.Context, string) (bool, error)
	del     func(*credentials.Store, context.Context, string) error
}

var allOps = []secretOps{
	{
		name: "db", account: credentials.DBAccount,
		store: (*credentials.Store).StorePassword, get: (*credentials.Store).Password,
		has: (*credentials.Store).HasPassword, del: (*credentials.Store).DeletePassword,
	},
	{
		name: "ssh", account: credentials.SSHAccount,
		store: (*credentials.Store).StoreSSHSecret, get: (*credentials.Store).SSHSecret,
		has: (*credentials.Store).HasSSHSecret, del: (*credentials.Store).DeleteSSHSecret,
	},
}

// exercise runs the full life cycle of one secret through s: absent,
// saved, overwritten, deleted, deleted again.
func exercise(t *testing.T, s *credentials.Store, ops secretOps, id string) {
	t.Helper()
	ctx := context.Background()
	if ok, err := ops.has(s, ctx, id); err != nil || ok {
		t.Fatalf("has before save = %v, %v; want false, nil", ok, err)
	}
	_, err := ops.get(s, ctx, id)
	assertNotFound(t, err)

	if err := ops.store(s, ctx, id, secret.New("first value")); err != nil {
		t.Fatalf("store: %v", err)
	}
	if ok, err := ops.has(s, ctx, id); err != nil || !ok {
		t.Fatalf("has after save = %v, %v; want true, nil", ok, err)
	}
	assertSecret(t, s, ops, id, "first value")

	if err := ops.store(s, ctx, id, secret.New("second value")); err != nil {
		t.Fatalf("overwrite: %v", err)
	}
	assertSecret(t, s, ops, id, "second value")

	if err := ops.del(s, ctx, id); err != nil {
		t.Fatalf("delete: %v", err)
	}
	if ok, err := ops.has(s, ctx, id); err != nil || ok {
		t.Fatalf("has after delete = %v, %v; want false, nil", ok, err)
	}
	_, err = ops.get(s, ctx, id)
	assertNotFound(t, err)
	if err := ops.del(s, ctx, id); err != nil {
		t.Fatalf("deleting a missing secret: %v, want nil", err)
	}
}

func assertSecret(t *testing.T, s *credentials.Store, ops secretOps, id, want string) {
	t.Helper()
	got, err := ops.get(s, context.Background(), id)
	if err != nil {
		t.Fatalf("get: %v", err)
	}
	if got.Reveal() != want {
		t.Fatalf("get = %q, want %q", got.Reveal(), want)
	}
}

func assertNotFound(t *testing.T, err error) {
	t.Helper()
	if !credentials.IsNotFound(err) {
		t.Fatalf("err = %v, want not found", err)
	}
	if !errors.Is(err, keyring.ErrNotFound) {
		t.Errorf("err = %v does not wrap keyring.ErrNotFound", err)
	}
	if k := apperr.KindOf(err); k != apperr.Keyring {
		t.Errorf("kind = %q, want %q", k, apperr.Keyring)
	}
}

func TestStoreWithKeychain(t *testing.T) {
	t.Parallel()
	for _, ops := range allOps {
		t.Run(ops.name, func(t *testing.T) {
			t.Parallel()
			fake := newFake()
			s := credentials.New(context.Background(), credentials.Options{Keychain: fake})
			if !s.Available() || s.UsingFallback() || s.UnavailableReason() != "" {
				t.Fatalf("status = %+v, want available", s.Status())
			}
			id := newID()
			exercise(t, s, ops, id)

			if err := ops.store(s, context.Background(), id, secret.New("kept")); err != nil {
				t.Fatal(err)
			}
			if v, ok := fake.raw(ops.account(id)); !ok || v.Reveal() != "kept" {
				t.Errorf("keychain holds %q, %v under %s/%s; want \"kept\"", v.Reveal(), ok, credentials.TestService, ops.account(id))
			}
			if n := s.Status().SessionSecrets; n != 0 {
				t.Errorf("session holds %d secrets while the keychain works, want 0", n)
			}
		})
	}
}

func TestAccounts(t *testing.T) {
	t.Parallel()
	if got := credentials.DBAccount("c1"); got != "db:c1" {
		t.Errorf("DBAccount = %q", got)
	}
	if got := credentials.SSHAccount("t1"); got != "ssh:t1" {
		t.Errorf("SSHAccount = %q", got)
	}
	if credentials.Service != "dev.tusk.Tusk" {
		t.Errorf("Service = %q", credentials.Service)
	}
}

func TestProbeFailureUsesFallback(t *testing.T) {
	t.Parallel()
	fake := newFake()
	s := credentials.New(context.Background(), credentials.Options{
		Keychain: failingProbe{fake, errors.New("no Secret Service here")},
	})
	st := s.Status()
	if st.Available || !st.UsingFallback || st.Reason != "no Secret Service here" {
		t.Fatalf("status = %+v", st)
	}
	for _, ops := range allOps {
		t.Run(ops.name, func(t *testing.T) { exercise(t, s, ops, newID()) })
	}
	if n := fake.calls.Load(); n != 0 {
		t.Errorf("the keychain was called %d times after a failed probe", n)
	}
}

func TestProbeThatHangsIsAbandoned(t *testing.T) {
	t.Parallel()
	block := make(chan struct{})
	t.Cleanup(func() { close(block) })
	kc := hangingProbe{newFake(), block}
	var s *credentials.Store
	d := within(t, 2*time.Second, "New with a hanging probe", func() {
		s = credentials.New(context.Background(), credentials.Options{Keychain: kc, ProbeTimeout: 50 * time.Millisecond})
	})
	t.Logf("New returned after %s", d)
	if !s.UsingFallback() || !strings.Contains(s.UnavailableReason(), "did not answer within 50ms") {
		t.Fatalf("status = %+v", s.Status())
	}
}

type hangingProbe struct {
	*fakeKeychain
	block chan struct{}
}

func (p hangingProbe) Probe(context.Context) error { <-p.block; return nil }

func TestHungKeychain(t *testing.T) {
	t.Parallel()
	const call, save = 100 * time.Millisecond, 200 * time.Millisecond
	newHung := func(t *testing.T) (*credentials.Store, *fakeKeychain, *atomic.Int32) {
		fake := newFake().hang(t)
		log, _ := newLogger(t)
		var switches atomic.Int32
		s := credentials.New(context.Background(), credentials.Options{
			Keychain: fake, CallTimeout: call, SaveTimeout: save, Log: log,
			OnFallback: func(st credentials.Status) {
				switches.Add(1)
				if !st.UsingFallback || st.Reason == "" {
					t.Errorf("OnFallback status = %+v", st)
				}
			},
		})
		return s, fake, &switches
	}
	assertSwitched := func(t *testing.T, s *credentials.Store, switches *atomic.Int32, limit time.Duration) {
		t.Helper()
		want := fmt.Sprintf("the keychain did not answer within %s", limit)
		if !s.UsingFallback() || s.UnavailableReason() != want {
			t.Errorf("status = %+v, want fallback with reason %q", s.Status(), want)
		}
		if n := switches.Load(); n != 1 {
			t.Errorf("OnFallback called %d times, want 1", n)
		}
	}
	ctx := context.Background()

	t.Run("read first", func(t *testing.T) {
		t.Parallel()
		s, fake, switches := newHung(t)
		id := newID()
		var err error
		d := within(t, call+2*time.Second, "Password on a hung keychain", func() { _, err = s.Password(ctx, id) })
		t.Logf("Password gave up after %s", d)
		if d < call {
			t.Errorf("Password gave up after %s, before the %s deadline", d, call)
		}
		assertNotFound(t, err)
		if e := apperr.Classify(err); !strings.Contains(e.Detail, "did not answer") {
			t.Errorf("detail = %q, want the reason", e.Detail)
		}
		assertSwitched(t, s, switches, call)

		// From now on the keychain is left alone and the session serves.
		within(t, 50*time.Millisecond, "StorePassword in fallback", func() {
			if err := s.StorePassword(ctx, id, secret.New("pw")); err != nil {
				t.Error(err)
			}
		})
		assertSecret(t, s, allOps[0], id, "pw")
		if n := fake.calls.Load(); n != 1 {
			t.Errorf("keychain called %d times, want 1", n)
		}
	})

	t.Run("save first", func(t *testing.T) {
		t.Parallel()
		s, _, switches := newHung(t)
		id := newID()
		d := within(t, save+2*time.Second, "StoreSSHSecret on a hung keychain", func() {
			if err := s.StoreSSHSecret(ctx, id, secret.New("passphrase")); err != nil {
				t.Errorf("StoreSSHSecret: %v, want nil (kept in memory)", err)
			}
		})
		t.Logf("StoreSSHSecret gave up after %s", d)
		if d < save {
			t.Errorf("gave up after %s, before the %s save deadline", d, save)
		}
		assertSwitched(t, s, switches, save)
		assertSecret(t, s, allOps[1], id, "passphrase")
		if n := s.Status().SessionSecrets; n != 1 {
			t.Errorf("session holds %d secrets, want 1", n)
		}
	})

	t.Run("has first", func(t *testing.T) {
		t.Parallel()
		s, _, switches := newHung(t)
		within(t, call+2*time.Second, "HasPassword on a hung keychain", func() {
			if ok, err := s.HasPassword(ctx, newID()); ok || err != nil {
				t.Errorf("HasPassword = %v, %v; want false, nil", ok, err)
			}
		})
		assertSwitched(t, s, switches, call)
	})

	t.Run("delete first", func(t *testing.T) {
		t.Parallel()
		s, _, switches := newHung(t)
		within(t, call+2*time.Second, "DeletePassword on a hung keychain", func() {
			if err := s.DeletePassword(ctx, newID()); err != nil {
				t.Errorf("DeletePassword: %v", err)
			}
		})
		assertSwitched(t, s, switches, call)
	})
}

// TestOSKeychainDeadline drives OSKeychain over a go-keyring provider that
// never answers: every call must return a Keyring error within its deadline.
func TestOSKeychainDeadline(t *testing.T) {
	t.Parallel()
	block := make(chan struct{})
	t.Cleanup(func() { close(block) })
	kc := credentials.NewOSKeychain(credentials.OSKeychainOptions{Provider: blockingProvider{block}})
	const limit = 50 * time.Millisecond
	calls := map[string]func(context.Context) error{
		"Set": func(ctx context.Context) error {
			return kc.Set(ctx, credentials.Service, "db:x", secret.New("v"))
		},
		"Get": func(ctx context.Context) error {
			_, err := kc.Get(ctx, credentials.Service, "db:x")
			return err
		},
		"Delete": func(ctx context.Context) error { return kc.Delete(ctx, credentials.Service, "db:x") },
	}
	for name, call := range calls {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			ctx, cancel := context.WithTimeout(context.Background(), limit)
			defer cancel()
			var err error
			within(t, limit+2*time.Second, name, func() { err = call(ctx) })
			if !errors.Is(err, credentials.ErrTimeout) || apperr.KindOf(err) != apperr.Keyring {
				t.Fatalf("err = %v (kind %q), want a Keyring error wrapping ErrTimeout", err, apperr.KindOf(err))
			}
			if !strings.Contains(err.Error(), "did not answer") {
				t.Errorf("err = %q, want it to say the keychain did not answer", err)
			}
		})
	}
	t.Run("cancel", func(t *testing.T) {
		t.Parallel()
		ctx, cancel := context.WithCancel(context.Background())
		time.AfterFunc(20*time.Millisecond, cancel)
		err := calls["Get"](ctx)
		if !errors.Is(err, context.Canceled) || apperr.KindOf(err) != apperr.Cancelled {
			t.Fatalf("err = %v, want cancelled", err)
		}
	})
}

// blockingProvider is a go-keyring provider that never answers.
type blockingProvider struct{ block chan struct{} }

func (p blockingProvider) Set(string, string, string) error   { <-p.block; return nil }
func (p blockingProvider) Get(string, string) (string, error) { <-p.block; return "", nil }
func (p blockingProvider) Delete(string, string) error        { <-p.block; return nil }
func (p blockingProvider) DeleteAll(string) error             { <-p.block; return nil }

func TestOSKeychainNotFound(t *testing.T) {
	t.Parallel()
	kc := credentials.NewOSKeychain(credentials.OSKeychainOptions{Provider: emptyProvider{}})
	_, err := kc.Get(context.Background(), credentials.Service, "db:x")
	if !errors.Is(err, credentials.ErrNotFound) {
		t.Errorf("Get: %v, want ErrNotFound", err)
	}
	if err := kc.Delete(context.Background(), credentials.Service, "db:x"); !errors.Is(err, credentials.ErrNotFound) {
		t.Errorf("Delete: %v, want ErrNotFound", err)
	}
}

type emptyProvider struct{}

func (emptyProvider) Set(string, string, string) error   { return nil }
func (emptyProvider) Get(string, string) (string, error) { return "", keyring.ErrNotFound }
func (emptyProvider) Delete(string, string) error        { return keyring.ErrNotFound }
func (emptyProvider) DeleteAll(string) error             { return nil }

func TestLockedKeychain(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	t.Run("save refused", func(t *testing.T) {
		t.Parallel()
		fake := newFake()
		fake.setErr = func(string, secret.String) error { return errLocked }
		s := credentials.New(ctx, credentials.Options{Keychain: fake})
		id := newID()
		if err := s.StorePassword(ctx, id, secret.New("pw")); err != nil {
			t.Fatalf("StorePassword: %v, want nil (kept in memory)", err)
		}
		if !s.UsingFallback() || !strings.Contains(s.UnavailableReason(), "IsLocked") {
			t.Fatalf("status = %+v, want fallback naming the refusal", s.Status())
		}
		assertSecret(t, s, allOps[0], id, "pw")
	})
	t.Run("read refused", func(t *testing.T) {
		t.Parallel()
		fake := newFake()
		fake.getErr = errors.New("org.freedesktop.DBus.Error.AccessDenied: prompt dismissed")
		s := credentials.New(ctx, credentials.Options{Keychain: fake})
		_, err := s.SSHSecret(ctx, newID())
		assertNotFound(t, err)
		if !s.UsingFallback() || !strings.Contains(s.UnavailableReason(), "prompt dismissed") {
			t.Fatalf("status = %+v", s.Status())
		}
		exercise(t, s, allOps[1], newID())
	})
	t.Run("delete refused", func(t *testing.T) {
		t.Parallel()
		fake := newFake()
		fake.delErr = errLocked
		s := credentials.New(ctx, credentials.Options{Keychain: fake})
		if err := s.DeletePassword(ctx, newID()); err != nil {
			t.Fatal(err)
		}
		if !s.UsingFallback() {
			t.Fatalf("status = %+v", s.Status())
		}
	})
}

func TestTooBigIsAnErrorNotAFallback(t *testing.T) {
	t.Parallel()
	fake := newFake()
	fake.setErr = func(string, secret.String) error { return keyring.ErrSetDataTooBig }
	s := credentials.New(context.Background(), credentials.Options{Keychain: fake})
	err := s.StorePassword(context.Background(), "c1", secret.New(strings.Repeat("x", 4000)))
	if !errors.Is(err, keyring.ErrSetDataTooBig) || apperr.KindOf(err) != apperr.Keyring {
		t.Fatalf("err = %v, want a Keyring error wrapping ErrSetDataTooBig", err)
	}
	if s.UsingFallback() {
		t.Error("switched to the fallback for an oversized secret")
	}
}

func TestDeadlines(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	slow := func() *fakeKeychain {
		f := newFake()
		f.delay = 150 * time.Millisecond
		return f
	}
	t.Run("caller deadline governs", func(t *testing.T) {
		t.Parallel()
		s := credentials.New(ctx, credentials.Options{Keychain: slow(), CallTimeout: 20 * time.Millisecond, SaveTimeout: 20 * time.Millisecond})
		cctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
		id := newID()
		if err := s.StorePassword(cctx, id, secret.New("pw")); err != nil {
			t.Fatal(err)
		}
		if v, err := s.Password(cctx, id); err != nil || v.Reveal() != "pw" {
			t.Fatalf("Password = %q, %v", v.Reveal(), err)
		}
		if s.UsingFallback() {
			t.Fatalf("fell back although the caller allowed the time: %+v", s.Status())
		}
	})
	t.Run("save timeout is longer", func(t *testing.T) {
		t.Parallel()
		s := credentials.New(ctx, credentials.Options{Keychain: slow(), CallTimeout: 20 * time.Millisecond, SaveTimeout: 10 * time.Second})
		if err := s.StorePassword(ctx, newID(), secret.New("pw")); err != nil {
			t.Fatal(err)
		}
		if s.UsingFallback() {
			t.Fatalf("a save within SaveTimeout fell back: %+v", s.Status())
		}
		if _, err := s.Password(ctx, newID()); !credentials.IsNotFound(err) {
			t.Fatalf("Password: %v", err)
		}
		if !s.UsingFallback() || !strings.Contains(s.UnavailableReason(), "within 20ms") {
			t.Fatalf("a read beyond CallTimeout: status = %+v", s.Status())
		}
	})
	t.Run("short caller deadline does not fall back", func(t *testing.T) {
		t.Parallel()
		s := credentials.New(ctx, credentials.Options{Keychain: newFake().hang(t), CallTimeout: time.Second})
		cctx, cancel := context.WithTimeout(ctx, 30*time.Millisecond)
		defer cancel()
		var err error
		within(t, 2*time.Second, "Password with a 30ms deadline", func() { _, err = s.Password(cctx, newID()) })
		if !errors.Is(err, credentials.ErrTimeout) || apperr.KindOf(err) != apperr.Keyring || credentials.IsNotFound(err) {
			t.Fatalf("err = %v, want a Keyring timeout", err)
		}
		if s.UsingFallback() {
			t.Fatal("a deadline shorter than CallTimeout switched to the fallback")
		}
	})
	t.Run("cancel", func(t *testing.T) {
		t.Parallel()
		s := credentials.New(ctx, credentials.Options{Keychain: newFake().hang(t)})
		cctx, cancel := context.WithCancel(ctx)
		time.AfterFunc(30*time.Millisecond, cancel)
		var err error
		within(t, 2*time.Second, "cancelled Password", func() { _, err = s.Password(cctx, newID()) })
		if apperr.KindOf(err) != apperr.Cancelled || !errors.Is(err, context.Canceled) {
			t.Fatalf("err = %v, want Cancelled", err)
		}
		if s.UsingFallback() {
			t.Fatal("a cancelled call switched to the fallback")
		}
	})
}

func TestValidation(t *testing.T) {
	t.Parallel()
	fake := newFake()
	s := credentials.New(context.Background(), credentials.Options{Keychain: fake})
	ctx := context.Background()
	for _, ops := range allOps {
		errs := []error{
			ops.store(s, ctx, "", secret.New("pw")),
			ops.store(s, ctx, "id", secret.String{}),
			ops.del(s, ctx, ""),
		}
		_, err := ops.get(s, ctx, "")
		errs = append(errs, err)
		_, err = ops.has(s, ctx, "")
		errs = append(errs, err)
		for i, err := range errs {
			if apperr.KindOf(err) != apperr.Validation {
				t.Errorf("%s #%d: err = %v, want Validation", ops.name, i, err)
			}
		}
	}
	if n := fake.calls.Load(); n != 0 {
		t.Errorf("invalid input reached the keychain %d times", n)
	}
}

func TestClearSession(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := credentials.New(ctx, credentials.Options{Keychain: failingProbe{newFake(), errors.New("none")}})
	ids := []string{newID(), newID(), newID()}
	for _, id := range ids {
		for _, ops := range allOps {
			if err := ops.store(s, ctx, id, secret.New("v-"+id)); err != nil {
				t.Fatal(err)
			}
		}
	}
	if n := s.Status().SessionSecrets; n != 6 {
		t.Fatalf("session holds %d secrets, want 6", n)
	}
	s.ClearSession()
	if n := s.Status().SessionSecrets; n != 0 {
		t.Errorf("session holds %d secrets after ClearSession", n)
	}
	for _, id := range ids {
		for _, ops := range allOps {
			if ok, err := ops.has(s, ctx, id); ok || err != nil {
				t.Errorf("%s %s after ClearSession: has = %v, %v", ops.name, id, ok, err)
			}
		}
	}
	// Still usable afterwards.
	exercise(t, s, allOps[0], newID())
}

func TestStatusJSON(t *testing.T) {
	t.Parallel()
	s := credentials.New(context.Background(), credentials.Options{Keychain: failingProbe{newFake(), errors.New("no bus")}})
	b, err := json.Marshal(s.Status())
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"available", "usingFallback", "reason", "probeMs", "sessionSecrets"} {
		if _, ok := m[k]; !ok {
			t.Errorf("status JSON %s lacks %q", b, k)
		}
	}
	if m["reason"] != "no bus" || m["usingFallback"] != true || m["available"] != false {
		t.Errorf("status JSON = %s", b)
	}
}

// TestConcurrent hammers one Store from many goroutines while its keychain
// starts refusing saves half-way, so some calls run during the switch to
// the fallback. Run with -race. A read returns the goroutine's latest value
// or not-found (a save that reached the keychain just before the switch is
// out of reach afterwards), never another value.
func TestConcurrent(t *testing.T) {
	t.Parallel()
	const goroutines, rounds = 32, 40
	fake := newFake()
	fake.failAfter = goroutines * rounds / 2
	log, _ := newLogger(t)
	var switches atomic.Int32
	s := credentials.New(context.Background(), credentials.Options{
		Keychain: fake, Log: log,
		OnFallback: func(credentials.Status) { switches.Add(1) },
	})
	ctx := context.Background()
	var wg sync.WaitGroup
	stop := make(chan struct{})
	wg.Go(func() { // readers of the status
		for {
			select {
			case <-stop:
				return
			default:
				_ = s.Status()
				_ = s.UnavailableReason()
			}
		}
	})
	var workers sync.WaitGroup
	for g := range goroutines {
		workers.Go(func() {
			ops := allOps[g%2]
			id := newID()
			for r := range rounds {
				want := fmt.Sprintf("v%d-%d", g, r)
				if err := ops.store(s, ctx, id, secret.New(want)); err != nil {
					t.Errorf("store: %v", err)
					return
				}
				got, err := ops.get(s, ctx, id)
				if err != nil && !credentials.IsNotFound(err) {
					t.Errorf("get: %v", err)
					return
				}
				if err == nil && got.Reveal() != want {
					t.Errorf("get = %q, want %q", got.Reveal(), want)
					return
				}
				if _, err := ops.has(s, ctx, id); err != nil {
					t.Errorf("has: %v", err)
				}
				if r%10 == 9 {
					if err := ops.del(s, ctx, id); err != nil {
						t.Errorf("delete: %v", err)
					}
				}
			}
		})
	}
	workers.Wait()
	close(stop)
	wg.Wait()
	if !s.UsingFallback() {
		t.Fatal("the keychain refused saves but the Store did not switch")
	}
	if n := switches.Load(); n != 1 {
		t.Errorf("OnFallback called %d times, want 1", n)
	}
	s.ClearSession()
}

// TestTestsNeverUseTheProductionService: inside a test binary a Store saves
// under TestService, so no test touches a developer's real passwords.
func TestTestsNeverUseTheProductionService(t *testing.T) {
	if got := credentials.DefaultService(); got != credentials.TestService || got == credentials.Service {
		t.Fatalf("DefaultService() = %q in a test binary", got)
	}
	kc := &recordingKeychain{}
	s := credentials.New(context.Background(), credentials.Options{Keychain: kc})
	if err := s.StorePassword(context.Background(), "c1", secret.New("pw")); err != nil {
		t.Fatal(err)
	}
	if s.ServiceName() != credentials.TestService || len(kc.services) != 1 || kc.services[0] != credentials.TestService {
		t.Fatalf("saved under %v (store says %q)", kc.services, s.ServiceName())
	}
}

// recordingKeychain records the service names it is called with.
type recordingKeychain struct {
	mu       sync.Mutex
	services []string
}

func (k *recordingKeychain) Set(_ context.Context, service, _ string, _ secret.String) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.services = append(k.services, service)
	return nil
}

func (k *recordingKeychain) Get(context.Context, string, string) (secret.String, error) {
	return secret.String{}, credentials.ErrNotFound
}

func (k *recordingKeychain) Delete(context.Context, string, string) error { return nil }
