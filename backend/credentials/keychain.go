package credentials

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/zalando/go-keyring"

	"github.com/tusk-app/tusk/backend/secret"
)

// Service is the keychain service name under which Tusk keeps every secret
// (the "service" attribute of a Secret Service item, the service of a macOS
// generic password, the target prefix of a Windows credential).
const Service = "dev.tusk.Tusk"

// TestService is the service name a Store uses by default inside a test
// binary (testing.Testing), so that no test ever reads, writes or deletes a
// developer's real Tusk passwords, whatever keychain it runs against.
const TestService = Service + ".test"

// DefaultService is the service name a Store uses when Options.Service is
// empty: Service, or TestService in a test binary.
func DefaultService() string {
	if testing.Testing() {
		return TestService
	}
	return Service
}

// DBAccount returns the keychain account of a connection's database
// password: "db:" followed by the connection id. The local store keeps this
// name, never the password.
func DBAccount(connectionID string) string { return "db:" + connectionID }

// SSHAccount returns the keychain account of an SSH tunnel's secret (its
// password or its key's passphrase): "ssh:" followed by the tunnel id.
func SSHAccount(tunnelID string) string { return "ssh:" + tunnelID }

var (
	// ErrNotFound means no secret is saved for an account. It wraps
	// keyring.ErrNotFound, so apperr.Classify maps a bare wrapped ErrNotFound
	// to the Keyring kind; errors from a Store are already *apperr.Error of
	// kind Keyring. Test with errors.Is or IsNotFound.
	ErrNotFound = fmt.Errorf("credentials: %w", keyring.ErrNotFound)

	// ErrTimeout means the keychain did not answer before the call's
	// deadline. The call was abandoned: it may still complete in the
	// background, but its result is ignored.
	ErrTimeout = errors.New("credentials: the keychain did not answer")
)

// IsNotFound reports whether err says that no secret is saved for the
// account (in the keychain, or in session memory when the Store uses the
// fallback). The caller should ask the user for the secret.
func IsNotFound(err error) bool {
	return errors.Is(err, ErrNotFound) || errors.Is(err, keyring.ErrNotFound)
}

// Keychain is the operating system's secret store, or a fake of it in tests.
// OSKeychain is the real one.
//
// Get and Delete return an error satisfying IsNotFound when nothing is saved
// for the account. Set replaces an existing secret. Implementations must be
// safe for concurrent use. They should return when ctx is done, but the
// Store does not rely on it: it abandons a call that outlives its deadline.
// Errors must not contain the secret value.
type Keychain interface {
	// Set saves value for service and account, replacing any earlier value.
	Set(ctx context.Context, service, account string, value secret.String) error
	// Get returns the value saved for service and account.
	Get(ctx context.Context, service, account string) (secret.String, error)
	// Delete removes the value saved for service and account.
	Delete(ctx context.Context, service, account string) error
}

// Prober is implemented by a Keychain that can tell quickly, before the first
// call, whether it is reachable at all. New runs Probe under
// Options.ProbeTimeout; an error makes the Store use the session fallback
// from the start, with the error's text as the reason.
type Prober interface {
	// Probe returns nil when the keychain looks usable. It must return when
	// ctx is done.
	Probe(ctx context.Context) error
}
