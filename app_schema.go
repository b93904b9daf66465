package main

import (
	"context"

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
func (a *App) SchemaInfo(req ConnectionRef) (SchemaInfo, error) {
	if bad := req.argError(); bad != nil {
		return SchemaInfo{}, bad
	}
	_, c, err := a.schemaCache(req.ConnectionID)
	if err != nil {
		return SchemaInfo{ConnectionID: req.ConnectionID}, nil
	}
	return SchemaInfo{ConnectionID: req.ConnectionID, Loaded: true, LoadMs: c.LoadMs, Schemas: c.SchemaNames()}, nil
}

// SchemaObjects returns one schema's tables, views, functions, sequences and
// types.
func (a *App) SchemaObjects(req SchemaObjectsRequest) (schema.Schema, error) {
	if bad := req.argError(); bad != nil {
		return schema.Schema{}, bad
	}
	_, c, err := a.schemaCache(req.ConnectionID)
	if err != nil {
		return schema.Schema{}, err
	}
	s, ok := c.Schema(req.Schema)
	if !ok {
		return schema.Schema{}, apperr.New(apperr.Validation, "no such schema").WithHint("Refresh the schema.")
	}
	return s, nil
}

// SearchSchema finds objects whose name contains text (prefix matches first).
func (a *App) SearchSchema(req SearchSchemaRequest) ([]schema.Match, error) {
	if bad := req.argError(); bad != nil {
		return nil, bad
	}
	_, c, err := a.schemaCache(req.ConnectionID)
	if err != nil {
		return nil, err
	}
	return c.Search(req.Text, 200), nil
}

// SchemaCompletion returns {"schema.table": [columns]} for the editor.
func (a *App) SchemaCompletion(req ConnectionRef) (map[string][]string, error) {
	if bad := req.argError(); bad != nil {
		return nil, bad
	}
	_, c, err := a.schemaCache(req.ConnectionID)
	if err != nil {
		return map[string][]string{}, nil
	}
	return c.Completion(), nil
}

// RefreshSchema re-reads the catalog now (≤ 1 s for 10,000 tables);
// schema:loaded follows. It answers within CallBound: a load that takes
// longer goes on, and schema:loaded reports how it ended.
func (a *App) RefreshSchema(req ConnectionRef) error {
	st, err := a.begin(req)
	if err != nil {
		return err
	}
	_, err = within(st, func(ctx context.Context) (*schema.Cache, error) {
		return st.RefreshSchema(ctx, req.ConnectionID)
	}, func() error { return nil }) // still reading: schema:loaded tells how it ends
	return err
}

// DefinitionRequest names the object for ObjectDefinition (see
// schema.Object; a type of its own because a TypeScript class called Object
// would shadow the global one in the generated bindings).
type DefinitionRequest struct {
	ConnectionID string `json:"connectionId"`
	Kind         string `json:"kind"`
	Schema       string `json:"schema"`
	Name         string `json:"name"`
	Table        string `json:"table"`
	Arguments    string `json:"arguments"`
	argErr
}

func (r *DefinitionRequest) UnmarshalJSON(b []byte) error {
	type plain DefinitionRequest
	r.bad = decodeArg(b, (*plain)(r))
	return nil
}

// SchemaObjectsRequest names one schema of a connection.
type SchemaObjectsRequest struct {
	ConnectionID string `json:"connectionId"`
	Schema       string `json:"schema"`
	argErr
}

func (r *SchemaObjectsRequest) UnmarshalJSON(b []byte) error {
	type plain SchemaObjectsRequest
	r.bad = decodeArg(b, (*plain)(r))
	return nil
}

// SearchSchemaRequest finds objects of a connection by name.
type SearchSchemaRequest struct {
	ConnectionID string `json:"connectionId"`
	Text         string `json:"text"`
	argErr
}

func (r *SearchSchemaRequest) UnmarshalJSON(b []byte) error {
	type plain SearchSchemaRequest
	r.bad = decodeArg(b, (*plain)(r))
	return nil
}

// ObjectDefinition returns the SQL that creates an object ("Show definition").
func (a *App) ObjectDefinition(req DefinitionRequest) (string, error) {
	st, err := a.begin(req)
	if err != nil {
		return "", err
	}
	obj := schema.Object{Kind: req.Kind, Schema: req.Schema, Name: req.Name, Table: req.Table, Arguments: req.Arguments}
	return within(st, func(ctx context.Context) (string, error) {
		ctx, cancel := context.WithTimeout(ctx, state.SchemaLoadTimeout)
		defer cancel()
		return st.Definition(ctx, req.ConnectionID, obj)
	}, serverLate)
}
