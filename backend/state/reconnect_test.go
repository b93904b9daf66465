package state_test

import (
	"context"
	"errors"
	"net"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/tusk-app/tusk/backend/apperr"
	"github.com/tusk-app/tusk/backend/connection"
	"github.com/tusk-app/tusk/backend/event"
	"github.com/tusk-app/tusk/backend/internal/netproxy"
	"github.com/tusk-app/tusk/backend/internal/pgtest"
	"github.com/tusk-app/tusk/backend/query"
	"github.com/tusk-app/tusk/backend/state"
)

// ownCluster starts a cluster this test may kill and restart.
func ownCluster(t *testing.T) *pgtest.Cluster {
	t.Helper()
	pgtest.Need(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	c, err := pgtest.Start(ctx)
	if errors.Is(err, pgtest.ErrNoServer) && os.Getenv("CI") != "true" {
		t.Skip(err)
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Stop() })
	return c
}

// connectTo saves and connects a connection to c in st.
func connectTo(t *testing.T, st *state.State, c *pgtest.Cluster) string {
	t.Helper()
	cfg := connection.NewConfig("faults", c.Host, c.Port, c.Database, c.TrustUser)
	cfg.SSLMode = connection.SSLDisable
	cfg.Options.ConnectTimeout = 2 * time.Second
	rec, err := st.Store().SaveConnection(context.Background(), cfg.Record())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.Connect(context.Background(), rec.ID, state.ConnectOptions{}); err != nil {
		t.Fatal(err)
	}
	return rec.ID
}

func runIn(t *testing.T, st *state.State, connID, tab, sql string) query.Summary {
	t.Helper()
	started, err := st.Queries().Execute(query.Request{SessionID: tab, ConnectionID: connID, SQL: sql})
	if err != nil {
		return query.Summary{Status: query.StatusError, Error: ptr(apperr.Info(err))}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	sum, err := st.Queries().Wait(ctx, started.QueryID)
	if err != nil {
		t.Fatal(err)
	}
	return sum
}

func ptr[T any](v T) *T { return &v }

// waitState waits for a connection:state event with state want among the
// events recorded after the first skip.
func waitState(t *testing.T, rec *event.Recorder, want string, d time.Duration, skip int) state.ConnectionState {
	t.Helper()
	deadline := time.Now().Add(d)
	for time.Now().Before(deadline) {
		for _, ev := range rec.Events()[skip:] {
			if cs, ok := ev.Payload.(state.ConnectionState); ok && ev.Name == event.ConnectionState && cs.State == want {
				return cs
			}
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("no connection:state %q within %v: %+v", want, d, rec.Events())
	return state.ConnectionState{}
}

// TestReconnectAfterTheServerCameBack: the server is killed; the next
// query fails with a classified connection error, the connection goes
// lost → reconnecting with growing pauses, and once the server is back it
// is connected again by itself, and queries in an old and a new tab run the
// first time.
func TestReconnectAfterTheServerCameBack(t *testing.T) {
	c := ownCluster(t)
	rec := &event.Recorder{}
	st, err := state.New(context.Background(), state.Options{DataDir: t.TempDir(), Emitter: rec,
		Reconnect: state.ReconnectPolicy{First: 50 * time.Millisecond, Max: 200 * time.Millisecond}})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	id := connectTo(t, st, c)
	if sum := runIn(t, st, id, "old", "select 1"); sum.Status != query.StatusDone {
		t.Fatal(sum.Error)
	}
	if err := c.Kill(); err != nil {
		t.Fatal(err)
	}
	sum := runIn(t, st, id, "old", "select 1")
	failure := sum.Error
	if failure == nil && len(sum.Statements) > 0 {
		failure = sum.Statements[0].Error
	}
	if sum.Status != query.StatusError || failure == nil || failure.Kind != apperr.Connection || failure.Reason == "" {
		t.Fatalf("a query while the server is down: %+v", sum)
	}
	waitState(t, rec, state.StateReconnecting, 30*time.Second, 0)
	var lost bool
	for _, ev := range rec.Events() {
		lost = lost || ev.Name == event.ConnectionLost
	}
	if !lost {
		t.Fatal("no connection:lost")
	}
	var attempts int
	for deadline := time.Now().Add(30 * time.Second); attempts < 2 && time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		for _, ev := range rec.Events() {
			if cs, ok := ev.Payload.(state.ConnectionState); ok && cs.State == state.StateReconnecting {
				attempts = max(attempts, cs.Attempt)
				if cs.NextRetryMs <= 0 || cs.NextRetryMs > 200 || cs.Error == nil {
					t.Fatalf("reconnecting state %+v", cs)
				}
			}
		}
	}
	if attempts < 2 {
		t.Fatalf("no retries seen within 30 s (%d)", attempts)
	}
	if states := st.ConnectionStates(); len(states) != 1 || states[0].State != state.StateReconnecting {
		t.Fatalf("ConnectionStates = %+v", states)
	}
	before := len(rec.Events())
	if err := c.Resume(context.Background()); err != nil {
		t.Fatal(err)
	}
	waitState(t, rec, state.StateConnected, 30*time.Second, before)
	for _, tab := range []string{"old", "new"} {
		if sum := runIn(t, st, id, tab, "select 1"); sum.Status != query.StatusDone {
			t.Fatalf("tab %s after the server came back: %+v / %+v", tab, sum.Error, sum.Statements)
		}
	}
}

// TestStopReconnect: the user stops reconnecting; it answers at once and
// the connection is closed.
func TestStopReconnect(t *testing.T) {
	c := ownCluster(t)
	rec := &event.Recorder{}
	st, err := state.New(context.Background(), state.Options{DataDir: t.TempDir(), Emitter: rec,
		Reconnect: state.ReconnectPolicy{First: 50 * time.Millisecond, Max: 100 * time.Millisecond}})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	id := connectTo(t, st, c)
	if err := c.Shutdown(); err != nil {
		t.Fatal(err)
	}
	runIn(t, st, id, "tab", "select 1")
	waitState(t, rec, state.StateReconnecting, 30*time.Second, 0)
	start := time.Now()
	if !st.StopReconnect(id) {
		t.Fatal("StopReconnect: not reconnecting")
	}
	if took := time.Since(start); took >= state.ProbeTimeout {
		t.Fatalf("StopReconnect took %v: it waited for a probe", took)
	}
	waitState(t, rec, state.StateStopped, time.Second, 0)
	if _, open := st.Pool(id); open {
		t.Fatal("the connection is still open")
	}
	if st.StopReconnect(id) {
		t.Fatal("StopReconnect twice")
	}
}

// TestStopReconnectDuringAProbe: the network goes silent while Tusk probes
// the server; StopReconnect ends the probe under way instead of waiting for
// its timeout (ProbeTimeout, 5 s), so it answers within the 2 s every bound
// call has (StopGrace, then the connection's Close). The check is only that
// it did not wait for the probe's timeout: a loaded machine may be slow.
func TestStopReconnectDuringAProbe(t *testing.T) {
	c := ownCluster(t)
	p, err := netproxy.Start(net.JoinHostPort(c.Host, strconv.Itoa(c.Port)))
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	rec := &event.Recorder{}
	st, err := state.New(context.Background(), state.Options{DataDir: t.TempDir(), Emitter: rec,
		Reconnect: state.ReconnectPolicy{First: 20 * time.Millisecond, Max: 50 * time.Millisecond}})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	cfg := connection.NewConfig("silent", p.Host(), p.Port(), c.Database, c.TrustUser)
	cfg.SSLMode = connection.SSLDisable
	cfg.Options.ConnectTimeout = 10 * time.Second // the probe's own bound (ProbeTimeout) applies
	saved, err := st.Store().SaveConnection(context.Background(), cfg.Record())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.Connect(context.Background(), saved.ID, state.ConnectOptions{}); err != nil {
		t.Fatal(err)
	}
	if sum := runIn(t, st, saved.ID, "tab", "select 1"); sum.Status != query.StatusDone {
		t.Fatal(sum.Error)
	}
	p.Refuse(true)
	p.Reset()
	runIn(t, st, saved.ID, "tab", "select 1")
	waitState(t, rec, state.StateReconnecting, 30*time.Second, 0)
	p.Silence()
	accepted := p.Accepted()
	p.Refuse(false)
	deadline := time.Now().Add(30 * time.Second)
	for p.Accepted() == accepted { // the next probe reached the silent network
		if time.Now().After(deadline) {
			t.Fatal("no probe within 30 s")
		}
		time.Sleep(5 * time.Millisecond)
	}
	start := time.Now()
	if !st.StopReconnect(saved.ID) {
		t.Fatal("StopReconnect: not reconnecting")
	}
	took := time.Since(start)
	t.Logf("StopReconnect during a probe on a silent network took %v", took)
	if took >= state.ProbeTimeout {
		t.Fatalf("StopReconnect waited for the probe's timeout: %v", took)
	}
	waitState(t, rec, state.StateStopped, 30*time.Second, 0)
}
