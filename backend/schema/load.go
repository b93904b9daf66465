package schema

import (
	"context"
	"embed"
	"fmt"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"
)

// Querier runs a query and returns its rows. *connection.Conn, *pgx.Conn,
// pgx.Tx and *pgxpool.Pool all satisfy it.
type Querier interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
}

//go:embed queries/*.sql
var queryFiles embed.FS

// query returns the text of queries/<name>.sql; it panics when the file is
// missing, which the tests catch.
func query(name string) string {
	b, err := queryFiles.ReadFile("queries/" + name + ".sql")
	if err != nil {
		panic("schema: missing query " + name)
	}
	return string(b)
}

// The catalog queries Load runs, one round trip each.
var (
	queryVersion     = query("version")
	querySchemas     = query("schemas")
	queryRelations   = query("relations")
	queryColumns     = query("columns")
	queryConstraints = query("constraints")
	queryIndexes     = query("indexes")
	queryFunctions   = query("functions")
	queryTypes       = query("types")
	queryExtensions  = query("extensions")
)

// MinServerVersion is the oldest server Load supports (PostgreSQL 12: the
// queries read pg_attribute.attgenerated, new in 12, and pg_proc.prokind and
// pg_index.indnkeyatts, new in 11).
const MinServerVersion = 120000

// UnsupportedServerError is returned by Load for a server older than
// MinServerVersion.
type UnsupportedServerError struct {
	// Version is the server's server_version_num, e.g. 110022.
	Version int
}

func (e *UnsupportedServerError) Error() string {
	v := fmt.Sprintf("%d.%d", e.Version/10000, e.Version%10000)
	if e.Version < 100000 { // 9.6.24 is 90624
		v = fmt.Sprintf("%d.%d.%d", e.Version/10000, e.Version/100%100, e.Version%100)
	}
	return "schema: server version " + v + " is not supported (PostgreSQL 12 or newer is required)"
}

// Load reads the schema of the database q is connected to, as the
// connection's user sees it, and returns a new Cache for connectionID.
//
// It runs a fixed handful of set-based catalog queries (see the queries
// directory), one round trip each, whatever the number of objects, and
// assembles the result in memory; 10,000 tables load in well under a second.
// Schemas on which the user lacks USAGE are left out, with all their objects,
// instead of failing. The queries are not run in one snapshot: an object
// created or dropped while Load runs may be missing or lack some details.
// Load does not change the session's state, so q may be a pooled connection.
func Load(ctx context.Context, q Querier, connectionID string) (*Cache, error) {
	start := time.Now()
	c := &Cache{ConnectionID: connectionID, Schemas: []Schema{}, Extensions: []Extension{}}

	if err := scanRows(ctx, q, queryVersion, func(r pgx.Rows) error {
		return r.Scan(&c.ServerVersion)
	}); err != nil {
		return nil, fmt.Errorf("schema: read server version: %w", err)
	}
	if c.ServerVersion < MinServerVersion {
		return nil, &UnsupportedServerError{Version: c.ServerVersion}
	}

	b := builder{schemas: map[uint32]*schemaBuild{}, rels: map[uint32]*relBuild{}}
	steps := []struct {
		what string
		sql  string
		row  func(pgx.Rows) error
	}{
		{"schemas", querySchemas, b.schemaRow},
		{"relations", queryRelations, b.relationRow},
		{"columns", queryColumns, b.columnRow},
		{"constraints", queryConstraints, b.constraintRow},
		{"indexes", queryIndexes, b.indexRow},
		{"functions", queryFunctions, b.functionRow},
		{"types", queryTypes, b.typeRow},
		{"extensions", queryExtensions, func(r pgx.Rows) error {
			var e Extension
			if err := r.Scan(&e.Name, &e.Version, &e.Schema); err != nil {
				return err
			}
			c.Extensions = append(c.Extensions, e)
			return nil
		}},
	}
	for _, s := range steps {
		if err := scanRows(ctx, q, s.sql, s.row); err != nil {
			return nil, fmt.Errorf("schema: read %s: %w", s.what, err)
		}
	}
	c.Schemas = b.assemble()
	c.LoadedAt = time.Now().UTC()
	c.LoadMs = time.Since(start).Milliseconds()
	return c, nil
}

// scanRows runs sql with args and calls row for each row.
func scanRows(ctx context.Context, q Querier, sql string, row func(pgx.Rows) error, args ...any) error {
	rows, err := q.Query(ctx, sql, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := row(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

// builder collects catalog rows by oid and assembles the Schemas.
type builder struct {
	schemas map[uint32]*schemaBuild
	order   []*schemaBuild
	rels    map[uint32]*relBuild
}

type schemaBuild struct {
	Schema
	tables, views []*relBuild
}

type relBuild struct {
	Table
}

func (b *builder) schemaRow(r pgx.Rows) error {
	var oid uint32
	s := &schemaBuild{Schema: Schema{
		Tables: []Table{}, Views: []Table{}, Functions: []Function{}, Sequences: []Sequence{}, Types: []Type{},
	}}
	if err := r.Scan(&oid, &s.Name, &s.System, &s.Comment); err != nil {
		return err
	}
	b.schemas[oid] = s
	b.order = append(b.order, s)
	return nil
}

var relKinds = map[string]string{
	"r": KindTable,
	"p": KindPartitionedTable,
	"v": KindView,
	"m": KindMaterializedView,
	"f": KindForeignTable,
	"S": KindSequence,
}

func (b *builder) relationRow(r pgx.Rows) error {
	var (
		oid, nsp                 uint32
		name, kind, comment      string
		tuples                   float64
		size                     int64
		parentSchema, parentName string
		ownedBy                  string
		identity                 bool
	)
	if err := r.Scan(&oid, &nsp, &name, &kind, &tuples, &size, &comment,
		&parentSchema, &parentName, &ownedBy, &identity); err != nil {
		return err
	}
	s := b.schemas[nsp]
	if s == nil {
		return nil // schema created while loading
	}
	k := relKinds[kind]
	if k == KindSequence {
		s.Sequences = append(s.Sequences, Sequence{Name: name, OwnedBy: ownedBy, Identity: identity, Comment: comment})
		return nil
	}
	t := &relBuild{Table: Table{
		Name: name, Kind: k, Comment: comment, RowEstimate: int64(tuples), SizeBytes: size,
		Columns: []Column{}, PrimaryKey: []string{}, ForeignKeys: []ForeignKey{}, Indexes: []Index{}, Constraints: []Constraint{},
	}}
	if parentName != "" {
		t.PartitionOf = parentSchema + "." + parentName
	}
	if k == KindView || k == KindMaterializedView {
		s.views = append(s.views, t)
	} else {
		s.tables = append(s.tables, t)
	}
	b.rels[oid] = t
	return nil
}

func (b *builder) columnRow(r pgx.Rows) error {
	var (
		rel                 uint32
		c                   Column
		identity, generated string
	)
	if err := r.Scan(&rel, &c.Ordinal, &c.Name, &c.Type, &c.NotNull, &c.Default,
		&identity, &generated, &c.Comment); err != nil {
		return err
	}
	t := b.rels[rel]
	if t == nil {
		return nil
	}
	switch identity {
	case "a":
		c.Identity = "always"
	case "d":
		c.Identity = "by default"
	}
	c.Generated = generated != ""
	t.Columns = append(t.Columns, c)
	return nil
}

var constraintKinds = map[string]string{
	"p": ConstraintPrimaryKey,
	"f": ConstraintForeignKey,
	"u": ConstraintUnique,
	"c": ConstraintCheck,
	"x": ConstraintExclusion,
}

func (b *builder) constraintRow(r pgx.Rows) error {
	var (
		rel  uint32
		c    Constraint
		kind string
		keys []int16
		fk   ForeignKey
	)
	if err := r.Scan(&rel, &c.Name, &kind, &keys, &fk.RefSchema, &fk.RefTable, &fk.RefColumns,
		&c.Definition, &c.Comment); err != nil {
		return err
	}
	t := b.rels[rel]
	if t == nil {
		return nil
	}
	c.Kind = constraintKinds[kind]
	c.Columns = make([]string, len(keys))
	for i, k := range keys {
		c.Columns[i] = columnName(t.Columns, k)
	}
	t.Constraints = append(t.Constraints, c)
	switch c.Kind {
	case ConstraintPrimaryKey:
		t.PrimaryKey = c.Columns
		markColumns(t.Columns, c.Columns, func(col *Column) { col.PrimaryKey = true })
	case ConstraintForeignKey:
		fk.Name, fk.Columns = c.Name, c.Columns
		t.ForeignKeys = append(t.ForeignKeys, fk)
		markColumns(t.Columns, c.Columns, func(col *Column) { col.ForeignKey = true })
	}
	return nil
}

// columnName returns the name of the column with attnum num, or "" (a column
// added while Load ran).
func columnName(cols []Column, num int16) string {
	for i := range cols {
		if cols[i].Ordinal == int(num) {
			return cols[i].Name
		}
	}
	return ""
}

// markColumns calls mark for each column of cols named in names.
func markColumns(cols []Column, names []string, mark func(*Column)) {
	for _, n := range names {
		for i := range cols {
			if cols[i].Name == n {
				mark(&cols[i])
				break
			}
		}
	}
}

func (b *builder) indexRow(r pgx.Rows) error {
	var (
		rel         uint32
		ix          Index
		nkeys       int
		keys        []int16
		expressions []string
	)
	if err := r.Scan(&rel, &ix.Name, &nkeys, &keys, &expressions, &ix.Unique, &ix.Primary, &ix.Method,
		&ix.Predicate, &ix.Constraint, &ix.Comment); err != nil {
		return err
	}
	t := b.rels[rel]
	if t == nil {
		return nil
	}
	cols := make([]string, len(keys))
	for i, k := range keys {
		if k == 0 && i < len(expressions) {
			cols[i] = expressions[i]
		} else {
			cols[i] = columnName(t.Columns, k)
		}
	}
	nkeys = min(nkeys, len(cols))
	ix.Columns, ix.Include = cols[:nkeys:nkeys], cols[nkeys:]
	t.Indexes = append(t.Indexes, ix)
	return nil
}

var functionKinds = map[string]string{
	"f": KindFunction,
	"p": KindProcedure,
	"a": KindAggregate,
	"w": KindWindow,
}

func (b *builder) functionRow(r pgx.Rows) error {
	var (
		nsp  uint32
		f    Function
		kind string
	)
	if err := r.Scan(&nsp, &f.Name, &f.Arguments, &f.Result, &kind, &f.Language, &f.Comment); err != nil {
		return err
	}
	f.Kind = functionKinds[kind]
	if f.Kind == KindProcedure {
		f.Result = ""
	}
	if s := b.schemas[nsp]; s != nil {
		s.Functions = append(s.Functions, f)
	}
	return nil
}

var typeKinds = map[string]string{
	"e": TypeEnum,
	"d": TypeDomain,
	"c": TypeComposite,
	"r": TypeRange,
	"m": TypeMultirange,
	"b": TypeBase,
}

func (b *builder) typeRow(r pgx.Rows) error {
	var (
		nsp              uint32
		t                Type
		kind             string
		attrNames, types []string
	)
	if err := r.Scan(&nsp, &t.Name, &kind, &t.Labels, &t.BaseType, &t.NotNull, &t.Default, &t.Checks,
		&attrNames, &types, &t.Comment); err != nil {
		return err
	}
	t.Kind = typeKinds[kind]
	t.Attributes = make([]Column, len(attrNames))
	for i, n := range attrNames {
		t.Attributes[i] = Column{Name: n, Ordinal: i + 1}
		if i < len(types) {
			t.Attributes[i].Type = types[i]
		}
	}
	if s := b.schemas[nsp]; s != nil {
		s.Types = append(s.Types, t)
	}
	return nil
}

// assemble copies the collected objects into Schemas, in schema order.
func (b *builder) assemble() []Schema {
	byOrdinal := func(a, b Column) int { return a.Ordinal - b.Ordinal }
	out := make([]Schema, len(b.order))
	for i, s := range b.order {
		s.Tables = make([]Table, len(s.tables))
		for j, t := range s.tables {
			slices.SortFunc(t.Columns, byOrdinal)
			s.Tables[j] = t.Table
		}
		s.Views = make([]Table, len(s.views))
		for j, t := range s.views {
			slices.SortFunc(t.Columns, byOrdinal)
			s.Views[j] = t.Table
		}
		out[i] = s.Schema
	}
	return out
}
