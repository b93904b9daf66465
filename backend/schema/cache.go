// Package schema holds what Tusk knows about a database's objects.
//
// This first part is the per-connection cache record the application state
// keeps (seed T033); introspection (schemas, tables, columns, functions, …)
// fills it in a later layer.
package schema

import "time"

// Cache is the introspected schema of one connection, as of LoadedAt. A Cache
// is replaced as a whole, never mutated after it is stored, so readers may
// share it without locking.
type Cache struct {
	// ConnectionID is the saved connection the cache belongs to.
	ConnectionID string `json:"connectionId"`
	// LoadedAt is when the catalog was read (UTC).
	LoadedAt time.Time `json:"loadedAt"`
	// Schemas lists the schema names visible to the connection's user.
	Schemas []string `json:"schemas"`
}
