package schema

import (
	"slices"
	"sync"
	"time"
)

// Cache is the introspected schema of one connection, as of LoadedAt. A Cache
// is replaced as a whole, never mutated after it is stored, so readers may
// share it without locking; its methods are safe for concurrent use. Build it
// with Load (or as a literal in tests); do not copy a Cache by value.
type Cache struct {
	// ConnectionID is the saved connection the cache belongs to.
	ConnectionID string `json:"connectionId"`
	// LoadedAt is when the catalog was read (UTC).
	LoadedAt time.Time `json:"loadedAt"`
	// LoadMs is how long Load took, in milliseconds.
	LoadMs int64 `json:"loadMs"`
	// ServerVersion is the server's version number (e.g. 150004).
	ServerVersion int `json:"serverVersion"`
	// Schemas lists the schemas the connection's user may use (USAGE), in
	// name order; schemas without USAGE are left out entirely.
	Schemas []Schema `json:"schemas"`
	// Extensions lists the installed extensions, in name order.
	Extensions []Extension `json:"extensions"`

	searchOnce sync.Once
	search     []entry // built by the first Search, see search.go
}

// Schema is one schema and the objects in it. Every slice is in name order
// and never nil in a loaded Cache.
type Schema struct {
	Name string `json:"name"`
	// System is true for pg_catalog and information_schema.
	System  bool   `json:"system"`
	Comment string `json:"comment"`
	// Tables holds tables, partitioned tables and foreign tables (partitions
	// included: see Table.PartitionOf).
	Tables []Table `json:"tables"`
	// Views holds views and materialized views.
	Views     []Table    `json:"views"`
	Functions []Function `json:"functions"`
	Sequences []Sequence `json:"sequences"`
	Types     []Type     `json:"types"`
}

// Relation kinds, as Table.Kind and Object.Kind spell them.
const (
	KindTable            = "table"
	KindPartitionedTable = "partitioned table"
	KindView             = "view"
	KindMaterializedView = "materialized view"
	KindForeignTable     = "foreign table"
	KindSequence         = "sequence"
)

// Table is a table, partitioned table, foreign table, view or materialized
// view.
type Table struct {
	Name string `json:"name"`
	// Kind is KindTable, KindPartitionedTable, KindForeignTable, KindView or
	// KindMaterializedView.
	Kind    string   `json:"kind"`
	Columns []Column `json:"columns"`
	// PrimaryKey lists the primary key's columns in key order; empty when
	// there is none.
	PrimaryKey  []string     `json:"primaryKey"`
	ForeignKeys []ForeignKey `json:"foreignKeys"`
	Indexes     []Index      `json:"indexes"`
	// Constraints lists every constraint (primary key, foreign key, unique,
	// check, exclusion) with its definition: primary key, unique, foreign
	// keys, checks, exclusion, each group by name.
	Constraints []Constraint `json:"constraints"`
	// RowEstimate is the planner's estimate of the number of rows: -1 when
	// the table was never vacuumed or analyzed (PostgreSQL 14+; older
	// servers report 0). Views report 0 or -1.
	RowEstimate int64 `json:"rowEstimate"`
	// SizeBytes estimates the main fork's size from relpages (as of the last
	// VACUUM/ANALYZE); 0 for views.
	SizeBytes int64 `json:"sizeBytes"`
	// PartitionOf is the parent of a partition, as "schema.table"
	// (unquoted); empty for other tables.
	PartitionOf string `json:"partitionOf"`
	Comment     string `json:"comment"`
}

// Column is a column of a table or view.
type Column struct {
	Name string `json:"name"`
	// Type is the type as format_type prints it, e.g. "character varying(20)".
	Type    string `json:"type"`
	NotNull bool   `json:"notNull"`
	// Default is the default expression; empty when there is none. For a
	// generated column it is the generation expression.
	Default string `json:"default"`
	// Ordinal is the column's position (attnum), from 1; dropped columns
	// leave gaps.
	Ordinal int `json:"ordinal"`
	// Identity is "always", "by default" or empty.
	Identity string `json:"identity"`
	// Generated is true for a generated (STORED) column.
	Generated bool `json:"generated"`
	// PrimaryKey and ForeignKey tell whether the column is part of the
	// primary key or of a foreign key (for the tree's icons).
	PrimaryKey bool   `json:"primaryKey"`
	ForeignKey bool   `json:"foreignKey"`
	Comment    string `json:"comment"`
}

// ForeignKey is a foreign key constraint.
type ForeignKey struct {
	Name    string   `json:"name"`
	Columns []string `json:"columns"`
	// RefSchema and RefTable name the referenced table; RefColumns its
	// columns, in the order that matches Columns.
	RefSchema  string   `json:"refSchema"`
	RefTable   string   `json:"refTable"`
	RefColumns []string `json:"refColumns"`
}

// Constraint kinds, as Constraint.Kind spells them.
const (
	ConstraintPrimaryKey = "primary key"
	ConstraintForeignKey = "foreign key"
	ConstraintUnique     = "unique"
	ConstraintCheck      = "check"
	ConstraintExclusion  = "exclusion"
)

// Constraint is a table constraint.
type Constraint struct {
	Name string `json:"name"`
	// Kind is one of the Constraint… constants.
	Kind    string   `json:"kind"`
	Columns []string `json:"columns"`
	// Definition is pg_get_constraintdef's text, e.g. "CHECK (qty > 0)".
	Definition string `json:"definition"`
	Comment    string `json:"comment"`
}

// Index is an index of a table or materialized view.
type Index struct {
	Name string `json:"name"`
	// Columns holds each key column: the column's name (unquoted, as
	// Column.Name) or, for an expression, its SQL text ("lower(email)").
	Columns []string `json:"columns"`
	// Include holds the INCLUDE columns' names.
	Include []string `json:"include"`
	Unique  bool     `json:"unique"`
	Primary bool     `json:"primary"`
	// Method is the access method: "btree", "hash", "gin", "gist", ….
	Method string `json:"method"`
	// Predicate is the WHERE clause of a partial index; empty otherwise.
	Predicate string `json:"predicate"`
	// Constraint is true when the index backs a primary key, unique or
	// exclusion constraint.
	Constraint bool   `json:"constraint"`
	Comment    string `json:"comment"`
}

// Function kinds, as Function.Kind spells them.
const (
	KindFunction  = "function"
	KindProcedure = "procedure"
	KindAggregate = "aggregate"
	KindWindow    = "window"
)

// Function is a function, procedure, aggregate or window function. Overloads
// are separate Functions with the same Name.
type Function struct {
	Name string `json:"name"`
	// Arguments is the identity argument list, e.g. "a integer, b text".
	Arguments string `json:"arguments"`
	// Result is the result type, e.g. "integer" or "TABLE(id integer)";
	// empty for a procedure.
	Result string `json:"result"`
	// Kind is KindFunction, KindProcedure, KindAggregate or KindWindow.
	Kind     string `json:"kind"`
	Language string `json:"language"`
	Comment  string `json:"comment"`
}

// Sequence is a sequence.
type Sequence struct {
	Name string `json:"name"`
	// OwnedBy is the column the sequence belongs to, as "table.column"
	// (serial or identity columns); empty for a free-standing sequence.
	OwnedBy string `json:"ownedBy"`
	// Identity is true for the implicit sequence of an identity column.
	Identity bool   `json:"identity"`
	Comment  string `json:"comment"`
}

// Type kinds, as Type.Kind spells them.
const (
	TypeEnum       = "enum"
	TypeDomain     = "domain"
	TypeComposite  = "composite"
	TypeRange      = "range"
	TypeMultirange = "multirange"
	TypeBase       = "base"
)

// Type is a user-visible data type: enum, domain, standalone composite,
// range, multirange or base type (array types are left out).
type Type struct {
	Name string `json:"name"`
	// Kind is one of the Type… constants.
	Kind string `json:"kind"`
	// Labels holds an enum's labels in sort order.
	Labels []string `json:"labels"`
	// BaseType, NotNull, Default and Checks describe a domain.
	BaseType string   `json:"baseType"`
	NotNull  bool     `json:"notNull"`
	Default  string   `json:"default"`
	Checks   []string `json:"checks"`
	// Attributes holds a composite type's attributes (name and type).
	Attributes []Column `json:"attributes"`
	Comment    string   `json:"comment"`
}

// Extension is an installed extension.
type Extension struct {
	Name    string `json:"name"`
	Version string `json:"version"`
	Schema  string `json:"schema"`
}

// SchemaNames returns the names of the schemas in the cache, in order, so
// that a tree can list them before asking for one with Schema.
func (c *Cache) SchemaNames() []string {
	names := make([]string, len(c.Schemas))
	for i := range c.Schemas {
		names[i] = c.Schemas[i].Name
	}
	return names
}

// Schema returns the schema called name (exact, case-sensitive match) and
// true, or a zero Schema and false. The result shares its slices with the
// cache: treat it as read-only.
func (c *Cache) Schema(name string) (Schema, bool) {
	i := slices.IndexFunc(c.Schemas, func(s Schema) bool { return s.Name == name })
	if i < 0 {
		return Schema{}, false
	}
	return c.Schemas[i], true
}
