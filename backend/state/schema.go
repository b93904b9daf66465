package state

import (
	"context"
	"fmt"
	"time"

	"github.com/tusk-app/tusk/backend/apperr"
	"github.com/tusk-app/tusk/backend/event"
	"github.com/tusk-app/tusk/backend/schema"
)

// SchemaLoadTimeout bounds one catalog load.
const SchemaLoadTimeout = 60 * time.Second

// SchemaLoaded is the payload of event.SchemaLoaded.
type SchemaLoaded struct {
	ConnectionID string            `json:"connectionId"`
	LoadMs       int64             `json:"loadMs"`
	Schemas      int               `json:"schemas"`
	Error        *apperr.ErrorInfo `json:"error,omitempty"`
}

// RefreshSchema reads the catalog of a connected connection (T028) on one
// of its pooled connections and stores the result as its schema cache,
// replacing the old one; the UI hears of it through schema:loaded.
func (s *State) RefreshSchema(ctx context.Context, connectionID string) (*schema.Cache, error) {
	pool, ok := s.Pool(connectionID)
	if !ok {
		return nil, apperr.New(apperr.Connection, "the connection is not open").WithHint("Connect first.")
	}
	ctx, cancel := context.WithTimeout(ctx, SchemaLoadTimeout)
	defer cancel()
	c, err := pool.Acquire(ctx)
	if err != nil {
		return nil, err
	}
	defer c.Release()
	cache, err := schema.Load(ctx, c, connectionID)
	if err != nil {
		err = fmt.Errorf("read the catalog: %w", err)
		info := apperr.Info(err)
		s.emit.Emit(event.SchemaLoaded, SchemaLoaded{ConnectionID: connectionID, Error: &info})
		return nil, err
	}
	// A disconnect while loading must not leave a cache behind (T029).
	if _, still := s.Pool(connectionID); !still {
		return nil, apperr.New(apperr.Connection, "the connection closed while its catalog was read")
	}
	s.SetSchemaCache(cache)
	s.emit.Emit(event.SchemaLoaded, SchemaLoaded{ConnectionID: connectionID, LoadMs: cache.LoadMs, Schemas: len(cache.Schemas)})
	return cache, nil
}

// refreshSchemaLater reloads the catalog in the background (after connect,
// after DDL run from Tusk); failures are reported by the event.
func (s *State) refreshSchemaLater(connectionID string) {
	s.Go(func(ctx context.Context) {
		if _, err := s.RefreshSchema(ctx, connectionID); err != nil {
			s.log.WithError(err).WithField("connection_id", connectionID).Warn("schema refresh failed")
		}
	})
}

// Definition returns the SQL that creates obj on a connected connection.
func (s *State) Definition(ctx context.Context, connectionID string, obj schema.Object) (string, error) {
	pool, ok := s.Pool(connectionID)
	if !ok {
		return "", apperr.New(apperr.Connection, "the connection is not open").WithHint("Connect first.")
	}
	c, err := pool.Acquire(ctx)
	if err != nil {
		return "", err
	}
	defer c.Release()
	return schema.Definition(ctx, c, obj)
}
