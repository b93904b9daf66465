// Package pgtest runs a throwaway PostgreSQL cluster for tests.
//
// A cluster is built from the PostgreSQL server binaries installed on the
// machine (TUSK_PG_BINDIR overrides the search), lives in a fresh directory
// under /dev/shm or /tmp (see below), listens only on 127.0.0.1 at a free port plus a private unix
// socket directory, and is removed again by Stop. When the process runs as
// root the server runs as the "postgres" OS user, because PostgreSQL refuses
// to run as root.
//
// # One cluster per package
//
// Use Main from TestMain; it starts one cluster for the whole package, always
// stops it (also on SIGINT/SIGTERM, and through a watchdog process when a test
// panics or the binary is killed) and skips or fails the package when no
// server is installed:
//
//	var cluster *pgtest.Cluster
//
//	func TestMain(m *testing.M) {
//		pgtest.Main(m, func(c *pgtest.Cluster) error {
//			cluster = c
//			return c.Exec(context.Background(), "create table t (id int primary key)")
//		})
//	}
//
//	func TestSomething(t *testing.T) {
//		conn, err := pgx.Connect(ctx, cluster.ConnString(cluster.TrustUser, "", ""))
//		…
//	}
//
// Starting a cluster takes about 0.1 s and stopping it 0.03 s (2 cores, on
// tmpfs): initdb (≈0.6 s) runs once per machine, server build and OS user
// into a template directory (tusk-pgtest-template-*, ≈30 MB, kept for later
// runs), and every cluster starts from a copy of it. Clusters live on
// /dev/shm when it is a tmpfs with 2 GiB free, because copying the template
// there is ten times faster than to a disk; otherwise, or with
// TUSK_PGTEST_TMPDIR (RootDirEnv) set, under /tmp (or that directory). The server runs
// with fsync, synchronous_commit and full_page_writes off.
//
// # What a cluster contains
//
//   - TLS on (ssl=on) with a server certificate for CN=localhost, SAN
//     DNS:localhost and IP:127.0.0.1, signed by a throwaway CA (CACertPath). A
//     second, unrelated CA (OtherCACertPath) provokes verification failures.
//   - ScramUser: logs in over TCP with ScramPassword (scram-sha-256).
//   - TrustUser: logs in over TCP without a password; owns Database.
//   - RejectedUser: pg_hba.conf rejects it (SQLSTATE 28000).
//   - SuperUser ("postgres"): trust over the unix socket and over TCP.
//   - Database ("tusk_test"), owned by TrustUser. Default privileges make
//     the tables, sequences and types the superuser creates there (Exec)
//     usable by every role, and every role may create objects in schema
//     public. Revoke in a fixture what a test needs forbidden.
//
// pg_hba.conf accepts both plain and TLS connections on 127.0.0.1 ("host"
// lines) so tests choose with sslmode; roles created by tests log in with a
// password (scram-sha-256).
//
// # Sharing one cluster across packages
//
// When TUSK_PGTEST_SHARED_DIR names a directory holding a cluster started by
//
//	go run ./backend/internal/pgtest/cmd/pgtestd start <dir>
//
// Main reuses that cluster instead of starting one, and gives the package a
// database of its own (Cluster.Database is then "tusk_test_<random>", dropped
// at the end). Stop it with "pgtestd stop <dir>". Roles are shared by every
// package: tests must not alter the predefined roles.
//
// # A deterministic client environment
//
// pgx's ParseConfig merges PG* environment variables and files under $HOME
// (~/.pgpass, ~/.pg_service.conf, ~/.postgresql/root.crt and the client
// certificate). IsolateEnv, which Main calls before any test runs, removes
// every PG* variable, points PGPASSFILE at /dev/null and, only when
// ~/.postgresql exists (the one default no variable can switch off: an empty
// PGSSLROOTCERT is ignored), points HOME at an empty directory while pinning
// GOPATH and the XDG directories to the values the real HOME implied.
//
// # A connection pooler in front
//
// StartBouncer (or NeedBouncer in a test) starts Debian's PgBouncer in front
// of a cluster on another free loopback port: session or transaction mode,
// a small pool (BouncerOptions.PoolSize) to provoke waits, chosen startup
// parameters ignored instead of refused, a short query_wait_timeout. Every
// database of the cluster is reachable through it as any role the cluster
// trusts over TCP; clients log in to it without a password. It runs as the
// server's OS user when the tests run as root, and a watchdog stops it if
// the test binary dies. Without a pgbouncer binary (TUSK_PGBOUNCER
// overrides the search) NeedBouncer skips the test, or fails it when
// CI=true.
//
// # Faults
//
// Kill ends the server as kill -9 would (postmaster and backends), Shutdown
// stops it with a fast shutdown (sessions get FATAL 57P01), and Resume starts
// it again on the same port and data: for tests of crashes and restarts.
// They need a cluster of the test's own (Start), never the package's shared
// one.
//
// # Missing server binaries
//
// Start returns an error wrapping ErrNoServer. Main then fails the package
// when CI=true. Otherwise it runs the tests without a cluster: those that
// need one call Need and are skipped with the reason, the others run.
package pgtest
