package tabledata

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/tusk-app/tusk/backend/apperr"
	"github.com/tusk-app/tusk/backend/ident"
)

// Conn is what the package needs of a database connection:
// *connection.Conn and *pgx.Conn satisfy it. Like them, it is used from one
// goroutine at a time.
type Conn interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	SendBatch(ctx context.Context, b *pgx.Batch) pgx.BatchResults
	PgConn() *pgconn.PgConn
}

//go:embed queries/*.sql
var queryFiles embed.FS

func catalogQuery(name string) string {
	b, err := queryFiles.ReadFile("queries/" + name + ".sql")
	if err != nil {
		panic("tabledata: missing query " + name)
	}
	return string(b)
}

var (
	queryRelation = catalogQuery("relation")
	queryColumns  = catalogQuery("columns")
	queryKeys     = catalogQuery("keys")
	queryQuantile = catalogQuery("quantile")
	queryRelNames = catalogQuery("relnames")
)

// Kind is the kind of a relation a data tab shows.
type Kind string

// The kinds of relation a data tab opens.
const (
	KindTable            Kind = "table"
	KindPartitionedTable Kind = "partitioned_table"
	KindView             Kind = "view"
	KindMaterializedView Kind = "materialized_view"
	KindForeignTable     Kind = "foreign_table"
)

var relkinds = map[string]Kind{"r": KindTable, "p": KindPartitionedTable, "v": KindView, "m": KindMaterializedView, "f": KindForeignTable}

// Category groups types by the editor that fits them.
type Category string

// The type categories of a Column (from pg_type.typcategory of the base type,
// with json, jsonb, uuid and bytea singled out).
const (
	CategoryText     Category = "text"
	CategoryNumber   Category = "number"
	CategoryBoolean  Category = "boolean"
	CategoryDateTime Category = "datetime" // date, time, timestamp and interval types
	CategoryJSON     Category = "json"     // json and jsonb
	CategoryArray    Category = "array"
	CategoryRange    Category = "range" // ranges and multiranges
	CategoryEnum     Category = "enum"
	CategoryUUID     Category = "uuid"
	CategoryBytea    Category = "bytea"
	CategoryOther    Category = "other" // composite, geometric, network, bit strings, …
)

// Type OIDs singled out (pg_type.oid, stable across versions).
const (
	oidBytea = 17
	oidJSON  = 114
	oidJSONB = 3802
	oidUUID  = 2950
	oidText  = 25
)

// Ref names a relation: by OID when OID is not 0, else by schema and name
// (exact, case-sensitive names as the catalog stores them).
type Ref struct {
	Schema string `json:"schema"`
	Name   string `json:"name"`
	OID    uint32 `json:"oid"`
}

// Column is one column of a Relation.
type Column struct {
	// Name is the column name as stored in the catalog.
	Name string `json:"name"`
	// Number is the column's attnum (1-based; numbers of dropped columns
	// are skipped), as a query result's field description reports it.
	Number int `json:"number"`
	// Type is the declared type with its modifier, as format_type shows
	// it: "character varying(20)", "numeric(10,2)", "app.mood[]".
	Type    string `json:"type"`
	TypeOID uint32 `json:"typeOid"`
	// Domain is the domain's name when the column's type is a domain
	// ("" otherwise); BaseType is then the type under it, else the type.
	Domain   string   `json:"domain"`
	BaseType string   `json:"baseType"`
	Category Category `json:"category"`
	// ElementType is the element type of an array column ("" otherwise).
	ElementType string `json:"elementType"`
	// EnumLabels are the labels of an enum column, or of the elements of an
	// array of an enum, in their sort order; empty otherwise.
	EnumLabels []string `json:"enumLabels"`
	// Nullable is false for NOT NULL columns (or a NOT NULL domain).
	Nullable bool `json:"nullable"`
	// Default is the DEFAULT expression, "" when there is none.
	Default string `json:"default"`
	// Generated is the expression of a GENERATED ALWAYS AS (…) STORED
	// column, "" for other columns. Generated columns are never written.
	Generated string `json:"generated"`
	// Identity is "always", "by default" or "" for an identity column.
	// GENERATED ALWAYS identity columns are never written.
	Identity string `json:"identity"`
	// Writable reports whether edits may set the column: not generated,
	// not identity-always, updatable through a view, and the caller may
	// UPDATE it (InsertWritable: INSERT it).
	Writable       bool `json:"writable"`
	InsertWritable bool `json:"insertWritable"`
	// Sortable reports whether the type has an ordering (a default btree
	// operator class): only such columns can be sorted on, compared with
	// <, >, between, or be part of a key. Others compare as text.
	Sortable bool `json:"sortable"`
	// Operators are the filter operators that fit the type.
	Operators []Operator `json:"operators"`
	// InKey reports whether the column is one of Relation.Key.
	InKey   bool   `json:"inKey"`
	Comment string `json:"comment"`

	castType  string // format_type(type, NULL): the type for casts, without modifier
	baseOID   uint32
	baseType  string // typtype of the base type: b, c, e, r, m
	typmod    int32
	updatable bool // pg_column_is_updatable
	mayInsert bool // column privilege
	mayUpdate bool // column privilege
}

// Relation is what the data tab knows about a table, view, materialized
// view, partitioned table or foreign table: its columns, the key used to
// order and edit rows, and whether (and why not) it can be edited. A
// Relation is immutable once Describe returns it and safe to share.
type Relation struct {
	OID    uint32 `json:"oid"`
	Schema string `json:"schema"`
	Name   string `json:"name"`
	Kind   Kind   `json:"kind"`
	// Columns are in the table's column order.
	Columns []Column `json:"columns"`
	// Key names the columns that identify a row (see KeySource); empty when
	// there is none. Pages are ordered by it (after the user's sort), and
	// edits find their row by it.
	Key []string `json:"key"`
	// KeySource says where Key comes from: "primary key", "unique index
	// <name>", or for a view "primary key of <base>" / "unique index <name>
	// of <base>"; "" without a key.
	KeySource string `json:"keySource"`
	// Editable reports whether rows can be changed at all; ReadOnlyReason
	// says why not (the first reason that applies), "" when editable.
	Editable       bool   `json:"editable"`
	ReadOnlyReason string `json:"readOnlyReason"`
	// CanInsert, CanUpdate and CanDelete refine Editable: the server's
	// updatability of the relation and the caller's privileges. All false
	// when not Editable.
	CanInsert bool `json:"canInsert"`
	CanUpdate bool `json:"canUpdate"`
	CanDelete bool `json:"canDelete"`
	// RowEstimate is pg_class.reltuples: the row count the last VACUUM or
	// ANALYZE saw, -1 when never analyzed (0 for views). Page reports the
	// planner's current estimate, which also covers filters.
	RowEstimate int64  `json:"rowEstimate"`
	Comment     string `json:"comment"`

	// order is the tie-breaking order: the key, or for tables without one
	// the physical row address.
	order []orderCol
	// offsetPaging is set for relations without key or row address (views
	// and foreign tables without a key): pages then use OFFSET.
	offsetPaging bool
}

// Qualified returns the relation's quoted, schema-qualified name.
func (r *Relation) Qualified() string { return ident.Qualified(r.Schema, r.Name) }

// Column returns the column called name.
func (r *Relation) Column(name string) (*Column, bool) {
	for i := range r.Columns {
		if r.Columns[i].Name == name {
			return &r.Columns[i], true
		}
	}
	return nil, false
}

func (r *Relation) columnIndex(name string) int {
	for i := range r.Columns {
		if r.Columns[i].Name == name {
			return i
		}
	}
	return -1
}

// ErrNotFound is matched (errors.Is) by the error Describe returns for a
// relation that does not exist, or is not a table, view, materialized view,
// partitioned or foreign table.
var ErrNotFound = errors.New("no such table or view")

// DescribeOptions tune Describe.
type DescribeOptions struct {
	// ReadOnly marks the connection read-only (connection.Options.ReadOnly):
	// nothing is editable.
	ReadOnly bool
}

// maxViewDepth bounds how many views over views Describe follows to find a
// key.
const maxViewDepth = 8

// Describe reads what the data tab needs about a relation from the catalog
// of the database c is connected to: its columns, the key, and whether it
// can be edited. It sends its three catalog queries in one round trip (and,
// for a view, describes the view's query to find the key of its base
// table). It does not change the session's state, so c may be a pooled
// connection.
func Describe(ctx context.Context, c Conn, ref Ref, opts DescribeOptions) (*Relation, error) {
	return describe(ctx, c, ref, opts, 0)
}

func describe(ctx context.Context, c Conn, ref Ref, opts DescribeOptions, depth int) (*Relation, error) {
	r := &Relation{Columns: []Column{}, Key: []string{}}
	var (
		relkind                         string
		tuples                          float64
		events                          int32
		mayRead, mayIns, mayUpd, mayDel bool
		txReadOnly, inRecovery          bool
		viewDef                         string
	)
	// The three catalog queries go in one round trip; columns and keys
	// find the relation by the same reference.
	batch := &pgx.Batch{}
	batch.Queue(queryRelation, ref.OID, ref.Schema, ref.Name)
	batch.Queue(queryColumns, ref.OID, ref.Schema, ref.Name)
	batch.Queue(queryKeys, ref.OID, ref.Schema, ref.Name)
	br := c.SendBatch(ctx, batch)
	defer br.Close()
	rows, err := br.Query()
	if err != nil {
		return nil, fmt.Errorf("describe %s: %w", refName(ref), err)
	}
	found := false
	for rows.Next() {
		found = true
		if err := rows.Scan(&r.OID, &r.Schema, &r.Name, &relkind, &tuples, &events, &mayRead, &mayIns, &mayUpd, &mayDel,
			&txReadOnly, &inRecovery, &r.Comment, &viewDef); err != nil {
			rows.Close()
			return nil, fmt.Errorf("describe %s: %w", refName(ref), err)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("describe %s: %w", refName(ref), err)
	}
	if !found {
		return nil, apperr.Wrap(apperr.Validation, fmt.Sprintf("%s does not exist or is not a table or view", refName(ref)), ErrNotFound).
			WithHint("Refresh the schema: it may have been dropped or renamed.")
	}
	if err := r.readColumns(br); err != nil {
		return nil, err
	}
	keys, err := r.readKeys(br)
	if err != nil {
		return nil, err
	}
	if err := br.Close(); err != nil {
		return nil, fmt.Errorf("describe %s: %w", r.Qualified(), err)
	}
	r.Kind = relkinds[relkind]
	r.RowEstimate = int64(tuples)
	key, source, err := r.findKey(ctx, c, keys, viewDef, opts, depth)
	if err != nil {
		return nil, err
	}
	r.Key, r.KeySource = key, source
	for i := range r.Columns {
		r.Columns[i].InKey = slices.Contains(r.Key, r.Columns[i].Name)
	}
	r.setOrder()

	const (
		evUpdate = 1 << 2
		evInsert = 1 << 3
		evDelete = 1 << 4
	)
	reason := ""
	switch {
	case !mayRead:
		reason = "you have no SELECT privilege on it"
	case opts.ReadOnly:
		reason = "the connection is read-only"
	case inRecovery:
		reason = "the server is a read-only standby (in recovery)"
	case txReadOnly:
		reason = "the server makes sessions read-only (default_transaction_read_only)"
	case r.Kind == KindMaterializedView:
		reason = "a materialized view cannot be edited; change its tables and refresh it"
	case r.Kind == KindView && events&(evUpdate|evInsert|evDelete) == 0:
		reason = "the view is not automatically updatable (it joins tables, aggregates, uses DISTINCT, set operations or similar)"
	case r.Kind == KindForeignTable && events&(evUpdate|evInsert|evDelete) == 0:
		reason = "the foreign table's data wrapper does not support changes"
	case len(r.Key) == 0:
		reason = noKeyReason(r, viewDef)
	case !mayIns && !mayUpd && !mayDel:
		reason = "you have no INSERT, UPDATE or DELETE privilege on it"
	}
	r.ReadOnlyReason = reason
	r.Editable = reason == ""
	if r.Editable {
		r.CanInsert = mayIns && events&evInsert != 0
		r.CanUpdate = mayUpd && events&evUpdate != 0
		r.CanDelete = mayDel && events&evDelete != 0
	}
	for i := range r.Columns {
		col := &r.Columns[i]
		fixed := col.Generated != "" || col.Identity == "always" || !col.updatable
		col.Writable = r.CanUpdate && !fixed && col.mayUpdate
		col.InsertWritable = r.CanInsert && !fixed && col.mayInsert
	}
	return r, nil
}

func noKeyReason(r *Relation, viewDef string) string {
	switch r.Kind {
	case KindView:
		if viewDef != "" {
			return "no key reaches the view: it must show every column of a primary key or of a unique index over NOT NULL columns of its table"
		}
		return "the view has no key"
	case KindForeignTable:
		return "a foreign table has no primary key or unique index to find rows by"
	}
	return "the table has no primary key and no unique index over NOT NULL columns, so a row cannot be told apart from its duplicates"
}

func refName(ref Ref) string {
	if ref.OID != 0 {
		return fmt.Sprintf("relation %d", ref.OID)
	}
	return ident.Qualified(ref.Schema, ref.Name)
}

func (r *Relation) readColumns(br pgx.BatchResults) error {
	rows, err := br.Query()
	if err != nil {
		return fmt.Errorf("describe the columns of %s: %w", r.Qualified(), err)
	}
	defer rows.Close()
	for rows.Next() {
		var (
			col                Column
			baseCat, domain    string
			notNull            bool
			identity, baseKind string
		)
		if err := rows.Scan(&col.Number, &col.Name, &col.Type, &col.castType, &col.TypeOID, &col.typmod,
			&col.baseOID, &col.BaseType, &baseCat, &baseKind, &domain, &col.ElementType,
			&col.EnumLabels, &notNull, &col.Default, &col.Generated, &identity, &col.updatable,
			&col.mayInsert, &col.mayUpdate, &col.Sortable, &col.Comment); err != nil {
			return fmt.Errorf("describe the columns of %s: %w", r.Qualified(), err)
		}
		col.Domain = domain
		col.baseType = baseKind
		col.Nullable = !notNull
		col.Identity = map[string]string{"a": "always", "d": "by default"}[identity]
		col.Category = category(col.baseOID, baseCat, baseKind)
		if col.EnumLabels == nil {
			col.EnumLabels = []string{}
		}
		col.Operators = col.operators()
		r.Columns = append(r.Columns, col)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("describe the columns of %s: %w", r.Qualified(), err)
	}
	return nil
}

func category(oid uint32, typcategory, typtype string) Category {
	switch oid {
	case oidJSON, oidJSONB:
		return CategoryJSON
	case oidUUID:
		return CategoryUUID
	case oidBytea:
		return CategoryBytea
	}
	switch {
	case typtype == "e":
		return CategoryEnum
	case typtype == "r" || typtype == "m":
		return CategoryRange
	}
	switch typcategory {
	case "S":
		return CategoryText
	case "N":
		return CategoryNumber
	case "B":
		return CategoryBoolean
	case "D", "T":
		return CategoryDateTime
	case "A":
		return CategoryArray
	}
	return CategoryOther
}

// index is a unique index that may serve as the key.
type index struct {
	name    string
	primary bool
	cols    []int32
}

func (r *Relation) readKeys(br pgx.BatchResults) ([]index, error) {
	rows, err := br.Query()
	if err != nil {
		return nil, fmt.Errorf("read the keys of %s: %w", r.Qualified(), err)
	}
	defer rows.Close()
	var idx []index
	for rows.Next() {
		var x index
		if err := rows.Scan(&x.name, &x.primary, &x.cols); err != nil {
			return nil, fmt.Errorf("read the keys of %s: %w", r.Qualified(), err)
		}
		idx = append(idx, x)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read the keys of %s: %w", r.Qualified(), err)
	}
	return idx, nil
}

// findKey picks the key: the primary key, else the first unique index over
// NOT NULL columns; for a view, such a key of its base relation, when the
// view shows all of its columns unchanged.
func (r *Relation) findKey(ctx context.Context, c Conn, idx []index, viewDef string, opts DescribeOptions, depth int) ([]string, string, error) {
	if r.Kind == KindView {
		return r.viewKey(ctx, c, viewDef, opts, depth)
	}
next:
	for _, x := range idx {
		var names []string
		for _, n := range x.cols {
			col := r.columnByNumber(int(n))
			if col == nil || col.Nullable {
				continue next
			}
			names = append(names, col.Name)
		}
		if x.primary {
			return names, "primary key", nil
		}
		return names, "unique index " + ident.Quote(x.name), nil
	}
	return []string{}, "", nil
}

func (r *Relation) columnByNumber(n int) *Column {
	for i := range r.Columns {
		if r.Columns[i].Number == n {
			return &r.Columns[i]
		}
	}
	return nil
}

// viewKey finds the key of an automatically updatable view: it describes
// the view's defining query (without running it) and reads, from the field
// descriptions, which base-table column each view column shows unchanged;
// when every column of the base relation's key is shown, those view
// columns are the view's key. Views over views are followed.
func (r *Relation) viewKey(ctx context.Context, c Conn, viewDef string, opts DescribeOptions, depth int) ([]string, string, error) {
	def := strings.TrimSpace(viewDef)
	def = strings.TrimSpace(strings.TrimSuffix(def, ";"))
	if def == "" || depth >= maxViewDepth {
		return []string{}, "", nil
	}
	sd, err := c.PgConn().Prepare(ctx, "", def, nil)
	if err != nil {
		// A view the server cannot re-plan (a dropped dependency is
		// impossible; a privilege is not) simply has no usable key.
		return []string{}, "", nil
	}
	if len(sd.Fields) != len(r.Columns) {
		return []string{}, "", nil
	}
	base := uint32(0)
	origin := map[uint16]string{} // base attnum → view column
	for i, f := range sd.Fields {
		if f.TableOID == 0 || f.TableAttributeNumber == 0 {
			continue
		}
		if base == 0 {
			base = f.TableOID
		}
		if f.TableOID != base {
			return []string{}, "", nil
		}
		if _, dup := origin[f.TableAttributeNumber]; !dup {
			origin[f.TableAttributeNumber] = r.Columns[i].Name
		}
	}
	if base == 0 {
		return []string{}, "", nil
	}
	b, err := describe(ctx, c, Ref{OID: base}, opts, depth+1)
	if err != nil {
		return nil, "", err
	}
	if len(b.Key) == 0 {
		return []string{}, "", nil
	}
	key := make([]string, 0, len(b.Key))
	for _, k := range b.Key {
		bc, _ := b.Column(k)
		name, ok := origin[uint16(bc.Number)]
		if !ok {
			return []string{}, "", nil
		}
		key = append(key, name)
	}
	if b.Kind == KindView {
		return key, b.KeySource, nil // already names the table it comes from
	}
	return key, b.KeySource + " of " + b.Qualified(), nil
}
