package main

import (
	"github.com/tusk-app/tusk/backend/apperr"
	"github.com/tusk-app/tusk/backend/schema"
	"github.com/tusk-app/tusk/backend/state"
)

// SchemaInfo is the top of a connection's schema tree; the objects of each
// schema are fetched lazily with SchemaObjects.
type SchemaInfo struct {
	ConnectionID string   `json:"connectionId"`
	Loaded       bool     `json:"loaded"`
	LoadMs       int64    `json:"loadMs"`
	Schemas      []string `json:"schemas"`
}

func (a *App) schemaCache(connectionID string) (*state.State, *schema.Cache, error) {
	st, err := a.state()
	if err != nil {
		return nil, nil, err
	}
	c, ok := st.SchemaCache(connectionID)
	if !ok {
		return st, nil, apperr.New(apperr.Validation, "the catalog is not loaded yet").WithHint("Connect, or refresh the schema.")
	}
	return st, c, nil
}

// SchemaInfo returns the schema names of a connected connection ("loaded"
// false while the catalog is still being read).
func (a *App) SchemaInfo(connectionID string) (SchemaInfo, error) {
	_, c, err := a.schemaCache(connectionID)
	if err != nil {
		return SchemaInfo{ConnectionID: connectionID}, nil
	}
	return SchemaInfo{ConnectionID: connectionID, Loaded: true, LoadMs: c.LoadMs, Schemas: c.SchemaNames()}, nil
}

// SchemaObjects returns one schema's tables, views, functions, sequences and
// types.
func (a *App) SchemaObjects(connectionID, name string) (schema.Schema, error) {
	_, c, err := a.schemaCache(connectionID)
	if err != nil {
		return schema.Schema{}, err
	}
	s, ok := c.Schema(name)
	if !ok {
		return schema.Schema{}, apperr.New(apperr.Validation, "no such schema").WithHint("Refresh the schema.")
	}
	return s, nil
}

// SearchSchema finds objects whose name contains text (prefix matches first).
func (a *App) SearchSchema(connectionID, text string) ([]schema.Match, error) {
	_, c, err := a.schemaCache(connectionID)
	if err != nil {
		return nil, err
	}
	return c.Search(text, 200), nil
}

// SchemaCompletion returns {"schema.table": [columns]} for the editor.
func (a *App) SchemaCompletion(connectionID string) (map[string][]string, error) {
	_, c, err := a.schemaCache(connectionID)
	if err != nil {
		return map[string][]string{}, nil
	}
	return c.Completion(), nil
}

// RefreshSchema re-reads the catalog now (≤ 1 s for 10,000 tables);
// schema:loaded follows.
func (a *App) RefreshSchema(connectionID string) error {
	st, err := a.state()
	if err != nil {
		return err
	}
	_, err = st.RefreshSchema(a.ctx0(), connectionID)
	return err
}

// DefinitionRequest names the object for ObjectDefinition (see
// schema.Object; a type of its own because a TypeScript class called Object
// would shadow the global one in the generated bindings).
type DefinitionRequest struct {
	Kind      string `json:"kind"`
	Schema    string `json:"schema"`
	Name      string `json:"name"`
	Table     string `json:"table"`
	Arguments string `json:"arguments"`
}

// ObjectDefinition returns the SQL that creates an object ("Show definition").
func (a *App) ObjectDefinition(connectionID string, req DefinitionRequest) (string, error) {
	st, err := a.state()
	if err != nil {
		return "", err
	}
	return st.Definition(a.ctx0(), connectionID, schema.Object(req))
}
