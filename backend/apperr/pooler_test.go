package apperr_test

import (
	"fmt"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/tusk-app/tusk/backend/apperr"
)

// TestPoolerErrors: PgBouncer's messages (as its source writes them, always
// with SQLSTATE 08P01) get their own kinds; the same text with another code
// is the server's and keeps its ordinary classification. The real pooler's
// errors are checked against PgBouncer in backend/connection.
func TestPoolerErrors(t *testing.T) {
	tests := []struct {
		message string
		kind    apperr.Kind
	}{
		{"unsupported startup parameter: default_transaction_read_only", apperr.Pooler},
		{"no more connections allowed (max_client_conn)", apperr.Pooler},
		{"server login has been failing, try again later (server_login_retry)", apperr.Pooler},
		{"query_wait_timeout", apperr.PoolTimeout},
		{"query_timeout", apperr.Pooler},
		{"idle transaction timeout", apperr.Pooler},
		{"client_idle_timeout", apperr.Pooler},
		{"client_login_timeout (server down)", apperr.Pooler},
		{"no such database: shop", apperr.Connection},
		{`database "shop" is disabled`, apperr.Pooler},
		{"pgbouncer cannot connect to server", apperr.Pooler},
		{"password authentication failed", apperr.Authentication},
		{"SASL authentication failed", apperr.Authentication},
		{"no such user", apperr.Authentication},
		{"invalid frontend message type 0", apperr.Connection}, // the server's own 08P01
	}
	for _, tt := range tests {
		t.Run(tt.message, func(t *testing.T) {
			err := fmt.Errorf("connect: %w", &pgconn.PgError{Severity: "FATAL", Code: "08P01", Message: tt.message})
			info := apperr.Info(err)
			if info.Kind != tt.kind || info.Message == "" || info.Hint == "" {
				t.Fatalf("Info = %+v, want kind %s with a message and a hint", info, tt.kind)
			}
			if info.Pg == nil || info.Pg.Message != tt.message {
				t.Errorf("the pooler's text is lost: %+v", info.Pg)
			}
			if pooler := tt.kind != apperr.Connection || tt.message == "no such database: shop"; apperr.IsPoolerError(err) != pooler {
				t.Errorf("IsPoolerError = %v", !pooler)
			}
			// The same text from the server (another SQLSTATE) is not the pooler's.
			other := apperr.Classify(&pgconn.PgError{Code: "XX000", Message: tt.message})
			if other.Kind != apperr.Query || apperr.IsPoolerError(&pgconn.PgError{Code: "XX000", Message: tt.message}) {
				t.Errorf("with XX000: kind %s", other.Kind)
			}
		})
	}
	if name, ok := apperr.IsUnsupportedStartupParameter(&pgconn.PgError{Code: "08P01", Message: "unsupported startup parameter: statement_timeout"}); !ok || name != "statement_timeout" {
		t.Errorf("IsUnsupportedStartupParameter = %q, %v", name, ok)
	}
	if _, ok := apperr.IsUnsupportedStartupParameter(&pgconn.PgError{Code: "42704", Message: `unrecognized configuration parameter "x"`}); ok {
		t.Error("the server's own refusal is taken for the pooler's")
	}
}

// TestPoolerRelatedHints: the server errors a pooler or a read-only session
// provokes explain themselves.
func TestPoolerRelatedHints(t *testing.T) {
	for _, code := range []string{"25006", "25001", "42P05", "26000"} {
		info := apperr.Info(&pgconn.PgError{Code: code, Message: "m"})
		if info.Kind != apperr.Query || info.Hint == "" || info.Hint == apperr.Info(&pgconn.PgError{Code: "XX999", Message: "m"}).Hint {
			t.Errorf("%s: %+v", code, info)
		}
	}
}
