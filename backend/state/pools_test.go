package state_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/tusk-app/tusk/backend/connection"
	"github.com/tusk-app/tusk/backend/internal/pgtest"
	"github.com/tusk-app/tusk/backend/schema"
	"github.com/tusk-app/tusk/backend/secret"
	"github.com/tusk-app/tusk/backend/state"
)

func newState(t *testing.T) *state.State {
	t.Helper()
	st, err := state.New(context.Background(), state.Options{DataDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

func newPool(t *testing.T, id string) *connection.Pool {
	t.Helper()
	p, err := connection.NewPool(context.Background(), configFor(id), secret.String{}, connection.PoolOptions{MaxConns: 4})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// fakeQuery is a running query; the engine's real handle arrives with the
// query layer, and the state only needs its identity and Cancel.
type fakeQuery struct {
	id, conn  string
	cancelled atomic.Int32
}

func (q *fakeQuery) ID() string           { return q.id }
func (q *fakeQuery) ConnectionID() string { return q.conn }
func (q *fakeQuery) Cancel()              { q.cancelled.Add(1) }

func TestRemovePoolDropsCacheAndCancelsQueries(t *testing.T) {
	pgtest.Need(t)
	st := newState(t)
	a, b := uuid.NewString(), uuid.NewString()
	pa, pb := newPool(t, a), newPool(t, b)
	st.AddPool(pa)
	st.AddPool(pb)
	st.SetSchemaCache(&schema.Cache{ConnectionID: a, LoadedAt: time.Now()})
	st.SetSchemaCache(&schema.Cache{ConnectionID: b, LoadedAt: time.Now()})
	qa := &fakeQuery{id: "qa", conn: a}
	qb := &fakeQuery{id: "qb", conn: b}
	st.RegisterQuery(qa)
	st.RegisterQuery(qb)

	if got := st.PoolIDs(); len(got) != 2 {
		t.Fatalf("PoolIDs = %v", got)
	}
	if !st.RemovePool(a) {
		t.Fatal("RemovePool(a) found no pool")
	}
	if _, ok := st.Pool(a); ok {
		t.Error("pool a still registered")
	}
	if !pa.IsClosed() {
		t.Error("pool a not closed")
	}
	if _, ok := st.SchemaCache(a); ok {
		t.Error("schema cache of a survived its connection (T029)")
	}
	if qa.cancelled.Load() != 1 {
		t.Error("query of a not cancelled")
	}
	if _, ok := st.Query("qa"); ok {
		t.Error("query of a still registered")
	}
	// b is untouched.
	if _, ok := st.SchemaCache(b); !ok || qb.cancelled.Load() != 0 || pb.IsClosed() {
		t.Error("removing a touched b")
	}
	if st.RemovePool(a) {
		t.Error("second RemovePool(a) reported a pool")
	}
}

func TestAddPoolReplacesAndClosesOld(t *testing.T) {
	pgtest.Need(t)
	st := newState(t)
	id := uuid.NewString()
	p1, p2 := newPool(t, id), newPool(t, id)
	st.AddPool(p1)
	st.AddPool(p2)
	if got, _ := st.Pool(id); got != p2 || !p1.IsClosed() {
		t.Fatal("replacing a pool must close the old one")
	}
}

func TestQueryRegistry(t *testing.T) {
	st := newState(t)
	q := &fakeQuery{id: "q1", conn: "c"}
	st.RegisterQuery(q)
	if got, ok := st.Query("q1"); !ok || got != q {
		t.Fatal("Query(q1) not found")
	}
	if !st.CancelQuery("q1") || q.cancelled.Load() != 1 {
		t.Fatal("CancelQuery did not cancel")
	}
	if st.CancelQuery("nope") {
		t.Fatal("CancelQuery of an unknown id reported true")
	}
	st.UnregisterQuery("q1")
	if ids := st.QueryIDs(); len(ids) != 0 {
		t.Fatalf("QueryIDs after unregister = %v", ids)
	}
}

func TestCloseCancelsQueriesAndClosesPools(t *testing.T) {
	pgtest.Need(t)
	st, err := state.New(context.Background(), state.Options{DataDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	p := newPool(t, uuid.NewString())
	st.AddPool(p)
	q := &fakeQuery{id: "q", conn: p.ID()}
	st.RegisterQuery(q)
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	if !p.IsClosed() || q.cancelled.Load() != 1 {
		t.Fatalf("closed=%v cancelled=%d", p.IsClosed(), q.cancelled.Load())
	}
}

// TestConcurrentOperations runs 100 goroutines over 10 pools (SC-009 asks
// for 10 operations): connects, queries, caches, query registrations and
// disconnects interleave; the final state must be exactly what the last
// operation on each connection implies.
func TestConcurrentOperations(t *testing.T) {
	pgtest.Need(t)
	st := newState(t)
	ids := make([]string, 10)
	for i := range ids {
		ids[i] = uuid.NewString()
		st.AddPool(newPool(t, ids[i]))
	}
	var mu sync.Mutex // guards the pools created below, for cleanup
	var created []*connection.Pool
	var wg sync.WaitGroup
	var queries atomic.Int64
	for g := range 100 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := rand.New(rand.NewPCG(uint64(g), 7))
			for i := range 20 {
				id := ids[r.IntN(len(ids))]
				switch r.IntN(5) {
				case 0: // run a statement on the connection's pool, if connected
					if p, ok := st.Pool(id); ok {
						ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
						c, err := p.Acquire(ctx)
						if err == nil {
							var n int
							rows, qErr := c.Query(ctx, "select $1::int", i)
							if qErr == nil {
								n, err = pgx.CollectExactlyOneRow(rows, pgx.RowTo[int])
							} else {
								err = qErr
							}
							c.Release()
							if err == nil && n != i {
								t.Errorf("select %d returned %d", i, n)
							}
							queries.Add(1)
						}
						cancel()
					}
				case 1:
					st.SetSchemaCache(&schema.Cache{ConnectionID: id, LoadedAt: time.Now()})
				case 2:
					q := &fakeQuery{id: fmt.Sprintf("%d-%d", g, i), conn: id}
					st.RegisterQuery(q)
					st.UnregisterQuery(q.id)
				case 3:
					_ = st.PoolStatuses()
				case 4:
					if r.IntN(4) == 0 { // occasionally disconnect and reconnect
						st.RemovePool(id)
						p, err := connection.NewPool(context.Background(), configFor(id), secret.String{}, connection.PoolOptions{MaxConns: 4})
						if err != nil {
							t.Error(err)
							continue
						}
						mu.Lock()
						created = append(created, p)
						mu.Unlock()
						st.AddPool(p)
					}
				}
			}
		}()
	}
	wg.Wait()
	defer func() {
		for _, p := range created {
			p.Close()
		}
	}()

	if queries.Load() == 0 {
		t.Fatal("no statement ran")
	}
	// Every connection has exactly one open pool, and every status is of an
	// open, idle pool.
	if got := st.PoolIDs(); len(got) != len(ids) {
		t.Fatalf("PoolIDs = %d, want %d", len(got), len(ids))
	}
	for _, s := range st.PoolStatuses() {
		if s.Closed || s.Waiting != 0 || s.Available != s.Size {
			t.Errorf("pool %s not idle and open: %+v", s.ConnectionID, s)
		}
	}
	for _, id := range ids {
		p, _ := st.Pool(id)
		if p.IsClosed() {
			t.Errorf("registered pool %s is closed", id)
		}
	}
	if n := len(st.QueryIDs()); n != 0 {
		t.Errorf("%d queries left registered", n)
	}
	t.Logf("%d statements ran across %d pools", queries.Load(), len(ids))
}

func configFor(id string) connection.Config {
	cfg := connection.NewConfig("test "+id, cluster.Host, cluster.Port, cluster.Database, cluster.TrustUser)
	cfg.ID = id
	cfg.SSLMode = connection.SSLDisable
	return cfg
}
