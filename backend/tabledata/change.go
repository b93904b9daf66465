package tabledata

import (
	"fmt"
	"strings"

	"github.com/tusk-app/tusk/backend/apperr"
	"github.com/tusk-app/tusk/backend/ident"
)

// ChangeKind is what a Change does to a row.
type ChangeKind string

// The kinds of Change. A duplicated row is an insert whose values were
// copied from another row.
const (
	ChangeUpdate ChangeKind = "update"
	ChangeInsert ChangeKind = "insert"
	ChangeDelete ChangeKind = "delete"
)

// ValueKind says what a cell is set to.
type ValueKind string

// What a cell can be set to. NULL, the empty string and the text "NULL"
// are three different values: {null}, {text ""} and {text "NULL"}.
const (
	ValueText    ValueKind = "text"    // Value.Text, in the type's text format
	ValueNull    ValueKind = "null"    // SQL NULL
	ValueDefault ValueKind = "default" // the column's DEFAULT (SET col = DEFAULT)
)

// Value is a cell's new value.
type Value struct {
	Kind ValueKind `json:"kind"`
	Text string    `json:"text"`
}

// Text returns a ValueText value.
func Text(s string) Value { return Value{Kind: ValueText, Text: s} }

// FromCells turns a loaded row, by column name with nil for NULL, into the
// values of Change.Old.
func FromCells(cells map[string]*string) map[string]Value {
	out := make(map[string]Value, len(cells))
	for k, v := range cells {
		if v == nil {
			out[k] = Null
		} else {
			out[k] = Text(*v)
		}
	}
	return out
}

// Null is the SQL NULL value.
var Null = Value{Kind: ValueNull}

// Default is the column default.
var Default = Value{Kind: ValueDefault}

// Change is one pending change of one row.
type Change struct {
	// ID is the caller's name for the change (a grid row id), echoed in
	// statements, results and failures.
	ID   string     `json:"id"`
	Kind ChangeKind `json:"kind"`
	// Old is the row as it was loaded, by column name (update and delete),
	// each cell {text} or {null}. It must hold every key column, and for an
	// update every changed column: the statement finds the row by the key
	// and only changes it if those columns still hold these values. A
	// delete compares every column it holds (leave out cells that were
	// truncated).
	Old map[string]Value `json:"old"`
	// New holds the cells to set (update) or to insert (insert; columns
	// not given get their DEFAULT), by column name.
	New map[string]Value `json:"new"`
}

// Statement is one statement of a Plan.
type Statement struct {
	// Change is the index of the change it comes from; ChangeID its ID.
	Change   int        `json:"change"`
	ChangeID string     `json:"changeId"`
	Kind     ChangeKind `json:"kind"`
	// SQL is what runs, each value a $n parameter; Review the same
	// statement with the values written as literals.
	SQL    string `json:"sql"`
	Review string `json:"review"`
	// Args are the parameters of SQL in text format, nil for NULL.
	Args [][]byte `json:"-"`

	column string // the one cell an update sets, to pin errors on
}

// Plan is the statements a set of changes becomes, in the order given.
type Plan struct {
	Statements []Statement `json:"statements"`
	// Script is the whole transaction as the user reviews it: BEGIN, every
	// statement with its values as literals, COMMIT.
	Script string `json:"script"`

	probes []probe
	old    map[int]map[string]*string // each change's loaded row, by change index
}

// Plan turns changes into statements, in order:
//
//	UPDATE t SET c = $1 WHERE k = $2 AND c IS NOT DISTINCT FROM $3 RETURNING *
//	INSERT INTO t (a, b) VALUES ($1, DEFAULT) RETURNING *   (DEFAULT VALUES when nothing is given)
//	DELETE FROM t WHERE k = $1 AND a IS NOT DISTINCT FROM $2 …
//
// Generated and identity-always columns are never written; columns that
// have no ordering (json, xml, point…) are compared by their text. A
// change that cannot be planned fails the whole plan with a Validation
// error naming each field ("changes.2.new.price"). Plan checks no value
// against its type: Commit and Review do, on the server.
func (r *Relation) Plan(changes []Change) (*Plan, error) {
	if !r.Editable {
		return nil, apperr.New(apperr.Validation, r.Qualified()+" cannot be edited: "+r.ReadOnlyReason).WithHint(readOnlyHint(r))
	}
	p := &Plan{Statements: []Statement{}, old: map[int]map[string]*string{}}
	var errs []apperr.FieldError
	seen := map[string]int{}
	for i, ch := range changes {
		path := fmt.Sprintf("changes.%d", i)
		old, es := loadedCells(ch.Old, path)
		st, more := r.planChange(i, ch, old, path, &p.probes)
		es = append(es, more...)
		errs = append(errs, es...)
		if len(es) > 0 {
			continue
		}
		if ch.Kind != ChangeInsert {
			k := r.keyString(old)
			if j, dup := seen[k]; dup {
				errs = append(errs, apperr.FieldError{Field: path, Message: fmt.Sprintf("changes %d and %d both change the same row; merge them into one", j, i)})
				continue
			}
			seen[k] = i
		}
		p.Statements = append(p.Statements, st)
		p.old[i] = old
	}
	if len(errs) > 0 {
		return nil, apperr.ValidationError(errs...)
	}
	var b strings.Builder
	b.WriteString("BEGIN;\n")
	for _, s := range p.Statements {
		b.WriteString(s.Review)
		b.WriteString(";\n")
	}
	b.WriteString("COMMIT;\n")
	p.Script = b.String()
	return p, nil
}

func readOnlyHint(r *Relation) string {
	switch {
	case strings.Contains(r.ReadOnlyReason, "read-only") || strings.Contains(r.ReadOnlyReason, "standby"):
		return "Use a connection that may write, or edit the data on the primary server."
	case len(r.Key) == 0:
		return "Add a primary key (or a unique index over NOT NULL columns) to edit rows in the grid, or change them with SQL."
	}
	return "Change the data with SQL in an editor tab."
}

// loadedCells turns Change.Old into cells, nil for NULL.
func loadedCells(old map[string]Value, path string) (map[string]*string, []apperr.FieldError) {
	out := make(map[string]*string, len(old))
	var errs []apperr.FieldError
	for k, v := range old {
		switch v.Kind {
		case ValueText:
			t := v.Text
			out[k] = &t
		case ValueNull:
			out[k] = nil
		default:
			errs = append(errs, apperr.FieldError{Field: path + ".old." + k, Message: "a loaded value is text or null"})
		}
	}
	return out, errs
}

func (r *Relation) planChange(i int, ch Change, old map[string]*string, path string, probes *[]probe) (Statement, []apperr.FieldError) {
	st := Statement{Change: i, ChangeID: ch.ID, Kind: ch.Kind}
	var errs []apperr.FieldError
	bad := func(field, format string, args ...any) {
		errs = append(errs, apperr.FieldError{Field: path + field, Message: fmt.Sprintf(format, args...)})
	}
	switch ch.Kind {
	case ChangeUpdate:
		if !r.CanUpdate {
			bad(".kind", "rows of %s cannot be updated (no UPDATE privilege, or the relation does not allow it)", r.Qualified())
		}
		if len(ch.New) == 0 {
			bad(".new", "an update needs at least one changed cell")
		}
	case ChangeInsert:
		if !r.CanInsert {
			bad(".kind", "rows cannot be inserted into %s (no INSERT privilege, or the relation does not allow it)", r.Qualified())
		}
	case ChangeDelete:
		if !r.CanDelete {
			bad(".kind", "rows of %s cannot be deleted (no DELETE privilege, or the relation does not allow it)", r.Qualified())
		}
	default:
		bad(".kind", "unknown change %q (update, insert or delete)", ch.Kind)
	}
	for name, v := range ch.New {
		col, ok := r.Column(name)
		switch {
		case !ok:
			bad(".new."+name, "there is no column %q", name)
			continue
		case ch.Kind == ChangeDelete:
			bad(".new."+name, "a delete sets no values")
		case col.Generated != "":
			bad(".new."+name, "column %q is generated (%s) and cannot be written", name, col.Generated)
		case col.Identity == "always":
			bad(".new."+name, "column %q is an identity column GENERATED ALWAYS; the server assigns it", name)
		case ch.Kind == ChangeUpdate && !col.Writable:
			bad(".new."+name, "column %q cannot be updated (view column computed from an expression, or no UPDATE privilege on it)", name)
		case ch.Kind == ChangeInsert && !col.InsertWritable:
			bad(".new."+name, "column %q cannot be inserted (view column computed from an expression, or no INSERT privilege on it)", name)
		}
		switch v.Kind {
		case ValueText:
			*probes = append(*probes, probe{field: path + ".new." + name, value: v.Text, typ: col.castType})
			if msg := lengthError(col, v.Text); msg != "" {
				bad(".new."+name, "%s", msg)
			}
		case ValueNull:
			if !col.Nullable && col.Generated == "" {
				bad(".new."+name, "column %q is NOT NULL", name)
			}
		case ValueDefault:
		default:
			bad(".new."+name, "unknown value kind %q (text, null or default)", v.Kind)
		}
	}
	if ch.Kind == ChangeUpdate || ch.Kind == ChangeDelete {
		for _, k := range r.Key {
			if v, ok := old[k]; !ok || v == nil {
				bad(".old."+k, "the loaded value of key column %q is required", k)
			}
		}
		for name := range old {
			if _, ok := r.Column(name); !ok {
				bad(".old."+name, "there is no column %q", name)
			}
		}
	}
	if ch.Kind == ChangeUpdate {
		for name := range ch.New {
			if _, known := r.Column(name); !known {
				continue
			}
			if _, ok := old[name]; !ok {
				bad(".old."+name, "the loaded value of changed column %q is required", name)
			}
		}
	}
	if len(errs) > 0 {
		return st, errs
	}
	s := &stmt{}
	switch ch.Kind {
	case ChangeUpdate:
		s.w("UPDATE ", r.Qualified(), " SET ")
		n := 0
		for i := range r.Columns {
			col := &r.Columns[i]
			v, ok := ch.New[col.Name]
			if !ok {
				continue
			}
			if n > 0 {
				s.w(", ")
			}
			n++
			st.column = col.Name
			s.w(ident.Quote(col.Name), " = ")
			writeValue(s, col, v)
		}
		if n > 1 {
			st.column = ""
		}
		r.writeRowMatch(s, old, func(name string) bool { _, ok := ch.New[name]; return ok })
		s.w(" RETURNING *")
	case ChangeInsert:
		s.w("INSERT INTO ", r.Qualified())
		var cols []*Column
		for i := range r.Columns {
			if _, ok := ch.New[r.Columns[i].Name]; ok {
				cols = append(cols, &r.Columns[i])
			}
		}
		if len(cols) == 0 {
			s.w(" DEFAULT VALUES")
		} else {
			s.w(" (")
			for i, c := range cols {
				if i > 0 {
					s.w(", ")
				}
				s.w(ident.Quote(c.Name))
			}
			s.w(") VALUES (")
			for i, c := range cols {
				if i > 0 {
					s.w(", ")
				}
				writeValue(s, c, ch.New[c.Name])
			}
			s.w(")")
		}
		s.w(" RETURNING *")
	case ChangeDelete:
		s.w("DELETE FROM ", r.Qualified())
		r.writeRowMatch(s, old, func(string) bool { return true })
	}
	st.SQL, st.Review, st.Args = s.SQL(), s.Review(), s.args
	return st, nil
}

// writeRowMatch writes the WHERE clause that finds exactly the loaded row:
// the key, then every other column of old that compare selects, with IS
// NOT DISTINCT FROM (so a NULL matches only NULL).
func (r *Relation) writeRowMatch(s *stmt, old map[string]*string, compare func(string) bool) {
	s.w(" WHERE ")
	for i, k := range r.Key {
		if i > 0 {
			s.w(" AND ")
		}
		col, _ := r.Column(k)
		s.w(ident.Quote(k), " = ")
		s.p(old[k], col.numeric())
		if col.baseType == "c" {
			s.w("::", col.castType)
		}
	}
	for i := range r.Columns {
		col := &r.Columns[i]
		v, ok := old[col.Name]
		if !ok || col.InKey || !compare(col.Name) {
			continue
		}
		s.w(" AND ", ident.Quote(col.Name))
		if !col.Sortable {
			s.w("::text")
		}
		s.w(" IS NOT DISTINCT FROM ")
		s.p(v, col.numeric() && col.Sortable)
		if col.Sortable && col.baseType == "c" && v != nil {
			s.w("::", col.castType)
		}
	}
}

// writeValue writes a new cell value: a parameter, NULL or DEFAULT.
func writeValue(s *stmt, col *Column, v Value) {
	switch v.Kind {
	case ValueNull:
		s.w("NULL")
	case ValueDefault:
		s.w("DEFAULT")
	default:
		s.ps(v.Text, col.numeric())
	}
}

// keyString identifies a row by its key values.
func (r *Relation) keyString(old map[string]*string) string {
	var b strings.Builder
	for _, k := range r.Key {
		if v := old[k]; v != nil {
			b.WriteString(*v)
		}
		b.WriteByte(0)
	}
	return b.String()
}

// lengthError checks a value against a length modifier the server enforces
// only on assignment (an explicit cast would silently cut it): varchar(n)
// and char(n) take at most n characters (excess trailing spaces are
// dropped), bit(n) exactly n bits and bit varying(n) at most n.
func lengthError(c *Column, v string) string {
	if c.Domain != "" || c.typmod < 0 {
		return ""
	}
	switch c.TypeOID {
	case 1043, 1042: // varchar, bpchar
		n := int(c.typmod) - 4
		runes := []rune(v)
		if len(runes) > n && strings.TrimRight(string(runes[n:]), " ") != "" {
			return fmt.Sprintf("the value is %d characters long; %s allows %d", len(runes), c.Type, n)
		}
	case 1560: // bit
		if n := int(c.typmod); len(v) != n && isBits(v) {
			return fmt.Sprintf("the value has %d bits; %s needs exactly %d", len(v), c.Type, n)
		}
	case 1562: // varbit
		if n := int(c.typmod); len(v) > n && isBits(v) {
			return fmt.Sprintf("the value has %d bits; %s allows %d", len(v), c.Type, n)
		}
	}
	return ""
}

func isBits(v string) bool {
	return strings.Trim(v, "01") == ""
}
