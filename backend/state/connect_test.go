package state_test

import (
	"context"
	"testing"
	"time"

	"github.com/tusk-app/tusk/backend/apperr"
	"github.com/tusk-app/tusk/backend/connection"
	"github.com/tusk-app/tusk/backend/event"
	"github.com/tusk-app/tusk/backend/internal/pgtest"
	"github.com/tusk-app/tusk/backend/secret"
	"github.com/tusk-app/tusk/backend/state"
)

func newStateWith(t *testing.T, rec *event.Recorder) *state.State {
	t.Helper()
	opts := state.Options{DataDir: t.TempDir()}
	if rec != nil {
		opts.Emitter = rec
	}
	st, err := state.New(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

func saveScram(t *testing.T, st *state.State) connection.Config {
	t.Helper()
	cfg := connection.NewConfig("scram", cluster.Host, cluster.Port, cluster.Database, cluster.ScramUser)
	cfg.SSLMode = connection.SSLVerifyFull
	cfg.SSLRootCert = cluster.CACertPath
	rec, err := st.Store().SaveConnection(context.Background(), cfg.Record())
	if err != nil {
		t.Fatal(err)
	}
	return connection.FromRecord(rec)
}

func TestConnectUsesKeychainAndEmitsPoolStatus(t *testing.T) {
	pgtest.Need(t)
	ctx := context.Background()
	var rec event.Recorder
	st := newStateWith(t, &rec)
	cfg := saveScram(t, st)

	// No password stored: the server refuses, and the hint says what to do.
	_, err := st.Connect(ctx, cfg.ID, state.ConnectOptions{})
	if e := apperr.Classify(err); e.Kind != apperr.Authentication || e.Hint == "" {
		t.Fatalf("connect without a password: %v", err)
	}

	// Given once with Remember, it is kept in the keychain for next time.
	if _, err := st.Connect(ctx, cfg.ID, state.ConnectOptions{Password: secret.New(cluster.ScramPassword), Remember: true}); err != nil {
		t.Fatal(err)
	}
	if ok, err := st.Credentials().HasPassword(ctx, cfg.ID); err != nil || !ok {
		t.Fatalf("password not remembered: %v %v", ok, err)
	}
	st.Disconnect(cfg.ID)
	status, err := st.Connect(ctx, cfg.ID, state.ConnectOptions{})
	if err != nil {
		t.Fatalf("connect with the remembered password: %v", err)
	}
	if status.ConnectionID != cfg.ID || status.Closed || status.MaxSize == 0 {
		t.Fatalf("status = %+v", status)
	}
	got, err := st.Store().LoadConnection(ctx, cfg.ID)
	if err != nil || got.LastConnectedAt == nil {
		t.Fatalf("last connected not recorded: %+v %v", got.LastConnectedAt, err)
	}

	// The pool reports through pool:status, rate-limited but ending on the
	// current value.
	p, _ := st.Pool(cfg.ID)
	c, err := p.Acquire(ctx)
	if err != nil {
		t.Fatal(err)
	}
	c.Release()
	deadline := time.Now().Add(3 * time.Second)
	var last connection.PoolStatus
	for time.Now().Before(deadline) {
		for _, ev := range rec.Events() {
			if ps, ok := ev.Payload.(connection.PoolStatus); ok && ev.Name == event.PoolStatus && ps.ConnectionID == cfg.ID {
				last = ps
			}
		}
		if last == p.Status() {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if last != p.Status() {
		t.Fatalf("last pool:status %+v, pool is %+v", last, p.Status())
	}
}

func TestTestConnectionReportsSteps(t *testing.T) {
	pgtest.Need(t)
	ctx := context.Background()
	var events event.Recorder
	st := newStateWith(t, &events)
	cfg := saveScram(t, st)

	rep, err := st.TestConnection(ctx, cfg, state.ConnectOptions{Password: secret.New(cluster.ScramPassword)})
	if err != nil {
		t.Fatal(err)
	}
	if !rep.OK || len(rep.Steps) != 1 || rep.Steps[0].Name != "database" || !rep.Steps[0].OK || rep.ServerVersion == "" || rep.Route == nil || rep.Route.Pooler {
		t.Fatalf("report = %+v", rep)
	}
	if len(st.PoolIDs()) != 0 {
		t.Fatal("TestConnection left a pool registered")
	}

	rep, err = st.TestConnection(ctx, cfg, state.ConnectOptions{Password: secret.New("wrong")})
	if err != nil {
		t.Fatal(err)
	}
	if rep.OK || len(rep.Steps) != 1 || rep.Steps[0].OK || rep.Steps[0].Error == nil || rep.Steps[0].Error.Code != "28P01" {
		t.Fatalf("report = %+v", rep)
	}

	for _, ev := range events.Events() {
		if ev.Name == event.PoolStatus {
			t.Fatalf("a test pool emitted %s: %+v", ev.Name, ev.Payload)
		}
	}

	bad := cfg
	bad.Port = 0
	if _, err := st.TestConnection(ctx, bad, state.ConnectOptions{}); apperr.KindOf(err) != apperr.Validation {
		t.Fatalf("invalid config: %v", err)
	}
}
