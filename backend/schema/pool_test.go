package schema_test

import (
	"testing"

	"github.com/tusk-app/tusk/backend/connection"
	"github.com/tusk-app/tusk/backend/internal/pgtest"
	"github.com/tusk-app/tusk/backend/schema"
	"github.com/tusk-app/tusk/backend/secret"
)

// TestLoadThroughPool loads and shows a definition through the app's own
// pooled connection, as the bound layer will, and leaves the connection
// reusable.
func TestLoadThroughPool(t *testing.T) {
	pgtest.Need(t)
	ctx := testCtx(t)
	cfg := connection.NewConfig("schema test", cluster.Host, cluster.Port, cluster.Database, cluster.TrustUser)
	cfg.ID = "6b1f3c0e-0000-4000-8000-0000000000a6"
	cfg.SSLMode = connection.SSLDisable
	pool, err := connection.NewPool(ctx, cfg, secret.New(""), connection.PoolOptions{MaxConns: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	for range 2 {
		conn, err := pool.Acquire(ctx)
		if err != nil {
			t.Fatal(err)
		}
		c, err := schema.Load(ctx, conn, pool.ID())
		if err != nil {
			conn.Release()
			t.Fatal(err)
		}
		if c.ConnectionID != cfg.ID {
			t.Errorf("ConnectionID = %q", c.ConnectionID)
		}
		if _, err := schema.Definition(ctx, conn, schema.Object{Kind: schema.KindView, Schema: "app", Name: "customer_names"}); err != nil {
			t.Error(err)
		}
		conn.Release()
	}
}
