package credentials_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/tusk-app/tusk/backend/credentials"
	"github.com/tusk-app/tusk/backend/secret"
)

func ExampleDBAccount() {
	fmt.Println(credentials.Service, credentials.DBAccount("6f1c"), credentials.SSHAccount("6f1c"))
	// Output: dev.tusk.Tusk db:6f1c ssh:6f1c
}

// A Store whose keychain cannot be reached keeps secrets in memory for the
// session and says why.
func ExampleStore_fallback() {
	ctx := context.Background()
	creds := credentials.New(ctx, credentials.Options{Keychain: noKeychain{}})
	defer creds.ClearSession()

	_ = creds.StorePassword(ctx, "conn-1", secret.New("s3cret"))
	pw, _ := creds.Password(ctx, "conn-1")
	_, err := creds.Password(ctx, "conn-2")
	st := creds.Status()
	fmt.Println(st.UsingFallback, st.Reason)
	fmt.Println(pw, pw.Reveal() == "s3cret")
	fmt.Println(credentials.IsNotFound(err))
	// Output:
	// true no Secret Service on this machine
	// [redacted] true
	// true
}

// noKeychain is a Keychain whose probe always fails.
type noKeychain struct{ credentials.Keychain }

func (noKeychain) Probe(context.Context) error {
	return errors.New("no Secret Service on this machine")
}
