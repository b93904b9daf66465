package credentials

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/sirupsen/logrus"
	"github.com/zalando/go-keyring"

	"github.com/tusk-app/tusk/backend/apperr"
	"github.com/tusk-app/tusk/backend/secret"
)

// Default time limits; Options fields left zero take these.
const (
	// DefaultProbeTimeout bounds the start-up check of the keychain.
	DefaultProbeTimeout = 100 * time.Millisecond
	// DefaultCallTimeout bounds a read, existence check or delete. A healthy
	// Secret Service answers in a few milliseconds.
	DefaultCallTimeout = 5 * time.Second
	// DefaultSaveTimeout bounds a save, which the user started and which may
	// wait for the desktop's unlock prompt.
	DefaultSaveTimeout = 60 * time.Second
)

// probeGrace is how long New waits beyond ProbeTimeout for a probe to report
// its own reason before abandoning it.
const probeGrace = 20 * time.Millisecond

// Options configure New. The zero value is the production setting.
type Options struct {
	// Keychain is the secret store to use; nil means NewOSKeychain with zero
	// options. If it implements Prober, New probes it.
	Keychain Keychain
	// Service is the keychain service name of every secret; "" means
	// DefaultService() (Service, or TestService inside a test binary).
	Service string
	// ProbeTimeout bounds the probe in New (DefaultProbeTimeout when zero).
	ProbeTimeout time.Duration
	// CallTimeout bounds each read, existence check and delete when the
	// caller's context has no deadline (DefaultCallTimeout when zero).
	CallTimeout time.Duration
	// SaveTimeout bounds each save when the caller's context has no deadline
	// (DefaultSaveTimeout when zero).
	SaveTimeout time.Duration
	// Log receives status changes (info, warn) and per-call timings (debug),
	// never a secret value. Nil discards them.
	Log *logrus.Logger
	// OnFallback, if set, is called once, with the new status, when a failing
	// keychain makes the Store switch to session memory after New returned
	// (the App emits an event so the UI can say so). A probe failure in New
	// is not reported through it: read Status after New. It is called on the
	// goroutine of the call that failed and must not block.
	OnFallback func(Status)
}

// Status describes where secrets go, for the UI.
type Status struct {
	// Available reports that secrets are saved in the system keychain.
	Available bool `json:"available"`
	// UsingFallback reports that secrets are kept in memory for this session
	// only (FR-019a). It is always !Available.
	UsingFallback bool `json:"usingFallback"`
	// Reason says why the keychain is not used; empty when it is.
	Reason string `json:"reason"`
	// ProbeMs is how long the start-up probe took, in milliseconds.
	ProbeMs float64 `json:"probeMs"`
	// SessionSecrets counts the secrets held in session memory.
	SessionSecrets int `json:"sessionSecrets"`
}

// Store keeps database passwords and SSH secrets in the system keychain, or
// in process memory for the session when the keychain is missing, hung,
// locked or refuses access (FR-017–FR-019a). The seed calls it the
// CredentialService.
//
// Once a Store uses the fallback it stays there until the process exits;
// secrets already in the keychain are then out of reach (reads report them
// as not found, so the UI asks again) and deletes do not reach the keychain.
//
// A Store is safe for concurrent use. Create it with New.
type Store struct {
	kc          Keychain
	service     string
	log         *logrus.Logger
	callTimeout time.Duration
	saveTimeout time.Duration
	probeTime   time.Duration
	onFallback  func(Status)
	session     *session

	mu       sync.Mutex // guards the fields below
	fallback bool
	reason   string
}

// ServiceName is the keychain service name the Store saves secrets under.
func (s *Store) ServiceName() string { return s.service }

// New returns a Store over opts.Keychain. If the keychain implements Prober
// (OSKeychain does), New probes it first, for at most opts.ProbeTimeout, and
// uses the session fallback from the start if the probe fails. New never
// fails: without a keychain, secrets live in memory.
func New(ctx context.Context, opts Options) *Store {
	s := &Store{
		kc:          opts.Keychain,
		service:     opts.Service,
		log:         opts.Log,
		callTimeout: opts.CallTimeout,
		saveTimeout: opts.SaveTimeout,
		onFallback:  opts.OnFallback,
		session:     newSession(),
	}
	if s.kc == nil {
		s.kc = NewOSKeychain(OSKeychainOptions{})
	}
	if s.service == "" {
		s.service = DefaultService()
	}
	if s.log == nil {
		s.log = logrus.New()
		s.log.SetOutput(io.Discard)
	}
	if s.callTimeout <= 0 {
		s.callTimeout = DefaultCallTimeout
	}
	if s.saveTimeout <= 0 {
		s.saveTimeout = DefaultSaveTimeout
	}
	probeTimeout := opts.ProbeTimeout
	if probeTimeout <= 0 {
		probeTimeout = DefaultProbeTimeout
	}

	p, ok := s.kc.(Prober)
	if !ok {
		s.log.Info("keychain: in use (no probe)")
		return s
	}
	// The probe gets probeTimeout and says what did not answer; a probe
	// that ignores its context is abandoned a little later.
	pctx, cancel := context.WithTimeout(ctx, probeTimeout)
	defer cancel()
	gctx, gcancel := context.WithTimeout(ctx, probeTimeout+probeGrace)
	defer gcancel()
	start := time.Now()
	err := guardErr(gctx, func() error { return p.Probe(pctx) })
	s.probeTime = time.Since(start)
	if err == nil {
		s.log.WithField("probe_ms", ms(s.probeTime)).Info("keychain: available")
		return s
	}
	if gctx.Err() != nil && !errors.Is(err, ErrTimeout) {
		err = &timeoutError{fmt.Sprintf("the keychain check did not answer within %s", roundLimit(probeTimeout))}
	}
	s.fallback, s.reason = true, err.Error()
	s.log.WithFields(logrus.Fields{"probe_ms": ms(s.probeTime), "reason": s.reason}).
		Warn("keychain: not available; passwords are kept in memory for this session only")
	return s
}

// Available reports whether secrets are saved in the system keychain.
func (s *Store) Available() bool { return !s.UsingFallback() }

// UsingFallback reports whether secrets are kept in memory for this session
// only, because the keychain is missing or failed.
func (s *Store) UsingFallback() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.fallback
}

// UnavailableReason says why the keychain is not used; "" while it is.
func (s *Store) UnavailableReason() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.reason
}

// ProbeDuration is how long the start-up probe took (0 when the keychain has
// no probe).
func (s *Store) ProbeDuration() time.Duration { return s.probeTime }

// Status returns the state for the UI.
func (s *Store) Status() Status {
	s.mu.Lock()
	fallback, reason := s.fallback, s.reason
	s.mu.Unlock()
	return Status{
		Available:      !fallback,
		UsingFallback:  fallback,
		Reason:         reason,
		ProbeMs:        ms(s.probeTime),
		SessionSecrets: s.session.len(),
	}
}

// ClearSession overwrites and forgets every secret kept in session memory.
// Call it on shutdown; the Store stays usable. The system keychain is not
// touched.
func (s *Store) ClearSession() {
	if n := s.session.wipe(); n > 0 {
		s.log.WithField("count", n).Info("keychain: session secrets cleared")
	}
}

// StorePassword saves the database password of a connection, replacing any
// earlier one. The caller's ctx deadline, else SaveTimeout, bounds the wait
// (an unlock prompt may appear). If the keychain fails or does not answer,
// the Store switches to the fallback, keeps the password in memory and
// returns nil: check UsingFallback (or OnFallback) to tell the user it lasts
// for this session only. Errors: Validation for an empty id or password
// (delete instead), Cancelled, Keyring for a password too large for the
// keychain or a caller deadline shorter than CallTimeout.
func (s *Store) StorePassword(ctx context.Context, connectionID string, pw secret.String) error {
	return s.store(ctx, dbSecret, connectionID, pw)
}

// Password returns the database password of a connection. When none is
// saved, or the keychain failed and the session holds none, the error is a
// Keyring *apperr.Error satisfying IsNotFound: ask the user. The caller's
// ctx deadline, else CallTimeout, bounds the wait; a caller deadline
// shorter than CallTimeout that expires gives a Keyring error wrapping
// ErrTimeout and leaves the Store on the keychain.
func (s *Store) Password(ctx context.Context, connectionID string) (secret.String, error) {
	return s.get(ctx, dbSecret, connectionID)
}

// HasPassword reports whether a password is saved for the connection,
// without returning it.
func (s *Store) HasPassword(ctx context.Context, connectionID string) (bool, error) {
	return s.has(ctx, dbSecret, connectionID)
}

// DeletePassword removes the password of a connection. Deleting a password
// that is not saved is not an error.
func (s *Store) DeletePassword(ctx context.Context, connectionID string) error {
	return s.delete(ctx, dbSecret, connectionID)
}

// StoreSSHSecret saves the SSH secret of a tunnel (its password or its
// key's passphrase), like StorePassword.
func (s *Store) StoreSSHSecret(ctx context.Context, tunnelID string, v secret.String) error {
	return s.store(ctx, sshSecret, tunnelID, v)
}

// SSHSecret returns the SSH secret of a tunnel, like Password.
func (s *Store) SSHSecret(ctx context.Context, tunnelID string) (secret.String, error) {
	return s.get(ctx, sshSecret, tunnelID)
}

// HasSSHSecret reports whether an SSH secret is saved for the tunnel.
func (s *Store) HasSSHSecret(ctx context.Context, tunnelID string) (bool, error) {
	return s.has(ctx, sshSecret, tunnelID)
}

// DeleteSSHSecret removes the SSH secret of a tunnel, like DeletePassword.
func (s *Store) DeleteSSHSecret(ctx context.Context, tunnelID string) error {
	return s.delete(ctx, sshSecret, tunnelID)
}

// kind describes one sort of secret for accounts and messages.
type kind struct {
	account func(id string) string
	noun    string // "password"
	owner   string // "connection"
}

var (
	dbSecret  = kind{account: DBAccount, noun: "password", owner: "connection"}
	sshSecret = kind{account: SSHAccount, noun: "SSH secret", owner: "SSH tunnel"}
)

func (k kind) of(id string) string { return fmt.Sprintf("the %s of %s %s", k.noun, k.owner, id) }

func (k kind) check(id string) (string, error) {
	if id == "" {
		return "", apperr.ValidationError(apperr.FieldError{Field: "id", Message: "the " + k.owner + " id is empty"})
	}
	return k.account(id), nil
}

func (s *Store) store(ctx context.Context, k kind, id string, v secret.String) error {
	account, err := k.check(id)
	if err != nil {
		return err
	}
	if v.IsZero() {
		return apperr.ValidationError(apperr.FieldError{Field: "secret", Message: "the " + k.noun + " is empty"})
	}
	if !s.UsingFallback() {
		cctx, cancel, limit := withDeadline(ctx, s.saveTimeout)
		defer cancel()
		start := time.Now()
		err := scrub(guardErr(cctx, func() error { return s.kc.Set(cctx, s.service, account, v) }), v)
		if err == nil {
			if s.UsingFallback() {
				s.session.set(account, v) // switched meanwhile: reads go to the session now
			}
			s.logCall("save", account, start).Debug("keychain: secret saved")
			return nil
		}
		if err := s.failed(ctx, cctx, "save", k, id, limit, err); err != nil {
			return err
		}
	}
	s.session.set(account, v)
	s.log.WithField("account", account).Debug("keychain: secret kept in session memory")
	return nil
}

func (s *Store) get(ctx context.Context, k kind, id string) (secret.String, error) {
	account, err := k.check(id)
	if err != nil {
		return secret.String{}, err
	}
	if !s.UsingFallback() {
		cctx, cancel, limit := withDeadline(ctx, s.callTimeout)
		defer cancel()
		start := time.Now()
		v, err := guard(cctx, func() (secret.String, error) { return s.kc.Get(cctx, s.service, account) })
		switch {
		case err == nil:
			s.logCall("read", account, start).Debug("keychain: secret read")
			return v, nil
		case IsNotFound(err) && cctx.Err() == nil:
			if v, ok := s.session.get(account); ok { // switched meanwhile and saved since
				return v, nil
			}
			s.logCall("read", account, start).Debug("keychain: no secret saved")
			return secret.String{}, &apperr.Error{
				Kind:    apperr.Keyring,
				Message: "no " + k.noun + " is saved for " + k.owner + " " + id,
				Hint:    "Enter the " + k.noun + ".",
				Err:     fmt.Errorf("read %s: %w", account, err),
			}
		}
		if err := s.failed(ctx, cctx, "read", k, id, limit, err); err != nil {
			return secret.String{}, err
		}
	}
	if v, ok := s.session.get(account); ok {
		return v, nil
	}
	return secret.String{}, &apperr.Error{
		Kind:    apperr.Keyring,
		Message: "no " + k.noun + " is available for " + k.owner + " " + id + ": the system keychain is not in use",
		Hint:    "Enter the " + k.noun + ". Until Tusk quits it is kept in memory only.",
		Detail:  s.UnavailableReason(),
		Err:     fmt.Errorf("read %s from session memory: %w", account, ErrNotFound),
	}
}

func (s *Store) has(ctx context.Context, k kind, id string) (bool, error) {
	_, err := s.get(ctx, k, id)
	switch {
	case err == nil:
		return true, nil
	case IsNotFound(err):
		return false, nil
	}
	return false, err
}

func (s *Store) delete(ctx context.Context, k kind, id string) error {
	account, err := k.check(id)
	if err != nil {
		return err
	}
	if !s.UsingFallback() {
		cctx, cancel, limit := withDeadline(ctx, s.callTimeout)
		defer cancel()
		start := time.Now()
		err := guardErr(cctx, func() error { return s.kc.Delete(cctx, s.service, account) })
		if err == nil || (IsNotFound(err) && cctx.Err() == nil) {
			s.session.delete(account) // in case the Store switched meanwhile
			s.logCall("delete", account, start).Debug("keychain: secret deleted")
			return nil
		}
		if err := s.failed(ctx, cctx, "delete", k, id, limit, err); err != nil {
			return err
		}
	}
	s.session.delete(account)
	s.log.WithField("account", account).Info("keychain: secret deleted from session memory; the system keychain was not reached")
	return nil
}

// failed handles a keychain call that returned err. It returns the error for
// the caller when the failure says nothing about the keychain (the caller
// cancelled, the secret is too large, the caller's own deadline was shorter
// than CallTimeout); otherwise it switches the Store to the session
// fallback and returns nil, and the caller carries on there. ctx is the
// caller's context, cctx the call's (with its deadline).
func (s *Store) failed(ctx, cctx context.Context, op string, k kind, id string, limit callLimit, err error) error {
	account := k.account(id)
	switch {
	case errors.Is(ctx.Err(), context.Canceled):
		return &apperr.Error{Kind: apperr.Cancelled, Message: "cancelled while the keychain was asked to " + op + " " + k.of(id),
			Err: fmt.Errorf("%s %s: %w", op, account, ctx.Err())}
	case errors.Is(err, keyring.ErrSetDataTooBig):
		return apperr.Wrap(apperr.Keyring, k.of(id)+" is too large for the keychain", fmt.Errorf("%s %s: %w", op, account, err)).
			WithHint("Use a shorter " + k.noun + ".")
	case (cctx.Err() != nil || errors.Is(err, ErrTimeout)) && limit.caller && limit.d < s.callTimeout:
		// The caller allowed less time than a keychain is given to answer:
		// that says more about the caller's budget than about the keychain.
		return apperr.Wrap(apperr.Keyring, fmt.Sprintf("the keychain did not answer within %s", roundLimit(limit.d)),
			fmt.Errorf("%s %s: %w", op, account, ErrTimeout))
	case cctx.Err() != nil || errors.Is(err, ErrTimeout):
		s.switchToFallback(fmt.Sprintf("the keychain did not answer within %s", roundLimit(limit.d)),
			fmt.Errorf("%s %s: %w", op, account, ErrTimeout))
	default:
		s.switchToFallback("the keychain failed: "+err.Error(),
			fmt.Errorf("%s %s: %w", op, account, err))
	}
	return nil
}

// switchToFallback moves the Store to session memory for good, once.
func (s *Store) switchToFallback(reason string, cause error) {
	s.mu.Lock()
	if s.fallback {
		s.mu.Unlock()
		return
	}
	s.fallback, s.reason = true, reason
	s.mu.Unlock()
	s.log.WithFields(logrus.Fields{"reason": reason, "error": cause.Error()}).
		Warn("keychain: failed; passwords are kept in memory for this session only")
	if s.onFallback != nil {
		s.onFallback(s.Status())
	}
}

func (s *Store) logCall(op, account string, start time.Time) *logrus.Entry {
	return s.log.WithFields(logrus.Fields{"op": op, "account": account, "ms": ms(time.Since(start))})
}
