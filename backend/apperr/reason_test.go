package apperr_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"syscall"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/tusk-app/tusk/backend/apperr"
)

// timeoutErr is a net.Error that timed out, as a socket deadline reports.
type timeoutErr struct{}

func (timeoutErr) Error() string   { return "i/o timeout" }
func (timeoutErr) Timeout() bool   { return true }
func (timeoutErr) Temporary() bool { return true }

// TestFaultsAreClassified: every way a server or network can fail an open
// connection is a Connection error with a Reason and a hint — never
// Internal ("a bug in Tusk").
func TestFaultsAreClassified(t *testing.T) {
	addr := &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 5432}
	opErr := func(errno syscall.Errno) error {
		return &net.OpError{Op: "read", Net: "tcp", Addr: addr, Err: &os.SyscallError{Syscall: "read", Err: errno}}
	}
	tests := []struct {
		name   string
		err    error
		reason apperr.Reason
		kind   apperr.Kind
	}{
		{"server killed mid-stream (unexpected EOF)", io.ErrUnexpectedEOF, apperr.ReasonLost, apperr.Connection},
		{"server gone between messages (EOF)", fmt.Errorf("read rows: %w", io.EOF), apperr.ReasonLost, apperr.Connection},
		{"connection reset", opErr(syscall.ECONNRESET), apperr.ReasonLost, apperr.Connection},
		{"broken pipe", opErr(syscall.EPIPE), apperr.ReasonLost, apperr.Connection},
		{"host unreachable", opErr(syscall.EHOSTUNREACH), apperr.ReasonUnreachable, apperr.Connection},
		{"network unreachable", opErr(syscall.ENETUNREACH), apperr.ReasonUnreachable, apperr.Connection},
		{"network down", opErr(syscall.ENETDOWN), apperr.ReasonUnreachable, apperr.Connection},
		{"refused", opErr(syscall.ECONNREFUSED), apperr.ReasonRefused, apperr.Connection},
		{"silent network (socket deadline)", &net.OpError{Op: "read", Net: "tcp", Addr: addr, Err: timeoutErr{}}, apperr.ReasonTimeout, apperr.Connection},
		{"deadline", fmt.Errorf("query: %w", context.DeadlineExceeded), apperr.ReasonTimeout, apperr.Connection},
		{"pgconn closed connection", fmt.Errorf("exec: %w", pgconn.ErrConnClosed), apperr.ReasonLost, apperr.Connection},
		{"socket closed by Tusk", fmt.Errorf("read: %w", net.ErrClosed), apperr.ReasonLost, apperr.Connection},
		{"other socket error", &net.OpError{Op: "read", Net: "tcp", Addr: addr, Err: errors.New("weird")}, apperr.ReasonLost, apperr.Connection},
		{"terminated by administrator", &pgconn.PgError{Severity: "FATAL", Code: "57P01", Message: "terminating connection due to administrator command"}, apperr.ReasonTerminated, apperr.Connection},
		{"crash of another process", &pgconn.PgError{Severity: "FATAL", Code: "57P02", Message: "terminating connection because of crash of another server process"}, apperr.ReasonShutdown, apperr.Connection},
		{"server starting up", &pgconn.PgError{Severity: "FATAL", Code: "57P03", Message: "the database system is starting up"}, apperr.ReasonShutdown, apperr.Connection},
		{"idle session timeout", &pgconn.PgError{Severity: "FATAL", Code: "57P05", Message: "terminating connection due to idle-session timeout"}, apperr.ReasonTerminated, apperr.Connection},
		{"idle in transaction timeout", &pgconn.PgError{Severity: "FATAL", Code: "25P03", Message: "terminating connection due to idle-in-transaction timeout"}, apperr.ReasonTerminated, apperr.Connection},
		{"connection failure", &pgconn.PgError{Severity: "FATAL", Code: "08006", Message: "connection failure"}, apperr.ReasonLost, apperr.Connection},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := expect(t, tt.err, tt.kind)
			if e.Reason != tt.reason {
				t.Errorf("reason = %q, want %q", e.Reason, tt.reason)
			}
			if e.Hint == "" || e.Message == "" {
				t.Errorf("message %q, hint %q: both must be set", e.Message, e.Hint)
			}
			if info := apperr.Info(tt.err); info.Reason != tt.reason {
				t.Errorf("ErrorInfo.reason = %q", info.Reason)
			}
		})
	}
}

func TestSessionGoneAndServerDown(t *testing.T) {
	lost := fmt.Errorf("read: %w", io.ErrUnexpectedEOF)
	terminated := &pgconn.PgError{Severity: "FATAL", Code: "57P01"}
	refused := &net.OpError{Op: "dial", Net: "tcp", Err: &os.SyscallError{Syscall: "connect", Err: syscall.ECONNREFUSED}}
	syntax := &pgconn.PgError{Severity: "ERROR", Code: "42601"}
	for _, c := range []struct {
		err              error
		gone, serverDown bool
	}{
		{lost, true, true},
		{terminated, true, false},
		{refused, false, true},
		{syntax, false, false},
		{nil, false, false},
	} {
		if g := apperr.SessionGone(c.err); g != c.gone {
			t.Errorf("SessionGone(%v) = %v", c.err, g)
		}
		if d := apperr.ServerDown(c.err); d != c.serverDown {
			t.Errorf("ServerDown(%v) = %v", c.err, d)
		}
	}
}

func TestReasonEnumCoversEveryReason(t *testing.T) {
	enums := apperr.ReasonEnums()
	if len(enums) != len(apperr.AllReasons) {
		t.Fatalf("%d enum values for %d reasons", len(enums), len(apperr.AllReasons))
	}
	for _, e := range enums {
		if e.TSName == "" || e.Value == "" {
			t.Errorf("incomplete enum value %+v", e)
		}
	}
}
