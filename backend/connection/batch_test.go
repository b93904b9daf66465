package connection_test

import (
	"errors"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/tusk-app/tusk/backend/connection"
)

// TestSendBatch: queries queued in a batch come back in order from one
// round trip; a released connection refuses a batch instead of using a
// connection the pool gave to someone else.
func TestSendBatch(t *testing.T) {
	p := openPool(t, trustConfig(), "", connection.PoolOptions{})
	c := acquire(t, p)
	b := &pgx.Batch{}
	b.Queue("select 1")
	b.Queue("select $1::text", "two")
	br := c.SendBatch(testCtx(t), b)
	var one int
	var two string
	if err := br.QueryRow().Scan(&one); err != nil || one != 1 {
		t.Fatalf("first: %d, %v", one, err)
	}
	if err := br.QueryRow().Scan(&two); err != nil || two != "two" {
		t.Fatalf("second: %q, %v", two, err)
	}
	if err := br.Close(); err != nil {
		t.Fatal(err)
	}
	c.Release()
	br = c.SendBatch(testCtx(t), b)
	if _, err := br.Query(); !errors.Is(err, connection.ErrReleased) {
		t.Errorf("batch on a released connection: %v", err)
	}
	if err := br.QueryRow().Scan(&one); !errors.Is(err, connection.ErrReleased) || !errors.Is(br.Close(), connection.ErrReleased) || br.Tx() != nil {
		t.Errorf("batch results of a released connection: %v", err)
	}
}
