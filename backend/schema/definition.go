package schema

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
)

// Object names one database object for Definition.
type Object struct {
	// Kind is KindTable, KindPartitionedTable, KindForeignTable, KindView,
	// KindMaterializedView, KindFunction, KindProcedure, KindIndex,
	// KindConstraint or KindSequence.
	Kind   string `json:"kind"`
	Schema string `json:"schema"`
	Name   string `json:"name"`
	// Table is the table of a constraint (or the domain of a domain
	// constraint); when empty, every constraint called Name in Schema is
	// returned.
	Table string `json:"table"`
	// Arguments picks one overload of a function or procedure by its
	// identity arguments (Function.Arguments); when empty, every overload
	// called Name is returned.
	Arguments string `json:"arguments"`
}

// Object kinds that are not relation or function kinds.
const (
	KindIndex      = "index"
	KindConstraint = "constraint"
)

// ErrNotFound is returned (wrapped) by Definition when no object matches.
var ErrNotFound = errors.New("object not found")

// ErrUnsupportedKind is returned (wrapped) by Definition for a kind it cannot
// show.
var ErrUnsupportedKind = errors.New("unsupported object kind")

// Definition returns the SQL that creates obj, as the user would write it:
// CREATE VIEW from pg_get_viewdef, CREATE MATERIALIZED VIEW (with its
// indexes), CREATE FUNCTION/PROCEDURE from pg_get_functiondef, CREATE INDEX
// from pg_get_indexdef, ALTER TABLE … ADD CONSTRAINT from
// pg_get_constraintdef, CREATE SEQUENCE from pg_sequence, and for tables a
// CREATE TABLE reconstructed from the catalog (columns with type, collation,
// DEFAULT, identity, generation expression and NOT NULL; primary key, unique,
// check and exclusion constraints inline; partitioning, inheritance, storage
// and foreign-table options; then foreign keys as ALTER TABLE, the indexes
// that back no constraint, and the COMMENTs). Comments are included for
// every kind. Several matches (overloads, a constraint name used by several
// tables) are separated by a blank line.
//
// Identifiers are quoted as quote_ident does. The object's own name is always
// schema-qualified; names inside expressions and types are qualified only
// when they are not visible on the session's search_path, as in psql's \d.
// Like \d, Definition reads the catalogs, which every role may read, and
// checks no privilege on the object.
func Definition(ctx context.Context, q Querier, obj Object) (string, error) {
	var (
		sql  string
		args = []any{obj.Schema, obj.Name}
	)
	switch obj.Kind {
	case KindTable, KindPartitionedTable, KindForeignTable:
		return tableDefinition(ctx, q, obj)
	case KindView:
		sql = queryDefView
	case KindMaterializedView:
		sql = queryDefMatview
	case KindFunction, KindProcedure, KindWindow:
		sql, args = queryDefFunction, append(args, obj.Arguments)
	case KindIndex:
		sql = queryDefIndex
	case KindConstraint:
		sql, args = queryDefConstraint, append(args, obj.Table)
	case KindSequence:
		sql = queryDefSequence
	default:
		return "", fmt.Errorf("schema: definition of %q: %w", obj.Kind, ErrUnsupportedKind)
	}
	var parts []string
	err := scanRows(ctx, q, sql, func(r pgx.Rows) error {
		var s string
		if err := r.Scan(&s); err != nil {
			return err
		}
		parts = append(parts, strings.TrimRight(s, "\n"))
		return nil
	}, args...)
	if err != nil {
		return "", fmt.Errorf("schema: definition of %s %s.%s: %w", obj.Kind, obj.Schema, obj.Name, err)
	}
	if len(parts) == 0 {
		return "", fmt.Errorf("schema: definition of %s %s.%s: %w", obj.Kind, obj.Schema, obj.Name, ErrNotFound)
	}
	return strings.Join(parts, "\n\n") + "\n", nil
}

// The catalog queries Definition runs.
var (
	queryDefView             = query("def_view")
	queryDefMatview          = query("def_matview")
	queryDefFunction         = query("def_function")
	queryDefIndex            = query("def_index")
	queryDefConstraint       = query("def_constraint")
	queryDefSequence         = query("def_sequence")
	queryDefTable            = query("def_table")
	queryDefTableColumns     = query("def_table_columns")
	queryDefTableConstraints = query("def_table_constraints")
	queryDefTableIndexes     = query("def_table_indexes")
)

// tableDefinition reconstructs CREATE TABLE from the catalog.
func tableDefinition(ctx context.Context, q Querier, obj Object) (string, error) {
	fail := func(err error) (string, error) {
		return "", fmt.Errorf("schema: definition of table %s.%s: %w", obj.Schema, obj.Name, err)
	}
	var (
		oid                                                uint32
		qname, kind, partOf, bound, partBy, inherits, opts string
		server, serverOpts, comment                        string
		unlogged, found                                    bool
	)
	err := scanRows(ctx, q, queryDefTable, func(r pgx.Rows) error {
		found = true
		return r.Scan(&oid, &qname, &kind, &unlogged, &partOf, &bound, &partBy, &inherits, &opts,
			&server, &serverOpts, &comment)
	}, obj.Schema, obj.Name)
	if err != nil {
		return fail(err)
	}
	if !found {
		return fail(ErrNotFound)
	}

	var (
		body     []string // column and constraint lines inside CREATE TABLE
		after    []string // statements after it
		comments []string
	)
	err = scanRows(ctx, q, queryDefTableColumns, func(r pgx.Rows) error {
		var (
			name, typ, coll, def, identity, generated, cmt string
			notNull, local                                 bool
		)
		if err := r.Scan(&name, &typ, &coll, &notNull, &def, &identity, &generated, &local, &cmt); err != nil {
			return err
		}
		if cmt != "" {
			comments = append(comments, fmt.Sprintf("COMMENT ON COLUMN %s.%s IS %s;", qname, name, quoteLiteral(cmt)))
		}
		if !local || partOf != "" {
			return nil // comes from the parent
		}
		line := name + " " + typ
		if coll != "" {
			line += " COLLATE " + coll
		}
		switch {
		case identity == "a":
			line += " GENERATED ALWAYS AS IDENTITY"
		case identity == "d":
			line += " GENERATED BY DEFAULT AS IDENTITY"
		case generated == "s":
			line += " GENERATED ALWAYS AS (" + def + ") STORED"
		case def != "":
			line += " DEFAULT " + def
		}
		if notNull {
			line += " NOT NULL"
		}
		body = append(body, line)
		return nil
	}, oid)
	if err != nil {
		return fail(err)
	}

	err = scanRows(ctx, q, queryDefTableConstraints, func(r pgx.Rows) error {
		var name, kind, def, cmt string
		if err := r.Scan(&name, &kind, &def, &cmt); err != nil {
			return err
		}
		if kind == "f" || partOf != "" {
			after = append(after, fmt.Sprintf("ALTER TABLE %s ADD CONSTRAINT %s %s;", qname, name, def))
		} else {
			body = append(body, "CONSTRAINT "+name+" "+def)
		}
		if cmt != "" {
			comments = append(comments, fmt.Sprintf("COMMENT ON CONSTRAINT %s ON %s IS %s;", name, qname, quoteLiteral(cmt)))
		}
		return nil
	}, oid)
	if err != nil {
		return fail(err)
	}

	var indexes []string
	err = scanRows(ctx, q, queryDefTableIndexes, func(r pgx.Rows) error {
		var def, name, cmt string
		if err := r.Scan(&def, &name, &cmt); err != nil {
			return err
		}
		indexes = append(indexes, def+";")
		if cmt != "" {
			comments = append(comments, fmt.Sprintf("COMMENT ON INDEX %s IS %s;", name, quoteLiteral(cmt)))
		}
		return nil
	}, oid)
	if err != nil {
		return fail(err)
	}

	var b strings.Builder
	b.WriteString("CREATE ")
	switch {
	case kind == "f":
		b.WriteString("FOREIGN ")
	case unlogged:
		b.WriteString("UNLOGGED ")
	}
	b.WriteString("TABLE " + qname)
	if partOf != "" {
		b.WriteString(" PARTITION OF " + partOf + "\n" + bound)
	} else {
		b.WriteString(" (\n")
		for i, l := range body {
			b.WriteString("    " + l)
			if i < len(body)-1 {
				b.WriteString(",")
			}
			b.WriteString("\n")
		}
		b.WriteString(")")
		if inherits != "" {
			b.WriteString("\nINHERITS (" + inherits + ")")
		}
	}
	if partBy != "" {
		b.WriteString("\nPARTITION BY " + partBy)
	}
	if server != "" {
		b.WriteString("\nSERVER " + server)
		if serverOpts != "" {
			b.WriteString("\nOPTIONS (" + serverOpts + ")")
		}
	}
	if opts != "" {
		b.WriteString("\nWITH (" + opts + ")")
	}
	b.WriteString(";\n")
	if comment != "" {
		what := "TABLE"
		if kind == "f" {
			what = "FOREIGN TABLE"
		}
		comments = append([]string{fmt.Sprintf("COMMENT ON %s %s IS %s;", what, qname, quoteLiteral(comment))}, comments...)
	}
	for _, group := range [][]string{after, indexes, comments} {
		if len(group) > 0 {
			b.WriteString("\n" + strings.Join(group, "\n") + "\n")
		}
	}
	return b.String(), nil
}

// quoteLiteral quotes s as an SQL string literal, as PQescapeLiteral does: an
// E” literal with doubled backslashes when s contains a backslash, so it
// reads the same whatever standard_conforming_strings is.
func quoteLiteral(s string) string {
	q := "'" + strings.ReplaceAll(s, "'", "''") + "'"
	if strings.Contains(s, `\`) {
		return "E" + strings.ReplaceAll(q, `\`, `\\`)
	}
	return q
}
