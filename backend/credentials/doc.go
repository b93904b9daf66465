// Package credentials keeps database passwords and SSH secrets in the
// operating system's keychain, and in memory for the session when there is
// no usable keychain (FR-017–FR-019a). The local store holds only account
// names, never a secret.
//
// # Creating the store
//
// Build one Store at start-up and hand it to whatever needs secrets:
//
//	creds := credentials.New(ctx, credentials.Options{Log: log})
//	if st := creds.Status(); st.UsingFallback {
//		// tell the user: passwords last until Tusk quits (st.Reason says why)
//	}
//	defer creds.ClearSession()
//
// New probes the keychain within Options.ProbeTimeout (100 ms) and never
// fails. Tests pass a fake Keychain, or an OSKeychain with another
// BusAddress; nothing in this package uses go-keyring's global MockInit.
//
// # Accounts
//
// Every secret is saved under the service name Service ("dev.tusk.Tusk")
// with the account DBAccount(connection id) = "db:<id>" for a database
// password and SSHAccount(tunnel id) = "ssh:<id>" for an SSH password or key
// passphrase. Other keychain clients (secret-tool, Seahorse, Keychain Access)
// see them under those names. Inside a test binary the default service is
// TestService instead, so no test can read, overwrite or delete a
// developer's real Tusk passwords.
//
// # Availability and the session fallback
//
// On Linux and the BSDs the keychain is the Secret Service on the D-Bus
// session bus. Its absence is not always quick to notice: go-keyring
// launches a bus with dbus-launch when none is running, and blocks forever
// on a hung daemon. So New first probes with a private connection that
// never auto-starts a bus, asks whether org.freedesktop.secrets is running
// (then pings it) or activatable, all under the probe deadline. On macOS and
// Windows the keychain is part of the system and the probe passes.
//
// A failed probe, and later any failing or unanswered keychain call (a
// locked keyring, a refused prompt, a daemon that hangs), switch the Store
// to the fallback for the rest of the process: secrets are kept in a map in
// memory, never in a file, and ClearSession overwrites them. Status reports
// the switch and its reason for the UI; Options.OnFallback announces a
// switch that happens after New.
//
// # Deadlines
//
// Every keychain call runs in its own goroutine and is abandoned at its
// deadline. The caller's context deadline governs when it has one;
// otherwise a save gets SaveTimeout (60 s, enough for an unlock prompt) and
// any other call CallTimeout (5 s). A call that runs out of time switches
// the Store to the fallback, unless the caller's own deadline was shorter
// than CallTimeout: then the caller gets a Keyring error wrapping
// ErrTimeout and the keychain keeps its chance. Cancelling the context
// returns a Cancelled error and does not switch either.
//
// # Errors and secrets
//
// Secret values travel as secret.String and never appear in a log line, an
// error or a Status; messages name the connection or tunnel id at most.
// Errors are *apperr.Error values: Keyring for keychain trouble (IsNotFound
// when nothing is saved, so the UI asks for the secret), Cancelled,
// Validation for an empty id or secret.
//
// # Concurrency
//
// Store and OSKeychain are safe for concurrent use: Wails calls bound
// methods on goroutines of its own.
package credentials
