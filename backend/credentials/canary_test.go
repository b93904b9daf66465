package credentials_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/zalando/go-keyring"

	"github.com/tusk-app/tusk/backend/apperr"
	"github.com/tusk-app/tusk/backend/credentials"
	"github.com/tusk-app/tusk/backend/secret"
)

// TestCanaryNeverLeaks pushes a canary secret through every path — the real
// keychain, the fallback after a failed probe, a keychain that refuses (and
// echoes the secret in its error), a hung keychain, an oversized secret, a
// cancelled call — and checks that the canary appears in no log line (at
// trace level), no error text in any format, no UI error payload and no
// status.
func TestCanaryNeverLeaks(t *testing.T) {
	t.Parallel()
	canary := "canary-" + newID()
	var errs []error
	var texts []string
	check := func(t *testing.T, s *credentials.Store, logs *logBuffer) {
		t.Helper()
		b, err := json.Marshal(s.Status())
		if err != nil {
			t.Fatal(err)
		}
		texts = append(texts, string(b), s.UnavailableReason(), logs.String())
		for _, err := range errs {
			if err == nil {
				continue
			}
			info, jerr := json.Marshal(apperr.Format(err))
			if jerr != nil {
				t.Fatal(jerr)
			}
			texts = append(texts, err.Error(), fmt.Sprintf("%v %+v %#v %s", err, err, err, info))
			for e := err; e != nil; e = errors.Unwrap(e) {
				texts = append(texts, e.Error())
			}
		}
		for _, text := range texts {
			if strings.Contains(text, canary) {
				t.Errorf("the canary leaked into %q", text)
			}
		}
		if len(logs.String()) == 0 {
			t.Error("nothing was logged; the test would not see a leak")
		}
	}
	// run stores the canary through every method of s, reads it back and
	// deletes it, collecting every error.
	run := func(t *testing.T, s *credentials.Store) {
		t.Helper()
		ctx := context.Background()
		for _, ops := range allOps {
			id := newID()
			errs = append(errs, ops.store(s, ctx, id, secret.New(canary)))
			v, err := ops.get(s, ctx, id)
			errs = append(errs, err)
			if err == nil && v.Reveal() != canary {
				t.Errorf("%s read back %q", ops.name, v.Reveal())
			}
			_, err = ops.has(s, ctx, id)
			errs = append(errs, err)
			errs = append(errs, ops.del(s, ctx, id))
			_, err = ops.get(s, ctx, id) // not found
			errs = append(errs, err)
		}
	}

	t.Run("real keychain", func(t *testing.T) {
		log, logs := newLogger(t)
		requireKeyring(t)
		s := credentials.New(context.Background(), credentials.Options{Log: log, ProbeTimeout: time.Second})
		if !s.Available() {
			t.Fatalf("keyring not available: %s", s.UnavailableReason())
		}
		run(t, s)
		check(t, s, logs)
	})
	t.Run("fallback without a bus", func(t *testing.T) {
		log, logs := newLogger(t)
		s := credentials.New(context.Background(), credentials.Options{
			Log:      log,
			Keychain: credentials.NewOSKeychain(credentials.OSKeychainOptions{BusAddress: "unix:path=/nonexistent"}),
		})
		run(t, s)
		check(t, s, logs)
	})
	t.Run("keychain refuses and echoes", func(t *testing.T) {
		log, logs := newLogger(t)
		fake := newFake()
		fake.setErr = func(account string, v secret.String) error {
			return fmt.Errorf("refused %s with password=%s (%s)", account, v.Reveal(), v.Reveal())
		}
		s := credentials.New(context.Background(), credentials.Options{Log: log, Keychain: fake})
		run(t, s)
		if !s.UsingFallback() {
			t.Fatal("no fallback")
		}
		check(t, s, logs)
	})
	t.Run("hung keychain", func(t *testing.T) {
		log, logs := newLogger(t)
		s := credentials.New(context.Background(), credentials.Options{
			Log: log, Keychain: newFake().hang(t), CallTimeout: 30 * time.Millisecond, SaveTimeout: 30 * time.Millisecond,
		})
		run(t, s)
		check(t, s, logs)
	})
	t.Run("oversized", func(t *testing.T) {
		log, logs := newLogger(t)
		fake := newFake()
		fake.setErr = func(account string, v secret.String) error {
			return fmt.Errorf("%w: %s", keyring.ErrSetDataTooBig, v.Reveal())
		}
		s := credentials.New(context.Background(), credentials.Options{Log: log, Keychain: fake})
		err := s.StorePassword(context.Background(), newID(), secret.New(canary))
		if !errors.Is(err, keyring.ErrSetDataTooBig) {
			t.Fatalf("err = %v, want ErrSetDataTooBig", err)
		}
		errs = append(errs, err)
		check(t, s, logs)
	})
	t.Run("cancelled", func(t *testing.T) {
		log, logs := newLogger(t)
		s := credentials.New(context.Background(), credentials.Options{Log: log, Keychain: newFake().hang(t)})
		ctx, cancel := context.WithCancel(context.Background())
		time.AfterFunc(20*time.Millisecond, cancel)
		err := s.StorePassword(ctx, newID(), secret.New(canary))
		if apperr.KindOf(err) != apperr.Cancelled {
			t.Fatalf("err = %v, want Cancelled", err)
		}
		errs = append(errs, err)
		check(t, s, logs)
	})
}
