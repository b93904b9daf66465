package credentials

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/zalando/go-keyring"

	"github.com/tusk-app/tusk/backend/apperr"
	"github.com/tusk-app/tusk/backend/secret"
)

// OSKeychainOptions configure NewOSKeychain. The zero value is the
// production setting.
type OSKeychainOptions struct {
	// BusAddress is the D-Bus session bus address that Probe checks on Linux
	// and the BSDs, e.g. "unix:path=/run/user/1000/bus". Empty means the
	// process's session bus (DBUS_SESSION_BUS_ADDRESS, else
	// /run/user/UID/bus); Probe never launches a bus. Tests set it instead of
	// the environment. go-keyring itself always uses the process's session
	// bus, so a Store never calls it when Probe failed.
	BusAddress string
	// Provider replaces go-keyring's operating-system provider, for tests of
	// the deadline handling. Nil means the real keychain.
	Provider keyring.Keyring
}

// OSKeychain is the operating system's keychain through go-keyring: the
// Secret Service over D-Bus on Linux and the BSDs (GNOME Keyring, KWallet,
// KeePassXC), the login Keychain on macOS, the Credential Manager on Windows.
//
// Every call runs in its own goroutine and is abandoned when ctx is done,
// returning a Keyring error that wraps ErrTimeout (or the context's error
// when ctx was cancelled): go-keyring takes no context and can block forever
// on a hung Secret Service. An OSKeychain is safe for concurrent use.
type OSKeychain struct {
	busAddress string
	provider   keyring.Keyring
}

// NewOSKeychain returns the operating system's keychain.
func NewOSKeychain(opts OSKeychainOptions) *OSKeychain {
	p := opts.Provider
	if p == nil {
		p = osProvider{}
	}
	return &OSKeychain{busAddress: opts.BusAddress, provider: p}
}

// Set implements Keychain.
func (k *OSKeychain) Set(ctx context.Context, service, account string, value secret.String) error {
	start := time.Now()
	err := guardErr(ctx, func() error { return k.provider.Set(service, account, value.Reveal()) })
	return k.fail(ctx, "save", account, start, scrub(err, value))
}

// Get implements Keychain.
func (k *OSKeychain) Get(ctx context.Context, service, account string) (secret.String, error) {
	start := time.Now()
	v, err := guard(ctx, func() (string, error) { return k.provider.Get(service, account) })
	if err != nil {
		return secret.String{}, k.fail(ctx, "read", account, start, err)
	}
	return secret.New(v), nil
}

// Delete implements Keychain.
func (k *OSKeychain) Delete(ctx context.Context, service, account string) error {
	start := time.Now()
	err := guardErr(ctx, func() error { return k.provider.Delete(service, account) })
	return k.fail(ctx, "delete", account, start, err)
}

// Probe implements Prober. On Linux and the BSDs it asks the session bus
// whether a Secret Service (org.freedesktop.secrets) is running and answers,
// or can be activated; on macOS and Windows the keychain is part of the
// operating system and Probe returns nil at once.
func (k *OSKeychain) Probe(ctx context.Context) error { return probe(ctx, k.busAddress) }

// fail turns go-keyring's outcome into the Keychain contract: nil stays nil,
// a missing item becomes ErrNotFound, and a call abandoned because ctx ended
// becomes a Keyring error (ErrTimeout) or the context's cancellation.
func (k *OSKeychain) fail(ctx context.Context, op, account string, start time.Time, err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, keyring.ErrNotFound):
		return fmt.Errorf("%s %s: %w", op, account, ErrNotFound)
	case errors.Is(ctx.Err(), context.Canceled):
		return fmt.Errorf("%s %s: %w", op, account, ctx.Err())
	case ctx.Err() != nil:
		dl, _ := ctx.Deadline() // the context ended without being cancelled: it has one
		return apperr.Wrap(apperr.Keyring,
			fmt.Sprintf("the keychain did not answer within %s", roundLimit(dl.Sub(start))),
			fmt.Errorf("%s %s: %w", op, account, ErrTimeout))
	}
	return fmt.Errorf("%s %s: %w", op, account, err)
}

// osProvider is go-keyring's provider for this operating system. go-keyring
// does not export it, only package functions that call it.
type osProvider struct{}

func (osProvider) Set(service, user, password string) error {
	return keyring.Set(service, user, password)
}

func (osProvider) Get(service, user string) (string, error) {
	return keyring.Get(service, user)
}

func (osProvider) Delete(service, user string) error {
	return keyring.Delete(service, user)
}

func (osProvider) DeleteAll(service string) error {
	return keyring.DeleteAll(service)
}
