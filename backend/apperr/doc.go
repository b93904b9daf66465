// Package apperr is Tusk's one error vocabulary.
//
// Every failure a user can reach becomes an *Error with a Kind, a user-facing
// message and, where one applies, an actionable hint. The Wails boundary turns
// it into an ErrorInfo (see Info), which is what a rejected promise carries to
// the frontend.
//
// # Producing errors
//
// Backend packages wrap their failures with context and %w as usual and return
// them. The bound layer calls Classify (or Info) once, at the boundary, which
// inspects the chain with errors.As / errors.Is — never message text — and maps
// driver, network, TLS, SSH, SQLite, filesystem, JSON, keyring and context
// errors to a Kind (ClassifyContext also tells a user's cancel from a
// statement_timeout). Code that already knows the kind (a validation failure, a
// pool timeout) builds the *Error directly with a constructor such as
// Validation or PoolTimeout.
//
// # Secrets
//
// Messages and details pass through secret.Redact before they leave the package, so a
// password that slipped into a connection string or an error text is replaced
// by "[redacted]". The internal chain (Unwrap) is for the log, which redacts
// again.
package apperr
