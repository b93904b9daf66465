package state

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"time"

	"github.com/tusk-app/tusk/backend/apperr"
	"github.com/tusk-app/tusk/backend/connection"
	"github.com/tusk-app/tusk/backend/credentials"
	"github.com/tusk-app/tusk/backend/event"
	"github.com/tusk-app/tusk/backend/secret"
	"github.com/tusk-app/tusk/backend/sshtunnel"
)

// KnownHostsFile is Tusk's own known_hosts file inside the data directory:
// consulted besides ~/.ssh/known_hosts, and where accepted host keys go.
const KnownHostsFile = "known_hosts"

// PoolStatusInterval is the shortest time between two pool:status events
// for one connection.
const PoolStatusInterval = 250 * time.Millisecond

// ConnectOptions tune Connect and TestConnection.
type ConnectOptions struct {
	// Password is used instead of the stored one when not zero.
	Password secret.String
	// Remember stores Password in the keychain once the connection works.
	Remember bool
	// SSHSecret answers the tunnel's first request for a password or key
	// passphrase that is not stored; RememberSSHSecret stores it in the
	// keychain once the connection works.
	SSHSecret         secret.String
	RememberSSHSecret bool
	// SSHPrompt asks the user for an SSH password or key passphrase that is
	// not stored and not in SSHSecret; nil makes Connect fail with a
	// *sshtunnel.CredentialNeededError, which the UI answers with SSHSecret.
	SSHPrompt sshtunnel.Prompt
	// SSHDeps overrides where SSH looks for its files (tests); zero values
	// mean the user's own.
	SSHDeps sshtunnel.Deps
}

// ConnectionLost is the payload of event.ConnectionLost.
type ConnectionLost struct {
	ConnectionID string           `json:"connectionId"`
	Error        apperr.ErrorInfo `json:"error"`
}

// Step is one stage of TestConnection: "ssh" (only with a tunnel) then
// "database".
type Step struct {
	Name       string            `json:"name"`
	OK         bool              `json:"ok"`
	DurationMs float64           `json:"durationMs"`
	Error      *apperr.ErrorInfo `json:"error,omitempty"`
}

// TestReport is the outcome of TestConnection: the steps that ran, in order;
// the first failed step is the last one.
type TestReport struct {
	OK            bool   `json:"ok"`
	Steps         []Step `json:"steps"`
	ServerVersion string `json:"serverVersion,omitempty"`
	// Route is what sits between Tusk and the server (a pooler and its
	// mode, how the options are applied, read-only verified), once the
	// database step worked.
	Route *connection.Route `json:"route,omitempty"`
}

// Connect opens a pool for the saved connection id (closing an earlier one),
// through its SSH tunnel if it has one, and registers it. The password is
// opts.Password or, when zero, the one in the keychain (none is fine for
// trust or certificate authentication).
func (s *State) Connect(ctx context.Context, id string, opts ConnectOptions) (connection.PoolStatus, error) {
	rec, err := s.store.LoadConnection(ctx, id)
	if err != nil {
		return connection.PoolStatus{}, err
	}
	cfg := connection.FromRecord(rec)
	pool, tunnel, err := s.open(ctx, cfg, &opts, nil)
	if err != nil {
		return connection.PoolStatus{}, err
	}
	if opts.Remember && !opts.Password.IsZero() {
		if err := s.creds.StorePassword(ctx, id, opts.Password); err != nil {
			s.log.WithError(err).Warn("connected, but the password could not be saved")
		}
	}
	s.RemovePool(id)
	if tunnel != nil {
		if opts.RememberSSHSecret && !opts.SSHSecret.IsZero() {
			if err := s.creds.StoreSSHSecret(ctx, cfg.SSHTunnelID, opts.SSHSecret); err != nil {
				s.log.WithError(err).Warn("connected, but the SSH secret could not be saved")
			}
		}
		if old, had := s.tunnels.put(id, tunnel); had && old != tunnel {
			old.Close() // a concurrent Connect of the same connection
		}
		s.watchTunnel(id, tunnel)
	}
	s.AddPool(pool)
	s.setConnState(ConnectionState{ConnectionID: id, State: StateConnected})
	if err := s.store.SetLastConnected(ctx, id, time.Now()); err != nil {
		s.log.WithError(err).Warn("could not record the connection time")
	}
	s.refreshSchemaLater(id)
	return pool.Status(), nil
}

// Disconnect closes the pool (and tunnel) of a connection and forgets its
// state (see RemovePool); it returns within about 1.5 s whatever the server
// or the network does.
func (s *State) Disconnect(id string) bool {
	ok := s.RemovePool(id)
	s.connStates.take(id)
	return ok
}

// TestConnection opens cfg once (tunnel, then database), reports each step
// with its duration, and closes everything again. cfg need not be saved. A
// failed step is reported in the TestReport, not as an error; the error is
// for invalid input only.
func (s *State) TestConnection(ctx context.Context, cfg connection.Config, opts ConnectOptions) (TestReport, error) {
	if err := cfg.Validate(); err != nil {
		return TestReport{}, err
	}
	var rep TestReport
	pool, tunnel, err := s.open(ctx, cfg, &opts, &rep)
	if err != nil {
		return rep, nil
	}
	defer func() {
		pool.Close()
		if tunnel != nil {
			tunnel.Close()
		}
	}()
	if c, err := pool.Acquire(ctx); err == nil {
		rep.ServerVersion = c.PgConn().ParameterStatus("server_version")
		c.Release()
	}
	route := pool.Route()
	rep.Route = &route
	rep.OK = true
	return rep, nil
}

// open builds the tunnel (if any) and the pool for cfg. With rep it records
// each step; without it the first error is returned with the hop named.
func (s *State) open(ctx context.Context, cfg connection.Config, opts *ConnectOptions, rep *TestReport) (*connection.Pool, *sshtunnel.Tunnel, error) {
	step := func(name string, start time.Time, err error) {
		if rep == nil {
			return
		}
		st := Step{Name: name, OK: err == nil, DurationMs: float64(time.Since(start).Microseconds()) / 1000}
		if err != nil {
			info := apperr.Info(err)
			st.Error = &info
		}
		rep.Steps = append(rep.Steps, st)
	}

	var popts connection.PoolOptions
	var tunnel *sshtunnel.Tunnel
	if cfg.SSHTunnelID != "" {
		start := time.Now()
		t, err := s.openTunnel(ctx, cfg.SSHTunnelID, opts)
		step("ssh", start, err)
		if err != nil {
			return nil, nil, err
		}
		tunnel = t
		popts.Dial = t.DialContext
		popts.Lookup = sshtunnel.LookupPassthrough
	}

	password := opts.Password
	stored := false
	if password.IsZero() && cfg.ID != "" {
		pw, err := s.creds.Password(ctx, cfg.ID)
		switch {
		case err == nil:
			password, stored = pw, true
		case !credentials.IsNotFound(err):
			s.log.WithError(err).Warn("keychain read failed; connecting without a stored password")
		}
	}
	popts.Log = s.log
	popts.OnNotice = s.notice
	if rep == nil {
		// Only registered pools report; a test pool for the same saved
		// connection must not overwrite (or close) the real one in the UI.
		id := cfg.ID
		popts.OnStatus = func(ps connection.PoolStatus) { s.poolEvents.Push(id, ps) }
		popts.OnBroken = func() { s.trouble(id, nil) }
	}

	start := time.Now()
	pool, err := connection.NewPool(ctx, cfg, password, popts)
	if err != nil && password.IsZero() && !stored && apperr.KindOf(err) == apperr.Authentication {
		err = apperr.Classify(err).WithHint("No password is stored for this connection: enter it (and choose whether the keychain should remember it).")
	}
	step("database", start, err)
	if err != nil {
		if tunnel != nil {
			tunnel.Close()
		}
		return nil, nil, err
	}
	return pool, tunnel, nil
}

func (s *State) openTunnel(ctx context.Context, tunnelID string, opts *ConnectOptions) (*sshtunnel.Tunnel, error) {
	rec, err := s.store.LoadSSHTunnel(ctx, tunnelID)
	if err != nil {
		return nil, fmt.Errorf("load ssh tunnel: %w", err)
	}
	deps := opts.SSHDeps
	deps.Prompt = opts.SSHPrompt
	if given := opts.SSHSecret; !given.IsZero() {
		prompt, used := opts.SSHPrompt, false
		deps.Prompt = func(ctx context.Context, req sshtunnel.CredentialRequest) (secret.String, error) {
			if !used && !req.Jump {
				used = true // Open calls Prompt from one goroutine
				return given, nil
			}
			if prompt != nil {
				return prompt(ctx, req)
			}
			return secret.String{}, nil
		}
	}
	deps.Secrets = sshtunnel.SecretsFunc(func(ctx context.Context, id string) (secret.String, error) {
		v, err := s.creds.SSHSecret(ctx, id)
		if credentials.IsNotFound(err) {
			return secret.String{}, nil
		}
		return v, err
	})
	if deps.TuskKnownHosts == "" {
		deps.TuskKnownHosts = filepath.Join(s.dataDir, KnownHostsFile)
	}
	t, err := sshtunnel.Open(ctx, sshtunnel.FromRecord(rec), deps)
	var hk *sshtunnel.HostKeyError
	if errors.As(err, &hk) && !hk.Changed() {
		s.hostKeys.put(hk.Fingerprint, hk) // the user may now accept it
	}
	return t, err
}

// AcceptHostKey trusts the SSH host key with this fingerprint, which a
// failed Connect or TestConnection reported as unknown (ErrorInfo.HostKey),
// by adding it to Tusk's known_hosts. A changed key is never accepted here.
func (s *State) AcceptHostKey(fingerprint string) error {
	hk, ok := s.hostKeys.take(fingerprint)
	if !ok {
		return apperr.New(apperr.SSH, "no unknown host key with this fingerprint is waiting for a decision").
			WithHint("Connect again to see the host's fingerprint.")
	}
	return sshtunnel.AcceptHostKey(filepath.Join(s.dataDir, KnownHostsFile), hk.Host, hk.Port, hk.Key)
}

// watchTunnel disconnects a connection whose tunnel dies and tells the UI.
func (s *State) watchTunnel(id string, t *sshtunnel.Tunnel) {
	s.Go(func(ctx context.Context) {
		select {
		case <-ctx.Done():
			return
		case <-t.Done():
		}
		cur, ok := s.tunnels.get(id)
		if !ok || cur != t {
			return // replaced or disconnected on purpose
		}
		err := t.Err()
		if err == nil {
			err = errors.New("the SSH tunnel closed")
		}
		s.log.WithError(err).WithField("connection_id", id).Warn("ssh tunnel died; disconnecting")
		s.RemovePool(id)
		info := apperr.Info(err)
		s.emit.Emit(event.ConnectionLost, ConnectionLost{ConnectionID: id, Error: info})
		s.setConnState(ConnectionState{ConnectionID: id, State: StateLost, Error: &info})
	})
}
