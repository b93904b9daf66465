// Package state holds Tusk's one application state: the data directory, the
// local store, the credentials, the connection pools, the schema caches, the
// running queries, and the background work that outlives a single bound call.
//
// A State is created once in main (after logging, T093) and owned by the
// bound App (T092/T094). Every method is safe for concurrent use.
//
// # Invariants
//
// Removing a connection's pool also drops its schema cache and cancels its
// running queries (T029). Close cancels every running query, closes every
// pool, waits (bounded) for background work, clears session-only
// credentials and closes the store.
package state

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/sirupsen/logrus"

	"github.com/tusk-app/tusk/backend/connection"
	"github.com/tusk-app/tusk/backend/credentials"
	"github.com/tusk-app/tusk/backend/event"
	"github.com/tusk-app/tusk/backend/exportfile"
	"github.com/tusk-app/tusk/backend/query"
	"github.com/tusk-app/tusk/backend/resultset"
	"github.com/tusk-app/tusk/backend/schema"
	"github.com/tusk-app/tusk/backend/sshtunnel"
	"github.com/tusk-app/tusk/backend/storage"
	"github.com/tusk-app/tusk/backend/tabledata"
)

// Options configure New.
type Options struct {
	// DataDir is where the store lives; it is created if missing.
	DataDir string
	// Log receives lifecycle lines; nil discards them.
	Log *logrus.Logger
	// Emitter sends events to the frontend; nil drops them.
	Emitter event.Emitter
	// Keychain replaces the OS keychain (tests, platforms without one); nil
	// uses the OS keychain.
	Keychain credentials.Keychain
	// Reconnect is how often a server that stopped answering is tried
	// again; zero means DefaultReconnectPolicy.
	Reconnect ReconnectPolicy
	// CacheDir holds files Tusk may lose (the spill files of large results,
	// under results/); "" means DataDir/cache. Spill files a crashed Tusk
	// left there are deleted by New.
	CacheDir string
	// ResultMemory is the one memory budget of all open results together,
	// in bytes; 0 means resultset.DefaultMemoryBudget.
	ResultMemory int64
}

// State is the application state. Create it with New; Close it once.
type State struct {
	dataDir string
	store   *storage.Store
	report  storage.Report
	creds   *credentials.Store
	engine  *query.Engine
	exports *exportfile.Exports
	tables  *tabledata.Tables
	emit    event.Emitter
	// poolEvents rate-limits pool:status per connection.
	poolEvents *event.Coalescer
	log        *logrus.Logger
	initTime   time.Duration

	pools   *registry[*connection.Pool]
	tunnels *registry[*sshtunnel.Tunnel] // by connection ID, for tunnelled pools
	// hostKeys holds unknown SSH host keys by fingerprint until the user
	// accepts one (AcceptHostKey).
	hostKeys *registry[*sshtunnel.HostKeyError]
	caches   *registry[*schema.Cache]
	queries  *registry[Query]
	// watchers are the running reconnect checks, connStates the states of
	// connections that are not simply connected.
	watchers   *registry[*watcher]
	connStates *registry[ConnectionState]
	reconnect  ReconnectPolicy

	ctx    context.Context // cancelled by Close; parent of background work
	cancel context.CancelFunc
	wg     sync.WaitGroup

	hooksMu      sync.Mutex // guards the hooks below
	onNotice     func(*pgconn.PgConn, *pgconn.Notice)
	onDisconnect []func(connectionID string)

	mu     sync.Mutex // guards closed (so wg.Add never races wg.Wait)
	closed bool

	closeOnce sync.Once
	closeErr  error
}

// New initialises the data directory and opens (migrating, and recovering
// from corruption if needed) the local store. A data directory that cannot be
// created is an error the caller must handle (ask for another location); a
// damaged store is not: it is recovered and described by StoreReport.
func New(ctx context.Context, opts Options) (*State, error) {
	start := time.Now()
	log := opts.Log
	if log == nil {
		log = logrus.New()
		log.SetOutput(discard{})
	}
	if opts.DataDir == "" {
		return nil, errors.New("state: no data directory given")
	}
	if err := storage.InitDataDir(opts.DataDir); err != nil {
		return nil, err
	}
	store, report, err := storage.Open(ctx, filepath.Join(opts.DataDir, storage.FileName))
	if err != nil {
		return nil, fmt.Errorf("open local store: %w", err)
	}
	cacheDir := opts.CacheDir
	if cacheDir == "" {
		cacheDir = filepath.Join(opts.DataDir, "cache")
	}
	spillDir := filepath.Join(cacheDir, "results")
	if err := os.MkdirAll(spillDir, 0o700); err != nil {
		log.WithError(err).Warn("cannot create the cache directory; large results spill to the system's temporary directory")
		spillDir = ""
	} else if n, err := resultset.SweepSpillFiles(spillDir); err != nil || n > 0 {
		log.WithError(err).WithField("removed", n).Info("swept spill files left by an earlier run")
	}
	emit := opts.Emitter
	if emit == nil {
		emit = event.EmitterFunc(func(string, any) {})
	}
	creds := credentials.New(ctx, credentials.Options{
		Keychain:   opts.Keychain,
		Log:        log,
		OnFallback: func(st credentials.Status) { emit.Emit(event.KeychainStatus, st) },
	})
	bg, cancel := context.WithCancel(context.Background())
	s := &State{
		dataDir:    opts.DataDir,
		store:      store,
		report:     report,
		creds:      creds,
		emit:       emit,
		poolEvents: event.NewCoalescer(emit, event.PoolStatus, PoolStatusInterval),
		log:        log,
		pools:      newRegistry[*connection.Pool](),
		tunnels:    newRegistry[*sshtunnel.Tunnel](),
		hostKeys:   newRegistry[*sshtunnel.HostKeyError](),
		caches:     newRegistry[*schema.Cache](),
		queries:    newRegistry[Query](),
		watchers:   newRegistry[*watcher](),
		connStates: newRegistry[ConnectionState](),
		reconnect:  opts.Reconnect,
		ctx:        bg,
		cancel:     cancel,
		initTime:   time.Since(start),
	}
	s.exports = exportfile.New(emit)
	s.engine = query.New(query.Deps{
		Pool:       s.Pool,
		Register:   func(h *query.Handle) { s.RegisterQuery(h) },
		Unregister: s.UnregisterQuery,
		Go:         s.Go,
		Emit:       emit,
		History: func(ctx context.Context, e storage.HistoryEntry) error {
			_, err := s.store.AddHistory(ctx, e)
			return err
		},
		SchemaChanged: s.refreshSchemaLater,
		Trouble:       s.trouble,
		Results:       resultset.Options{TempDir: spillDir, Budget: resultset.NewBudget(opts.ResultMemory)},
		Log:           log,
	})
	s.SetNoticeHandler(s.engine.Notice)
	s.OnDisconnect(s.engine.Disconnected)
	s.tables = tabledata.NewTables(tabledata.Deps{Pool: s.Pool})
	s.OnDisconnect(s.tables.Disconnected)
	if s.reconnect.First <= 0 || s.reconnect.Max <= 0 {
		s.reconnect = DefaultReconnectPolicy
	}
	log.WithFields(logrus.Fields{
		"data_dir": s.dataDir, "init_ms": float64(s.initTime.Microseconds()) / 1000,
		"keychain": creds.Status().Available, "keychain_probe_ms": creds.Status().ProbeMs,
	}).Info("state initialised")
	return s, nil
}

// DataDir returns the data directory.
func (s *State) DataDir() string { return s.dataDir }

// Store returns the local store.
func (s *State) Store() *storage.Store { return s.store }

// Credentials returns the keychain-backed credential store (T031).
func (s *State) Credentials() *credentials.Store { return s.creds }

// Queries returns the query engine (T059): execution, cancellation, result
// pages and sessions.
func (s *State) Queries() *query.Engine { return s.engine }

// Exports writes stored results to files (export:progress, cancel by ID).
func (s *State) Exports() *exportfile.Exports { return s.exports }

// Tables returns the relations open in data tabs: their pages, counts and
// commits.
func (s *State) Tables() *tabledata.Tables { return s.tables }

// Emitter returns where the state sends events.
func (s *State) Emitter() event.Emitter { return s.emit }

// StoreReport describes what happened when the store was opened (recovered
// from corruption, running in memory, …).
func (s *State) StoreReport() storage.Report { return s.report }

// InitDuration is how long New took (SC-002).
func (s *State) InitDuration() time.Duration { return s.initTime }

// Go runs fn in a goroutine owned by the state: its context is cancelled when
// the state closes, and Close waits for it to return. Use it for work that
// outlives the bound call that started it. After Close, Go does nothing and
// returns false.
func (s *State) Go(fn func(ctx context.Context)) bool {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return false
	}
	s.wg.Add(1)
	s.mu.Unlock()
	go func() {
		defer s.wg.Done()
		fn(s.ctx)
	}()
	return true
}

// Close cancels background work, waits for it, and closes the store. It is
// safe to call more than once; later calls return the first result.
func (s *State) Close() error {
	s.closeOnce.Do(func() {
		s.mu.Lock()
		s.closed = true
		s.mu.Unlock()
		deadline := time.Now().Add(ShutdownTimeout)
		for _, q := range s.queries.drain() {
			q.Cancel()
		}
		s.cancel()
		// Pools close side by side: each waits at most
		// connection.CloseTimeout, whatever the network does.
		var closing sync.WaitGroup
		for _, p := range s.pools.drain() {
			s.disconnecting(p.ID())
			closing.Go(p.Close)
		}
		waitTimeout(&closing, time.Until(deadline))
		for _, t := range s.tunnels.drain() {
			t.Close()
		}
		s.poolEvents.Stop()
		if !waitTimeout(&s.wg, time.Until(deadline)) {
			s.log.WithField("timeout", ShutdownTimeout).Warn("background work did not stop in time; closing anyway")
		}
		s.caches.drain()
		s.creds.ClearSession()
		s.closeErr = s.store.Close()
		s.log.Info("state closed")
	})
	return s.closeErr
}

// ShutdownTimeout bounds how long Close waits for pools to close and
// background goroutines to stop, so quitting never hangs on a server or a
// network that does not answer.
const ShutdownTimeout = 1800 * time.Millisecond

// waitTimeout waits for wg up to d and reports whether it finished.
func waitTimeout(wg *sync.WaitGroup, d time.Duration) bool {
	done := make(chan struct{})
	go func() {
		wg.Wait()
		close(done)
	}()
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-done:
		return true
	case <-t.C:
		return false
	}
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }
