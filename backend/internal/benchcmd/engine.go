package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"
	"time"

	"github.com/sirupsen/logrus"

	"github.com/tusk-app/tusk/backend/connection"
	"github.com/tusk-app/tusk/backend/credentials"
	"github.com/tusk-app/tusk/backend/event"
	"github.com/tusk-app/tusk/backend/query"
	"github.com/tusk-app/tusk/backend/resultset"
	"github.com/tusk-app/tusk/backend/secret"
	"github.com/tusk-app/tusk/backend/state"
	"github.com/tusk-app/tusk/backend/storage"
)

// target is where the benchmarked server listens (TCP, trust login).
type target struct {
	Host string
	Port int
	User string
	DB   string
}

func (t target) connString() string {
	return fmt.Sprintf("host=%s port=%d user=%s dbname=%s sslmode=disable", t.Host, t.Port, t.User, t.DB)
}

// memKeychain keeps secrets in memory: the benchmark never touches the OS keychain.
type memKeychain struct {
	mu sync.Mutex
	m  map[string]secret.String
}

func (k *memKeychain) Set(_ context.Context, service, account string, v secret.String) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.m == nil {
		k.m = map[string]secret.String{}
	}
	k.m[service+"\x00"+account] = v
	return nil
}

func (k *memKeychain) Get(_ context.Context, service, account string) (secret.String, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	v, ok := k.m[service+"\x00"+account]
	if !ok {
		return secret.String{}, credentials.ErrNotFound
	}
	return v, nil
}

func (k *memKeychain) Delete(_ context.Context, service, account string) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	if _, ok := k.m[service+"\x00"+account]; !ok {
		return credentials.ErrNotFound
	}
	delete(k.m, service+"\x00"+account)
	return nil
}

// firstPage is the moment a query:progress carrying FirstPage was emitted.
type firstPage struct {
	id string
	at time.Time
}

// watcher is the engine's event.Emitter: it reports first pages.
type watcher struct{ pages chan firstPage }

func (w *watcher) Emit(name string, payload any) {
	if name != query.EventProgress {
		return
	}
	if p, ok := payload.(query.Progress); ok && p.FirstPage != nil {
		select {
		case w.pages <- firstPage{p.QueryID, time.Now()}:
		default:
		}
	}
}

// waitFirstPage returns when query id's first page was emitted.
func (w *watcher) waitFirstPage(id string, timeout time.Duration) (time.Time, error) {
	deadline := time.After(timeout)
	for {
		select {
		case fp := <-w.pages:
			if fp.id == id {
				return fp.at, nil
			}
		case <-deadline:
			return time.Time{}, errors.New("no first page within " + timeout.String())
		}
	}
}

// tusk is the application's state and query engine, wired like the app
// (state.New) but with our emitter and result options.
type tusk struct {
	st      *state.State
	eng     *query.Engine
	w       *watcher
	connID  string
	dataDir string
	once    sync.Once
}

func newTusk(ctx context.Context, t target, results resultset.Options) (*tusk, error) {
	dir, err := os.MkdirTemp("", "tusk-bench-state-")
	if err != nil {
		return nil, err
	}
	log := logrus.New()
	log.SetOutput(io.Discard)
	w := &watcher{pages: make(chan firstPage, 4096)}
	st, err := state.New(ctx, state.Options{DataDir: dir, Log: log, Emitter: event.EmitterFunc(func(string, any) {}), Keychain: &memKeychain{}})
	if err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	eng := query.New(query.Deps{
		Pool:       st.Pool,
		Register:   func(h *query.Handle) { st.RegisterQuery(h) },
		Unregister: st.UnregisterQuery,
		Go:         st.Go,
		Emit:       w,
		History: func(ctx context.Context, e storage.HistoryEntry) error {
			_, err := st.Store().AddHistory(ctx, e)
			return err
		},
		Results: results,
		Log:     log,
	})
	st.SetNoticeHandler(eng.Notice)
	st.OnDisconnect(eng.Disconnected)
	tk := &tusk{st: st, eng: eng, w: w, dataDir: dir}
	cfg := connection.NewConfig("bench", t.Host, t.Port, t.DB, t.User)
	cfg.SSLMode = connection.SSLDisable
	rec, err := st.Store().SaveConnection(ctx, cfg.Record())
	if err != nil {
		tk.close()
		return nil, err
	}
	if _, err := st.Connect(ctx, rec.ID, state.ConnectOptions{}); err != nil {
		tk.close()
		return nil, err
	}
	tk.connID = rec.ID
	return tk, nil
}

func (tk *tusk) close() {
	tk.once.Do(func() {
		_ = tk.st.Close()
		_ = os.RemoveAll(tk.dataDir)
	})
}

// start executes sql in session and returns the query ID.
func (tk *tusk) start(session, sql string) (string, error) {
	s, err := tk.eng.Execute(query.Request{SessionID: session, ConnectionID: tk.connID, SQL: sql})
	if err != nil {
		return "", err
	}
	return s.QueryID, nil
}

func (tk *tusk) wait(id string) (query.Summary, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	return tk.eng.Wait(ctx, id)
}

// run executes sql in session to the end; an error status is an error.
func (tk *tusk) run(session, sql string) (query.Summary, error) {
	id, err := tk.start(session, sql)
	if err != nil {
		return query.Summary{}, err
	}
	sum, err := tk.wait(id)
	if err != nil {
		return sum, err
	}
	if sum.Status != query.StatusDone {
		return sum, statusErr(sum)
	}
	return sum, nil
}

func statusErr(sum query.Summary) error {
	msg := sum.Status
	if sum.Error != nil {
		msg += ": " + sum.Error.Code + " " + sum.Error.Message
	}
	for _, s := range sum.Statements {
		if s.Error != nil {
			msg += ": " + s.Error.Code + " " + s.Error.Message
		}
	}
	return errors.New(msg)
}

// backendPID runs select pg_backend_pid() in session.
func (tk *tusk) backendPID(session string) (string, query.Summary, error) {
	sum, err := tk.run(session, "select pg_backend_pid()")
	if err != nil {
		return "", sum, err
	}
	p, err := tk.eng.Page(sum.QueryID, 0, 0, 1)
	if err != nil {
		return "", sum, err
	}
	if len(p.Rows) != 1 || len(p.Rows[0]) != 1 || p.Rows[0][0] == nil {
		return "", sum, errors.New("pg_backend_pid returned no row")
	}
	return *p.Rows[0][0], sum, nil
}
