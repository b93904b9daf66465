// Package sshtunnel opens SSH tunnels to databases: an SSH connection,
// optionally through jump hosts, that forwards connections from Tusk to an
// address the SSH server can reach.
//
// # Opening a tunnel
//
// A Config describes the tunnel (FromRecord converts a saved
// storage.SSHTunnelRecord); Deps connects it to the rest of Tusk: where
// secrets come from, how to ask the user, which files to read.
//
//	tun, err := sshtunnel.Open(ctx, sshtunnel.FromRecord(rec), sshtunnel.Deps{
//		Secrets:        creds,                                  // keychain lookup by tunnel ID
//		Prompt:         askUser,                                // optional
//		TuskKnownHosts: filepath.Join(dataDir, "known_hosts"),
//	})
//
// Open validates the Config (an apperr Validation error listing every bad
// field), applies ~/.ssh/config, then connects hop by hop. Each hop's TCP
// connect and SSH handshake are bounded by Config.HandshakeTimeout (x/crypto's
// own timeout covers only the TCP connect; a server that accepts and stays
// silent would hang forever) and by ctx.
//
// # Using a tunnel with pgx
//
// One Tunnel carries a whole pool: every database connection is one SSH
// channel. Give pgx the tunnel's DialContext and a LookupFunc that leaves the
// host name alone, because the SSH server, not this machine, must resolve
// it:
//
//	cfg, _ := pgxpool.ParseConfig(dsn) // host and port as seen from the SSH server
//	cfg.ConnConfig.DialFunc = tun.DialContext
//	cfg.ConnConfig.LookupFunc = sshtunnel.LookupPassthrough
//
// The connections DialContext returns support deadlines, so pgx's context
// cancellation (and its CancelRequest, which dials through the tunnel too)
// works as on a direct connection. Close the pool before the tunnel; closing
// the tunnel first breaks every connection it carries.
//
// # A tunnel's life
//
// Keepalives (keepalive@openssh.com, every Config.KeepAliveInterval) detect
// a server that went silent; after Config.KeepAliveMaxMissed unanswered ones,
// or when the connection drops, the tunnel is dead: Done is closed, Err says
// why (a *HopError wrapping ErrTunnelDown) and DialContext fails with that
// error. Nothing reconnects by itself: the owner of the pool watches Done,
// closes the pool and opens a new tunnel. Close is idempotent. A Tunnel is
// safe for concurrent use.
//
// # Authentication
//
//   - AuthKey: the key file (Config.KeyPath, else ~/.ssh/config IdentityFile,
//     else ~/.ssh/id_ed25519, id_ecdsa, id_rsa). An encrypted key is
//     decrypted with the passphrase from Deps.Secrets, else from Deps.Prompt;
//     with neither, Open fails with a *CredentialNeededError wrapping
//     *ssh.PassphraseMissingError. A wrong passphrase gives
//     x509.IncorrectPasswordError.
//   - AuthPassword: the password from Deps.Secrets, else Deps.Prompt, else a
//     *CredentialNeededError; offered as "password" and as a one-question
//     "keyboard-interactive" answer.
//   - AuthAgent: every key of the agent at Deps.AgentSocket or
//     $SSH_AUTH_SOCK (any agent: OpenSSH, Pageant's, 1Password's, …).
//
// A jump host is offered the keys of its own ~/.ssh/config entry plus the
// tunnel's key (AuthKey) or agent (AuthAgent). With AuthPassword the stored
// password is never sent to a jump host: its password comes from Prompt.
//
// A server that rejects every method gives x/crypto's "ssh: unable to
// authenticate" error, which apperr.Classify reports as Authentication.
//
// # Host keys
//
// Every hop's key is checked against ~/.ssh/known_hosts
// (Deps.UserKnownHosts), Config.KnownHostsPath and Tusk's own file
// (Deps.TuskKnownHosts); InsecureIgnoreHostKey is never used. The host key
// algorithms offered are those of the keys on record for the host, so a
// server with both ed25519 and ECDSA keys presents the recorded one (x/crypto
// would prefer ECDSA and report a false mismatch). An unknown host fails with
// a *HostKeyError carrying the key, its type, SHA-256 fingerprint and
// known_hosts line: show the fingerprint, and if the user accepts call
// AcceptHostKey(deps.TuskKnownHosts, e.Host, e.Port, e.Key) and open again.
// A changed key (HostKeyError.Changed) is refused; only the user can edit
// known_hosts after checking with the server's administrator.
//
// # ~/.ssh/config
//
// Config.Host may be a Host alias: HostName, Port, User, IdentityFile and
// ProxyJump of the matching blocks apply where the Config leaves a field
// zero (first value wins, as in OpenSSH; Include is followed; Match blocks
// are ignored). See SSHConfig.
//
// # Errors
//
// Every failure after validation is a *HopError naming the hop ("ssh to jump
// host bastion:2222: …", "ssh to db-host:22: …"); IsTunnelError tells it
// apart from a database error, also through pgx's *pgconn.ConnectError. The
// typed causes stay reachable with errors.As, so apperr.Classify maps them:
// *HostKeyError (via *knownhosts.KeyError) → SSH, *CredentialNeededError for
// a passphrase (via *ssh.PassphraseMissingError) and a wrong passphrase →
// Authentication, a rejected login → Authentication, a refused forward
// (*ssh.OpenChannelError) → SSH, a dead tunnel (ErrTunnelDown matches
// net.ErrClosed) → Connection, network failures and handshake timeouts →
// Connection. No error text contains a secret.
package sshtunnel
