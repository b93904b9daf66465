// Package sshtest runs throwaway OpenSSH servers, SSH agents and key pairs
// for tests.
//
// # A server
//
// Start runs /usr/sbin/sshd -D -e -f <own config> on 127.0.0.1 at a free
// port, with its own ed25519 and ECDSA host keys (generated in Go, written
// as OpenSSH PEM) and an authorized_keys file in a temporary directory, and
// registers Stop (kill sshd and its connection processes, remove the
// directory) with t.Cleanup. The configuration: StrictModes no, UsePAM no,
// PasswordAuthentication yes, AllowTcpForwarding yes, LogLevel VERBOSE to
// Server.LogPath. sshd is also killed when the test binary dies
// (Pdeathsig). Start takes about 25 ms (the first call in a process about
// 50 ms: it sets up the account), Stop about 6 ms.
//
//	srv := sshtest.Start(t, sshtest.Options{})
//	key := sshtest.NewKey(t, t.TempDir(), "id_ed25519", sshtest.ED25519, "")
//	srv.Authorize(t, key.PublicKey())
//	sshtest.WriteKnownHosts(t, knownHosts, srv.KnownHosts()...)
//
// For a jump host (ProxyJump) start two servers: the first is the bastion,
// the second the target; both listen on 127.0.0.1, so the bastion reaches
// the target at its Addr.
//
// Kill breaks every connection at once, as a crash would; Pause freezes the
// server (SIGSTOP) so that it stays connected but answers nothing, and
// Resume thaws it. SilentServer is a TCP listener that never speaks (a hung
// server); EchoServer is a TCP echo service to forward to.
//
// # The login account
//
// sshd refuses a locked account even for keys, and checks passwords in
// /etc/shadow when PAM is off. Running as root (CI, containers), the
// harness therefore uses a dedicated account, LoginUser ("tuskssh"), which
// it creates on first use with useradd (system account, no home directory,
// shell /usr/sbin/nologin: it can forward ports but never run a shell) and
// whose random password it keeps in /var/lib/tusk-sshtest/password (0600)
// and sets with chpasswd under a file lock, so that parallel test processes
// agree. Root's own password is never touched. Remove the account with
// "userdel tuskssh" and the directory when no longer wanted.
//
// Not running as root, sshd runs as the current user and accepts only that
// user, by key, and only if that account is not locked (a developer's
// account is not; "nobody" is): Server.Password is then "" and password
// tests must skip (or fail in CI).
//
// # Keys and agents
//
// NewKey generates an ed25519 or ECDSA key and writes it in OpenSSH format,
// optionally encrypted with a passphrase (ssh.MarshalPrivateKeyWithPassphrase).
// StartAgent runs the real ssh-agent on a private socket and loads keys with
// ssh-add when it is installed, else serves an agent.Keyring in-process.
// Server.KnownHosts and Server.WrongKnownHosts give known_hosts lines with
// the server's keys or with other keys for the same address.
//
// # Missing sshd
//
// Start skips the test when sshd is not installed, and fails it when
// CI=true.
package sshtest
