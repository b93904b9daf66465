package main

import (
	"github.com/tusk-app/tusk/backend/connection"
	"github.com/tusk-app/tusk/backend/credentials"
	"github.com/tusk-app/tusk/backend/secret"
	"github.com/tusk-app/tusk/backend/sshtunnel"
	"github.com/tusk-app/tusk/backend/state"
	"github.com/tusk-app/tusk/backend/storage"
)

// SaveConnectionRequest saves a connection and, optionally, its password.
type SaveConnectionRequest struct {
	Config connection.Config `json:"config"`
	// Password is stored in the keychain when Remember is set; it never
	// reaches the local store.
	Password string `json:"password"`
	Remember bool   `json:"remember"`
	// ForgetPassword deletes a stored password.
	ForgetPassword bool `json:"forgetPassword"`
	// PastedURL is the connection URL the form was filled from
	// (ParseConnectionURL): when Password is empty and Remember is set, the
	// URL's password goes to the keychain. The URL itself is not kept.
	PastedURL string `json:"pastedUrl"`
	argErr
}

func (r *SaveConnectionRequest) UnmarshalJSON(b []byte) error {
	type plain SaveConnectionRequest
	r.bad = decodeArg(b, (*plain)(r))
	return nil
}

// ConnectRequest connects a saved connection.
type ConnectRequest struct {
	ID string `json:"id"`
	// Password is used instead of the stored one when not empty.
	Password string `json:"password"`
	// Remember stores Password in the keychain once connected.
	Remember bool `json:"remember"`
	// SSHSecret answers the tunnel's request for a password or key
	// passphrase that is not stored (an "ssh" or "authentication" error
	// asked for it); RememberSSHSecret keeps it in the keychain once
	// connected.
	SSHSecret         string `json:"sshSecret"`
	RememberSSHSecret bool   `json:"rememberSshSecret"`
	argErr
}

func (r *ConnectRequest) UnmarshalJSON(b []byte) error {
	type plain ConnectRequest
	r.bad = decodeArg(b, (*plain)(r))
	return nil
}

// TestConnectionRequest tries a configuration, saved or not.
type TestConnectionRequest struct {
	Config   connection.Config `json:"config"`
	Password string            `json:"password"`
	// PastedURL is the URL the form was filled from: when Password is
	// empty, the URL's password is tried (as SaveConnection would store it).
	PastedURL string `json:"pastedUrl"`
	argErr
}

func (r *TestConnectionRequest) UnmarshalJSON(b []byte) error {
	type plain TestConnectionRequest
	r.bad = decodeArg(b, (*plain)(r))
	return nil
}

// SaveTunnelRequest saves an SSH tunnel and, optionally, its password or key
// passphrase.
type SaveTunnelRequest struct {
	Tunnel   sshtunnel.Config `json:"tunnel"`
	Secret   string           `json:"secret"`
	Remember bool             `json:"remember"`
	argErr
}

func (r *SaveTunnelRequest) UnmarshalJSON(b []byte) error {
	type plain SaveTunnelRequest
	r.bad = decodeArg(b, (*plain)(r))
	return nil
}

// ParseURLRequest is a pasted connection string.
type ParseURLRequest struct {
	Text string `json:"text"`
	argErr
}

func (r *ParseURLRequest) UnmarshalJSON(b []byte) error {
	type plain ParseURLRequest
	r.bad = decodeArg(b, (*plain)(r))
	return nil
}

// StorePasswordRequest keeps a connection's password in the keychain.
type StorePasswordRequest struct {
	ConnectionID string `json:"connectionId"`
	Password     string `json:"password"`
	argErr
}

func (r *StorePasswordRequest) UnmarshalJSON(b []byte) error {
	type plain StorePasswordRequest
	r.bad = decodeArg(b, (*plain)(r))
	return nil
}

// HostKeyRequest names an SSH host key by its fingerprint.
type HostKeyRequest struct {
	Fingerprint string `json:"fingerprint"`
	argErr
}

func (r *HostKeyRequest) UnmarshalJSON(b []byte) error {
	type plain HostKeyRequest
	r.bad = decodeArg(b, (*plain)(r))
	return nil
}

// SaveConnectionGroupRequest creates or updates a connection folder.
type SaveConnectionGroupRequest struct {
	storage.ConnectionGroup
	argErr
}

func (r *SaveConnectionGroupRequest) UnmarshalJSON(b []byte) error {
	type plain SaveConnectionGroupRequest
	r.bad = decodeArg(b, (*plain)(r))
	return nil
}

// ArrangeGroupsRequest orders the connection folders.
type ArrangeGroupsRequest struct {
	IDs []string `json:"ids"`
	argErr
}

func (r *ArrangeGroupsRequest) UnmarshalJSON(b []byte) error {
	type plain ArrangeGroupsRequest
	r.bad = decodeArg(b, (*plain)(r))
	return nil
}

// ListConnections returns every saved connection, ordered by name.
func (a *App) ListConnections() ([]connection.Config, error) {
	st, err := a.state()
	if err != nil {
		return nil, err
	}
	recs, err := st.Store().LoadConnections(a.ctx0())
	if err != nil {
		return nil, err
	}
	out := make([]connection.Config, 0, len(recs))
	for _, r := range recs {
		out = append(out, connection.FromRecord(r))
	}
	return out, nil
}

// SaveConnection validates and saves a connection (a new one gets an ID),
// and stores or forgets its password in the keychain.
func (a *App) SaveConnection(req SaveConnectionRequest) (connection.Config, error) {
	st, err := a.begin(req)
	if err != nil {
		return connection.Config{}, err
	}
	if err := req.Config.Validate(); err != nil {
		return connection.Config{}, err
	}
	ctx := a.ctx0()
	rec, err := st.Store().SaveConnection(ctx, req.Config.Record())
	if err != nil {
		return connection.Config{}, err
	}
	saved := connection.FromRecord(rec)
	password := passwordOrPasted(req.Password, req.PastedURL)
	switch {
	case req.Remember && !password.IsZero():
		err = st.Credentials().StorePassword(ctx, saved.ID, password)
	case req.ForgetPassword:
		err = st.Credentials().DeletePassword(ctx, saved.ID)
	}
	return saved, err
}

// passwordOrPasted is the typed password, else the password in the URL the
// form was filled from, else none.
func passwordOrPasted(typed, pastedURL string) secret.String {
	password := secret.New(typed)
	if password.IsZero() && pastedURL != "" {
		if imp, err := connection.ParseURL(pastedURL); err == nil {
			password = imp.Password
		}
	}
	return password
}

// DeleteConnection disconnects, deletes the saved connection (and its
// history) and removes its password from the keychain.
func (a *App) DeleteConnection(req ConnectionRef) error {
	st, err := a.begin(req)
	if err != nil {
		return err
	}
	ctx := a.ctx0()
	st.Disconnect(req.ConnectionID)
	if err := st.Store().DeleteConnection(ctx, req.ConnectionID); err != nil {
		return err
	}
	return st.Credentials().DeletePassword(ctx, req.ConnectionID)
}

// ParseConnectionURL reads a pasted postgres:// URL or key=value string into
// a form. The password never crosses back (Imported.HasPassword says there
// is one); SaveConnection with PastedURL puts it in the keychain.
func (a *App) ParseConnectionURL(req ParseURLRequest) (connection.Imported, error) {
	if bad := req.argError(); bad != nil {
		return connection.Imported{}, bad
	}
	return connection.ParseURL(req.Text)
}

// TestConnection tries cfg (tunnel, then database) and reports each step
// with its timing. A failing step is in the report, not an error.
func (a *App) TestConnection(req TestConnectionRequest) (state.TestReport, error) {
	st, err := a.begin(req)
	if err != nil {
		return state.TestReport{}, err
	}
	return st.TestConnection(a.ctx0(), req.Config, state.ConnectOptions{Password: passwordOrPasted(req.Password, req.PastedURL)})
}

// Connect opens a pool for a saved connection and returns its status.
func (a *App) Connect(req ConnectRequest) (connection.PoolStatus, error) {
	st, err := a.begin(req)
	if err != nil {
		return connection.PoolStatus{}, err
	}
	return st.Connect(a.ctx0(), req.ID, state.ConnectOptions{
		Password: secret.New(req.Password), Remember: req.Remember,
		SSHSecret: secret.New(req.SSHSecret), RememberSSHSecret: req.RememberSSHSecret,
	})
}

// Disconnect closes a connection's pool; running queries are cancelled.
func (a *App) Disconnect(req ConnectionRef) error {
	st, err := a.begin(req)
	if err != nil {
		return err
	}
	st.Disconnect(req.ConnectionID)
	return nil
}

// PoolStatuses returns the status of every connected pool.
func (a *App) PoolStatuses() ([]connection.PoolStatus, error) {
	st, err := a.state()
	if err != nil {
		return nil, err
	}
	return st.PoolStatuses(), nil
}

// StorePassword keeps a connection's password in the keychain (or, when the
// keychain is unavailable, for this session only: see KeychainStatus).
func (a *App) StorePassword(req StorePasswordRequest) error {
	st, err := a.begin(req)
	if err != nil {
		return err
	}
	return st.Credentials().StorePassword(a.ctx0(), req.ConnectionID, secret.New(req.Password))
}

// HasPassword reports whether a password is stored for a connection.
func (a *App) HasPassword(req ConnectionRef) (bool, error) {
	st, err := a.begin(req)
	if err != nil {
		return false, err
	}
	return st.Credentials().HasPassword(a.ctx0(), req.ConnectionID)
}

// DeletePassword removes a connection's stored password.
func (a *App) DeletePassword(req ConnectionRef) error {
	st, err := a.begin(req)
	if err != nil {
		return err
	}
	return st.Credentials().DeletePassword(a.ctx0(), req.ConnectionID)
}

// KeychainStatus tells whether passwords go to the OS keychain or, when it
// is unavailable, are kept for this session only (and why).
func (a *App) KeychainStatus() (credentials.Status, error) {
	st, err := a.state()
	if err != nil {
		return credentials.Status{}, err
	}
	return st.Credentials().Status(), nil
}

// RetryKeychain checks the OS keychain again after it failed (the user
// unlocked it): when it answers, passwords kept for this session move into
// it. It returns the keychain status afterwards.
func (a *App) RetryKeychain() (credentials.Status, error) {
	st, err := a.state()
	if err != nil {
		return credentials.Status{}, err
	}
	return st.Credentials().Retry(a.ctx0()), nil
}

// ListTunnels returns every saved SSH tunnel, ordered by name.
func (a *App) ListTunnels() ([]sshtunnel.Config, error) {
	st, err := a.state()
	if err != nil {
		return nil, err
	}
	recs, err := st.Store().LoadSSHTunnels(a.ctx0())
	if err != nil {
		return nil, err
	}
	out := make([]sshtunnel.Config, 0, len(recs))
	for _, r := range recs {
		out = append(out, sshtunnel.FromRecord(r))
	}
	return out, nil
}

// SaveTunnel validates and saves an SSH tunnel and, when asked, its password
// or key passphrase in the keychain.
func (a *App) SaveTunnel(req SaveTunnelRequest) (sshtunnel.Config, error) {
	st, err := a.begin(req)
	if err != nil {
		return sshtunnel.Config{}, err
	}
	if err := req.Tunnel.Validate(); err != nil {
		return sshtunnel.Config{}, err
	}
	ctx := a.ctx0()
	rec, err := st.Store().SaveSSHTunnel(ctx, req.Tunnel.Record())
	if err != nil {
		return sshtunnel.Config{}, err
	}
	saved := sshtunnel.FromRecord(rec)
	if req.Remember && req.Secret != "" {
		err = st.Credentials().StoreSSHSecret(ctx, saved.ID, secret.New(req.Secret))
	}
	return saved, err
}

// DeleteTunnel deletes a saved tunnel (its connections become direct) and
// its stored secret.
func (a *App) DeleteTunnel(req IDRequest) error {
	st, err := a.begin(req)
	if err != nil {
		return err
	}
	ctx := a.ctx0()
	if err := st.Store().DeleteSSHTunnel(ctx, req.ID); err != nil {
		return err
	}
	return st.Credentials().DeleteSSHSecret(ctx, req.ID)
}

// AcceptHostKey trusts an unknown SSH host key after the user compared its
// fingerprint (from ErrorInfo.hostKey of a failed connect); connect again
// afterwards.
func (a *App) AcceptHostKey(req HostKeyRequest) error {
	st, err := a.begin(req)
	if err != nil {
		return err
	}
	return st.AcceptHostKey(req.Fingerprint)
}

// ArrangeConnectionsRequest files connections into groups in a new order
// (a drag in the sidebar, "Move to group"); all of it is saved or none.
type ArrangeConnectionsRequest struct {
	Placements []storage.Placement `json:"placements"`
	argErr
}

func (r *ArrangeConnectionsRequest) UnmarshalJSON(b []byte) error {
	type plain ArrangeConnectionsRequest
	r.bad = decodeArg(b, (*plain)(r))
	return nil
}

// ListConnectionGroups returns the sidebar's connection folders in order.
func (a *App) ListConnectionGroups() ([]storage.ConnectionGroup, error) {
	st, err := a.state()
	if err != nil {
		return nil, err
	}
	return st.Store().LoadConnectionGroups(a.ctx0())
}

// SaveConnectionGroup creates a folder, or renames and recolours one.
func (a *App) SaveConnectionGroup(req SaveConnectionGroupRequest) (storage.ConnectionGroup, error) {
	st, err := a.begin(req)
	if err != nil {
		return storage.ConnectionGroup{}, err
	}
	return st.Store().SaveConnectionGroup(a.ctx0(), req.ConnectionGroup)
}

// DeleteConnectionGroup deletes a folder; its connections are kept.
func (a *App) DeleteConnectionGroup(req IDRequest) error {
	st, err := a.begin(req)
	if err != nil {
		return err
	}
	return st.Store().DeleteConnectionGroup(a.ctx0(), req.ID)
}

// ArrangeConnections moves connections between folders and orders them.
func (a *App) ArrangeConnections(req ArrangeConnectionsRequest) error {
	st, err := a.begin(req)
	if err != nil {
		return err
	}
	return st.Store().ArrangeConnections(a.ctx0(), req.Placements)
}

// ArrangeConnectionGroups orders the folders as ids lists them.
func (a *App) ArrangeConnectionGroups(req ArrangeGroupsRequest) error {
	st, err := a.begin(req)
	if err != nil {
		return err
	}
	return st.Store().ArrangeConnectionGroups(a.ctx0(), req.IDs)
}
