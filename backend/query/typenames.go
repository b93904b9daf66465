package query

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/tusk-app/tusk/backend/resultset"
)

// resolveTimeout bounds the catalog lookup of type names after a statement.
const resolveTimeout = 2 * time.Second

// typeInfo is how a column's type is shown: its name as format_type prints
// it and its pg_type.typcategory.
type typeInfo struct {
	name, category string
}

// typeNames names the types of result columns. Built-in OIDs are named from
// a table; any other OID (an enum, a composite or domain array, an extension
// type such as citext or hstore, an array of them) is looked up with
// format_type on the session's own connection, so a type created in the
// session's open transaction is found too. Names are cached per connection
// profile, since OIDs are per database, and forgotten when the profile
// disconnects or when DDL ran on it (a type may have been renamed).
//
// Safe for concurrent use; the zero value is ready.
type typeNames struct {
	mu     sync.Mutex // guards byConn
	byConn map[string]map[uint32]typeInfo
}

// columns describes fds with the names known so far, and lists the OIDs
// that need a lookup. Their columns keep an empty TypeName until resolve.
func (t *typeNames) columns(connectionID string, fds []pgconn.FieldDescription) ([]resultset.Column, []uint32) {
	t.mu.Lock()
	defer t.mu.Unlock()
	cached := t.byConn[connectionID]
	cols := make([]resultset.Column, len(fds))
	var missing []uint32
	for k, fd := range fds {
		info, ok := builtinTypes[fd.DataTypeOID]
		if !ok {
			info, ok = cached[fd.DataTypeOID]
		}
		if !ok && !containsOID(missing, fd.DataTypeOID) {
			missing = append(missing, fd.DataTypeOID)
		}
		cols[k] = resultset.Column{Name: fd.Name, TypeOID: fd.DataTypeOID, TypeName: info.name, TypeCategory: info.category,
			TableOID: fd.TableOID, TableColumn: int16(fd.TableAttributeNumber)}
	}
	return cols, missing
}

// resolve looks the OIDs up in one round trip on pg, which must be idle,
// and caches what it found. An OID the catalog does not know stays unnamed.
func (t *typeNames) resolve(ctx context.Context, pg *pgconn.PgConn, connectionID string, oids []uint32) error {
	ctx, cancel := context.WithTimeout(ctx, resolveTimeout)
	defer cancel()
	list := make([]string, len(oids))
	for k, oid := range oids {
		list[k] = strconv.FormatUint(uint64(oid), 10)
	}
	rr := pg.ExecParams(ctx, "select t.oid, format_type(t.oid, null), t.typcategory from pg_catalog.pg_type t where t.oid = any($1::oid[])",
		[][]byte{[]byte("{" + strings.Join(list, ",") + "}")}, nil, nil, nil)
	found := map[uint32]typeInfo{}
	for rr.NextRow() {
		v := rr.Values()
		oid, err := strconv.ParseUint(string(v[0]), 10, 32)
		if err != nil {
			rr.Close()
			return fmt.Errorf("read a type oid: %w", err)
		}
		found[uint32(oid)] = typeInfo{name: string(v[1]), category: string(v[2])}
	}
	if _, err := rr.Close(); err != nil {
		return fmt.Errorf("look up type names: %w", err)
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.byConn == nil {
		t.byConn = map[string]map[uint32]typeInfo{}
	}
	cached := t.byConn[connectionID]
	if cached == nil {
		cached = map[uint32]typeInfo{}
		t.byConn[connectionID] = cached
	}
	for oid, info := range found {
		cached[oid] = info
	}
	return nil
}

// name fills in the type names of cols that are cached by now.
func (t *typeNames) name(connectionID string, cols []resultset.Column) []resultset.Column {
	t.mu.Lock()
	defer t.mu.Unlock()
	out := make([]resultset.Column, len(cols))
	for k, c := range cols {
		if info, ok := t.byConn[connectionID][c.TypeOID]; ok && c.TypeName == "" {
			c.TypeName, c.TypeCategory = info.name, info.category
		}
		out[k] = c
	}
	return out
}

// forget drops what is cached for a connection profile.
func (t *typeNames) forget(connectionID string) {
	t.mu.Lock()
	delete(t.byConn, connectionID)
	t.mu.Unlock()
}

func containsOID(list []uint32, oid uint32) bool {
	for _, o := range list {
		if o == oid {
			return true
		}
	}
	return false
}

// builtinTypes names common built-in types the way format_type (and psql's
// \d) does, with their pg_type.typcategory; these never need a lookup.
var builtinTypes = map[uint32]typeInfo{
	16: {"boolean", "B"}, 17: {"bytea", "U"}, 18: {`"char"`, "Z"}, 19: {"name", "S"},
	20: {"bigint", "N"}, 21: {"smallint", "N"}, 23: {"integer", "N"}, 25: {"text", "S"},
	26: {"oid", "N"}, 28: {"xid", "U"}, 114: {"json", "U"}, 142: {"xml", "U"},
	600: {"point", "G"}, 601: {"lseg", "G"}, 602: {"path", "G"}, 603: {"box", "G"},
	604: {"polygon", "G"}, 628: {"line", "G"}, 650: {"cidr", "I"}, 700: {"real", "N"},
	701: {"double precision", "N"}, 705: {"unknown", "X"}, 718: {"circle", "G"},
	774: {"macaddr8", "U"}, 790: {"money", "N"}, 829: {"macaddr", "U"}, 869: {"inet", "I"},
	1000: {"boolean[]", "A"}, 1001: {"bytea[]", "A"}, 1005: {"smallint[]", "A"},
	1007: {"integer[]", "A"}, 1009: {"text[]", "A"}, 1015: {"character varying[]", "A"},
	1016: {"bigint[]", "A"}, 1021: {"real[]", "A"}, 1022: {"double precision[]", "A"},
	1042: {"character", "S"}, 1043: {"character varying", "S"}, 1082: {"date", "D"},
	1083: {"time without time zone", "D"}, 1114: {"timestamp without time zone", "D"},
	1115: {"timestamp without time zone[]", "A"}, 1182: {"date[]", "A"},
	1184: {"timestamp with time zone", "D"}, 1185: {"timestamp with time zone[]", "A"},
	1186: {"interval", "T"}, 1231: {"numeric[]", "A"}, 1266: {"time with time zone", "D"},
	1560: {"bit", "V"}, 1562: {"bit varying", "V"}, 1700: {"numeric", "N"},
	2249: {"record", "P"}, 2278: {"void", "P"}, 2950: {"uuid", "U"}, 2951: {"uuid[]", "A"},
	3614: {"tsvector", "U"}, 3615: {"tsquery", "U"}, 3802: {"jsonb", "U"}, 3807: {"jsonb[]", "A"},
	3904: {"int4range", "R"}, 3906: {"numrange", "R"}, 3908: {"tsrange", "R"},
	3910: {"tstzrange", "R"}, 3912: {"daterange", "R"}, 3926: {"int8range", "R"},
	4072: {"jsonpath", "U"}, 5069: {"xid8", "U"},
}
