package schema_test

import (
	"testing"

	"github.com/tusk-app/tusk/backend/internal/pgtest"
	"github.com/tusk-app/tusk/backend/schema"
)

func TestChangesSchema(t *testing.T) {
	tests := []struct {
		tag  string
		want bool
	}{
		{"CREATE TABLE", true},
		{"CREATE INDEX", true},
		{"ALTER TABLE", true},
		{"DROP FUNCTION", true},
		{"COMMENT", true},
		{"GRANT", true},
		{"REVOKE", true},
		{"REFRESH MATERIALIZED VIEW", true},
		{"IMPORT FOREIGN SCHEMA", true},
		{"create view", true},
		{"SELECT 5", false},
		{"INSERT 0 1", false},
		{"UPDATE 3", false},
		{"BEGIN", false},
		{"SET", false},
		{"", false},
	}
	for _, tt := range tests {
		if got := schema.ChangesSchema(tt.tag); got != tt.want {
			t.Errorf("ChangesSchema(%q) = %v, want %v", tt.tag, got, tt.want)
		}
	}
}

// TestChangesSchemaRealTags checks the tags a real server sends.
func TestChangesSchemaRealTags(t *testing.T) {
	pgtest.Need(t)
	conn := trustConn(t)
	ctx := testCtx(t)
	for _, s := range []struct {
		sql  string
		want bool
	}{
		{"create temporary table ddl_probe (id int)", true},
		{"alter table ddl_probe add column x int", true},
		{"insert into ddl_probe values (1, 2)", false},
		{"select * from ddl_probe", false},
		{"comment on table ddl_probe is 'x'", true},
		{"drop table ddl_probe", true},
	} {
		tag, err := conn.Exec(ctx, s.sql)
		if err != nil {
			t.Fatalf("%s: %v", s.sql, err)
		}
		if got := schema.ChangesSchema(tag.String()); got != s.want {
			t.Errorf("%s: tag %q: ChangesSchema = %v", s.sql, tag, got)
		}
	}
}
