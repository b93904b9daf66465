package apperr_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/tusk-app/tusk/backend/apperr"
	"github.com/tusk-app/tusk/backend/internal/pgtest"
)

// uniqueViolation returns a real 23505 error from the cluster.
func uniqueViolation(t testing.TB) error {
	t.Helper()
	conn, err := pgx.Connect(testCtx(t), cluster.ConnString(cluster.TrustUser, "", ""))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(testCtx(t))
	_, err = conn.Exec(testCtx(t), "insert into users values (9, 'a@example.com')")
	if err == nil {
		t.Fatal("premise: duplicate insert succeeded")
	}
	return err
}

func jsonKeys(t *testing.T, v any) (map[string]any, []string) {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return m, keys
}

func TestErrorInfoJSONShape(t *testing.T) {
	pgtest.Need(t)
	info := apperr.Info(fmt.Errorf("save row: %w", uniqueViolation(t)))
	m, keys := jsonKeys(t, info)
	want := []string{"code", "detail", "hint", "kind", "message", "pg", "title"}
	if !reflect.DeepEqual(keys, want) {
		t.Errorf("keys = %v, want %v", keys, want)
	}
	if m["kind"] != "query" || m["code"] != "23505" || m["title"] != "Query error" {
		t.Errorf("info = %v", m)
	}
	pg := m["pg"].(map[string]any)
	var pgKeys []string
	for k := range pg {
		pgKeys = append(pgKeys, k)
	}
	sort.Strings(pgKeys)
	wantPg := []string{"code", "constraint", "detail", "message", "schema", "severity", "table"}
	if !reflect.DeepEqual(pgKeys, wantPg) {
		t.Errorf("pg keys = %v, want %v", pgKeys, wantPg)
	}

	// Position and fields appear under their camelCase names.
	_, keys = jsonKeys(t, apperr.ErrorInfo{Kind: apperr.Query, Position: 3, Pg: &apperr.PgFields{InternalPosition: 1, InternalQuery: "q", DataType: "int4"},
		Fields: []apperr.FieldError{{Field: "port", Message: "must be a number"}}})
	for _, k := range []string{"position", "fields"} {
		if !contains(keys, k) {
			t.Errorf("missing key %q in %v", k, keys)
		}
	}
	pgm, _ := jsonKeys(t, apperr.PgFields{InternalPosition: 1, InternalQuery: "q", DataType: "int4"})
	for _, k := range []string{"internalPosition", "internalQuery", "dataType", "code", "message"} {
		if _, ok := pgm[k]; !ok {
			t.Errorf("PgFields JSON lacks %q: %v", k, pgm)
		}
	}

	if got := apperr.Info(nil); !reflect.DeepEqual(got, apperr.ErrorInfo{}) {
		t.Errorf("Info(nil) = %+v", got)
	}
	var f apperr.ErrorInfo
	if s, ok := apperr.Format(errors.New("x")).(string); !ok || json.Unmarshal([]byte(s), &f) != nil || f.Kind != apperr.Internal {
		t.Errorf("Format = %#v", apperr.Format(errors.New("x")))
	}
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

const canary = "Canary-Pw-7f3e"

func TestInfoRedactsPasswords(t *testing.T) {
	_, parseErr := pgconn.ParseConfig("postgres://bob:" + canary + "@localhost:notaport/db")
	var pce *pgconn.ParseConfigError
	if !errors.As(parseErr, &pce) {
		t.Fatalf("premise: want a ParseConfigError, got %v", parseErr)
	}
	errs := []error{
		parseErr,
		fmt.Errorf("connect with host=db password=%s user=bob: %w", canary, syscall.ECONNREFUSED),
		fmt.Errorf("dial postgres://bob:%s@db:5432/x: %w", canary, errors.New("boom")),
		apperr.Wrap(apperr.Connection, "connect password="+canary, errors.New("x")).WithDetail("dsn: password='" + canary + "'"),
	}
	for _, err := range errs {
		e := apperr.Classify(err)
		b, _ := json.Marshal(apperr.Info(err))
		for _, out := range []string{string(b), e.Error()} {
			if strings.Contains(out, canary) {
				t.Errorf("password leaked in %s", out)
			}
		}
	}
	if k := apperr.KindOf(parseErr); k != apperr.Validation {
		t.Errorf("bad URL kind = %s", k)
	}
}

func TestClassifyIsIdempotent(t *testing.T) {
	pgtest.Need(t)
	pgErr := uniqueViolation(t)
	e := apperr.Classify(pgErr)
	if again := apperr.Classify(e); again != e {
		t.Errorf("Classify(*Error) returned a different error: %+v", again)
	}
	wrapped := fmt.Errorf("save: %w", e)
	if got := apperr.Classify(wrapped); got != e {
		t.Errorf("a wrapped *Error lost its identity: %+v", got)
	}
	if !apperr.IsKind(fmt.Errorf("a: %w", fmt.Errorf("b: %w", pgErr)), apperr.Query) {
		t.Error("a doubly wrapped server error lost its kind")
	}
	v := apperr.ValidationError(apperr.FieldError{Field: "port", Message: "port must be between 1 and 65535"})
	if got := apperr.Classify(fmt.Errorf("save connection: %w", v)); got != v || got.Kind != apperr.Validation {
		t.Errorf("validation error reclassified: %+v", got)
	}
	if apperr.Classify(nil) != nil || apperr.KindOf(nil) != "" || apperr.IsKind(nil, apperr.Internal) {
		t.Error("nil must have no kind")
	}
	if !errors.Is(e, pgErr) {
		t.Error("the cause is not reachable through Unwrap")
	}
}

func TestDefaultHints(t *testing.T) {
	for _, k := range apperr.AllKinds {
		hint := apperr.New(k, "x").Hint
		if k == apperr.Cancelled {
			if hint != "" {
				t.Errorf("cancelled has hint %q; the user asked for it", hint)
			}
			continue
		}
		if hint == "" {
			t.Errorf("kind %s has no default hint", k)
		}
		if apperr.Classify(apperr.New(k, "x")).Hint != hint {
			t.Errorf("kind %s: hint changed by Classify", k)
		}
	}
	if h := apperr.PoolTimeoutError(2*time.Second, 3).Hint; h == "" {
		t.Error("pool timeout has no hint")
	}
}

func TestClassifySpeed(t *testing.T) {
	pgtest.Need(t)
	err := fmt.Errorf("run: %w", uniqueViolation(t))
	begin := time.Now()
	const n = 1000
	for range n {
		apperr.Info(err)
	}
	if per := time.Since(begin) / n; per > 10*time.Millisecond {
		t.Fatalf("Info takes %s per error, want < 10 ms (SC-001)", per)
	}
}

func benchErrors(b *testing.B) map[string]error {
	return map[string]error{
		"pg":       uniqueViolation(b),
		"internal": fmt.Errorf("a: %w", errors.New("b")),
		"refused":  fmt.Errorf("dial: %w", syscall.ECONNREFUSED),
	}
}

// BenchmarkClassify measures classification alone (SC-001: < 10 ms).
func BenchmarkClassify(b *testing.B) {
	for name, err := range benchErrors(b) {
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				apperr.Classify(err)
			}
		})
	}
}

// BenchmarkInfo measures what the Wails error formatter does: classification
// plus redaction.
func BenchmarkInfo(b *testing.B) {
	for name, err := range benchErrors(b) {
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				apperr.Info(err)
			}
		})
	}
}
