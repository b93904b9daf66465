// Package faults is the fault suite of issue 10: real faults (a server
// killed mid-stream or restarted, a session terminated, a silent network,
// COPY … FROM STDIN, an exhausted pool) against a real PostgreSQL and a
// loopback proxy the test controls. It has only tests; make test prints
// their table from test-results/faults-*.txt. See docs/reliability.md.
package faults
