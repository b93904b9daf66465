package credentials_test

import (
	"context"
	"sync/atomic"
	"testing"

	"github.com/tusk-app/tusk/backend/credentials"
	"github.com/tusk-app/tusk/backend/secret"
)

// TestRetryMovesSessionSecretsIntoTheKeychain: a locked keychain sends
// passwords to session memory; once it is unlocked, Retry moves them into
// it and the Store leaves the fallback. While it stays locked nothing moves.
func TestRetryMovesSessionSecretsIntoTheKeychain(t *testing.T) {
	ctx := context.Background()
	var locked atomic.Bool
	locked.Store(true)
	fake := newFake()
	fake.setErr = func(string, secret.String) error {
		if locked.Load() {
			return errLocked
		}
		return nil
	}
	s := credentials.New(ctx, credentials.Options{Keychain: fake})
	id := newID()
	if err := s.StorePassword(ctx, id, secret.New("kept-for-now")); err != nil {
		t.Fatal(err)
	}
	if st := s.Retry(ctx); !st.UsingFallback || st.SessionSecrets != 1 {
		t.Fatalf("retry while locked: %+v", st)
	}

	locked.Store(false)
	fake.setErr = nil // the unlocked keychain stores for real
	st := s.Retry(ctx)
	if st.UsingFallback || !st.Available || st.Reason != "" || st.SessionSecrets != 0 {
		t.Fatalf("retry after unlocking: %+v", st)
	}
	if v, ok := fake.raw(credentials.DBAccount(id)); !ok || v.Reveal() != "kept-for-now" {
		t.Fatalf("the session password did not reach the keychain: %v", ok)
	}
	if pw, err := s.Password(ctx, id); err != nil || pw.Reveal() != "kept-for-now" {
		t.Fatalf("Password after retry = %v", err)
	}
}
