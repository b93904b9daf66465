package credentials_test

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/sirupsen/logrus"

	"github.com/tusk-app/tusk/backend/credentials"
	"github.com/tusk-app/tusk/backend/secret"
)

// requireKeyring skips t unless a real Secret Service keyring was set up by
// scripts/with-keyring.sh (TUSK_TEST_KEYRING=1); in CI (CI=true) it fails
// instead, so a missing keyring never passes unnoticed.
func requireKeyring(t testing.TB) {
	t.Helper()
	if os.Getenv("TUSK_TEST_KEYRING") == "1" {
		return
	}
	const why = "no real keyring: run under scripts/with-keyring.sh (sets TUSK_TEST_KEYRING=1)"
	if os.Getenv("CI") == "true" {
		t.Fatal(why)
	}
	t.Skip(why)
}

// requireBinary returns the path of a program the test needs; it skips
// without it, or fails in CI.
func requireBinary(t testing.TB, name string) string {
	t.Helper()
	path, err := exec.LookPath(name)
	if err == nil {
		return path
	}
	if os.Getenv("CI") == "true" {
		t.Fatalf("%s is not installed", name)
	}
	t.Skipf("%s is not installed", name)
	return ""
}

// newID returns a connection or tunnel id no other test uses.
func newID() string { return uuid.NewString() }

// logBuffer collects log output from many goroutines.
type logBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// newLogger returns a logger at trace level writing into a buffer that is
// printed when t fails.
func newLogger(t testing.TB) (*logrus.Logger, *logBuffer) {
	t.Helper()
	buf := &logBuffer{}
	log := logrus.New()
	log.SetOutput(buf)
	log.SetLevel(logrus.TraceLevel)
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("log:\n%s", buf)
		}
	})
	return log, buf
}

// fakeKeychain is an in-memory Keychain with switchable failures. The zero
// value is not usable; use newFake.
type fakeKeychain struct {
	mu     sync.Mutex // guards values
	values map[string]secret.String

	// Set before use, read-only afterwards.
	setErr func(account string, v secret.String) error // nil: succeed
	getErr error
	delErr error
	delay  time.Duration   // every call sleeps this long first, ignoring ctx
	block  <-chan struct{} // every call blocks until this closes, ignoring ctx
	// failAfter > 0 makes every Set after the first failAfter ones fail.
	failAfter int64

	calls atomic.Int64
	sets  atomic.Int64
}

func newFake() *fakeKeychain { return &fakeKeychain{values: make(map[string]secret.String)} }

// hang makes every call block until the test ends.
func (f *fakeKeychain) hang(t testing.TB) *fakeKeychain {
	ch := make(chan struct{})
	t.Cleanup(func() { close(ch) })
	f.block = ch
	return f
}

func (f *fakeKeychain) wait() {
	f.calls.Add(1)
	if f.block != nil {
		<-f.block
	}
	if f.delay > 0 {
		time.Sleep(f.delay)
	}
}

func (f *fakeKeychain) Set(_ context.Context, service, account string, v secret.String) error {
	f.wait()
	n := f.sets.Add(1)
	if f.setErr != nil {
		return f.setErr(account, v)
	}
	if f.failAfter > 0 && n > f.failAfter {
		return errLocked
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.values[service+"\x00"+account] = v
	return nil
}

func (f *fakeKeychain) Get(_ context.Context, service, account string) (secret.String, error) {
	f.wait()
	if f.getErr != nil {
		return secret.String{}, f.getErr
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	v, ok := f.values[service+"\x00"+account]
	if !ok {
		return secret.String{}, credentials.ErrNotFound
	}
	return v, nil
}

func (f *fakeKeychain) Delete(_ context.Context, service, account string) error {
	f.wait()
	if f.delErr != nil {
		return f.delErr
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if _, ok := f.values[service+"\x00"+account]; !ok {
		return credentials.ErrNotFound
	}
	delete(f.values, service+"\x00"+account)
	return nil
}

// raw returns what the fake holds for an account, bypassing the Store.
func (f *fakeKeychain) raw(account string) (secret.String, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	v, ok := f.values[credentials.TestService+"\x00"+account]
	return v, ok
}

// errLocked is what a locked Secret Service collection answers.
var errLocked = lockedError{}

type lockedError struct{}

func (lockedError) Error() string {
	return "org.freedesktop.Secret.Error.IsLocked: Cannot create an item in a locked collection"
}

// failingProbe is a Keychain whose Probe fails.
type failingProbe struct {
	*fakeKeychain
	err error
}

func (p failingProbe) Probe(context.Context) error { return p.err }

// within fails t if fn takes longer than limit, and returns how long it took.
func within(t testing.TB, limit time.Duration, what string, fn func()) time.Duration {
	t.Helper()
	start := time.Now()
	fn()
	d := time.Since(start)
	if d > limit {
		t.Errorf("%s took %s, want under %s", what, d, limit)
	}
	return d
}
