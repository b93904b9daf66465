package resultset_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/tusk-app/tusk/backend/resultset"
)

// mixedSet holds values that need quoting in every export format.
func mixedSet(t *testing.T) *resultset.Set {
	t.Helper()
	cols := []resultset.Column{
		{Name: "id", TypeOID: 23, TypeName: "int4"},
		{Name: `te"xt`, TypeOID: 25, TypeName: "text"},
		{Name: "n", TypeOID: 1700, TypeName: "numeric"},
		{Name: "f", TypeOID: 701, TypeName: "float8"},
		{Name: "ok", TypeOID: 16, TypeName: "bool"},
		{Name: "j", TypeOID: 3802, TypeName: "jsonb"},
		{Name: "b", TypeOID: 17, TypeName: "bytea"},
	}
	set := resultset.New(cols, resultset.Options{})
	t.Cleanup(func() { set.Close() })
	rows := [][]string{
		{"1", "a,b", "0.00000000000000000001", "1e+20", "t", `{"k": [1, "x"]}`, `\x00ff`},
		{"2", "say \"hi\"\nbye", "NaN", "-Infinity", "f", `"s"`, `\x`},
		{"3", "", "-12.50", "0.5", "", "null", ""},
		{"4", "it's \\ NULL", "", "", "", "", ""},
		{"5", " lead\t\u2028", "", "", "", "", ""},
	}
	nulls := map[[2]int]bool{{2, 4}: true, {2, 6}: true, {3, 2}: true, {3, 3}: true, {3, 4}: true, {3, 5}: true, {3, 6}: true,
		{4, 2}: true, {4, 3}: true, {4, 4}: true, {4, 5}: true, {4, 6}: true}
	for i, r := range rows {
		raw := make([][]byte, len(r))
		for j, v := range r {
			if !nulls[[2]int{i, j}] {
				raw[j] = []byte(v)
			}
		}
		if err := set.Append(raw); err != nil {
			t.Fatal(err)
		}
	}
	set.Done(nil)
	return set
}

func TestExportCSV(t *testing.T) {
	set := mixedSet(t)
	var buf bytes.Buffer
	if err := set.ExportCSV(context.Background(), &buf, resultset.CSVOptions{Header: true}); err != nil {
		t.Fatal(err)
	}
	want := `id,"te""xt",n,f,ok,j,b
1,"a,b",0.00000000000000000001,1e+20,t,"{""k"": [1, ""x""]}",\x00ff
2,"say ""hi""
bye",NaN,-Infinity,f,"""s""",\x
3,"",-12.50,0.5,,null,
4,it's \ NULL,,,,,
5," lead	` + "\u2028" + `",,,,,
`
	if got := buf.String(); got != want {
		t.Fatalf("csv:\n%s\nwant:\n%s", got, want)
	}

	buf.Reset()
	if err := set.ExportCSV(context.Background(), &buf, resultset.CSVOptions{Delimiter: ';', NullAs: "NULL", CRLF: true}); err != nil {
		t.Fatal(err)
	}
	want = "1;a,b;0.00000000000000000001;1e+20;t;\"{\"\"k\"\": [1, \"\"x\"\"]}\";\\x00ff\r\n" +
		"2;\"say \"\"hi\"\"\nbye\";NaN;-Infinity;f;\"\"\"s\"\"\";\\x\r\n" +
		"3;;-12.50;0.5;NULL;null;NULL\r\n" +
		"4;it's \\ NULL;NULL;NULL;NULL;NULL;NULL\r\n" +
		"5;\" lead\t\u2028\";NULL;NULL;NULL;NULL;NULL\r\n"
	if got := buf.String(); got != want {
		t.Fatalf("csv:\n%q\nwant:\n%q", got, want)
	}
	if err := set.ExportCSV(context.Background(), &buf, resultset.CSVOptions{Delimiter: '"'}); err == nil {
		t.Fatal("quote as delimiter accepted")
	}
}

func TestExportCSVQuotesNullLookalike(t *testing.T) {
	set := resultset.New(textCols("a"), resultset.Options{})
	defer set.Close()
	for _, v := range [][]byte{nil, []byte("NULL")} {
		if err := set.Append([][]byte{v}); err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if err := set.ExportCSV(context.Background(), &buf, resultset.CSVOptions{NullAs: "NULL"}); err != nil {
		t.Fatal(err)
	}
	if got := buf.String(); got != "NULL\n\"NULL\"\n" {
		t.Fatalf("csv = %q", got)
	}
}

func TestExportJSON(t *testing.T) {
	set := mixedSet(t)
	var buf bytes.Buffer
	if err := set.ExportJSON(context.Background(), &buf); err != nil {
		t.Fatal(err)
	}
	want := `[
{"id":1,"te\"xt":"a,b","n":0.00000000000000000001,"f":1e+20,"ok":true,"j":{"k": [1, "x"]},"b":"\\x00ff"},
{"id":2,"te\"xt":"say \"hi\"\nbye","n":"NaN","f":"-Infinity","ok":false,"j":"s","b":"\\x"},
{"id":3,"te\"xt":"","n":-12.50,"f":0.5,"ok":null,"j":null,"b":null},
{"id":4,"te\"xt":"it's \\ NULL","n":null,"f":null,"ok":null,"j":null,"b":null},
{"id":5,"te\"xt":" lead\t\u2028","n":null,"f":null,"ok":null,"j":null,"b":null}
]
`
	if got := buf.String(); got != want {
		t.Fatalf("json:\n%s\nwant:\n%s", got, want)
	}
	var decoded []map[string]any
	if err := json.Unmarshal(buf.Bytes(), &decoded); err != nil {
		t.Fatalf("export is not valid JSON: %v", err)
	}
	if decoded[3][`te"xt`] != `it's \ NULL` || decoded[0]["j"].(map[string]any)["k"].([]any)[1] != "x" {
		t.Fatalf("decoded = %v", decoded)
	}

	empty := resultset.New(textCols("a"), resultset.Options{})
	defer empty.Close()
	buf.Reset()
	if err := empty.ExportJSON(context.Background(), &buf); err != nil || buf.String() != "[]\n" {
		t.Fatalf("empty export = %q, %v", buf.String(), err)
	}
}

func TestExportJSONInvalidUTF8(t *testing.T) {
	set := resultset.New(textCols("a"), resultset.Options{})
	defer set.Close()
	if err := set.Append([][]byte{{'a', 0xff, 0x01}}); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := set.ExportJSON(context.Background(), &buf); err != nil {
		t.Fatal(err)
	}
	if want := "[\n{\"a\":\"a\\ufffd\\u0001\"}\n]\n"; buf.String() != want {
		t.Fatalf("json = %q, want %q", buf.String(), want)
	}
}

func TestExportSQL(t *testing.T) {
	set := mixedSet(t)
	var buf bytes.Buffer
	if err := set.ExportSQL(context.Background(), &buf, `my "t"`); err != nil {
		t.Fatal(err)
	}
	p := `INSERT INTO "my ""t""" (id, "te""xt", n, f, ok, j, b) VALUES (`
	want := p + `1, 'a,b', 0.00000000000000000001, 1e+20, 't', '{"k": [1, "x"]}', '\x00ff'::bytea);
` + p + `2, 'say "hi"
bye', 'NaN', '-Infinity', 'f', '"s"', '\x'::bytea);
` + p + `3, '', -12.50, 0.5, NULL, 'null', NULL);
` + p + `4, 'it''s \ NULL', NULL, NULL, NULL, NULL, NULL);
` + p + `5, ' lead	` + "\u2028" + `', NULL, NULL, NULL, NULL, NULL);
`
	if got := buf.String(); got != want {
		t.Fatalf("sql:\n%s\nwant:\n%s", got, want)
	}
	if err := set.ExportSQL(context.Background(), &buf, ""); err == nil {
		t.Fatal("empty table name accepted")
	}
}

func TestExportCancel(t *testing.T) {
	set := resultset.New(textCols("id", "name", "pad"), resultset.Options{MemoryBudget: 64 << 10, TempDir: t.TempDir()})
	defer set.Close()
	for i := range 100_000 {
		if err := set.Append(rowValues(i)); err != nil {
			t.Fatal(err)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	w := &cancelAfter{n: 64 << 10, cancel: cancel}
	err := set.ExportCSV(ctx, w, resultset.CSVOptions{})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if w.written > 1<<20 {
		t.Fatalf("wrote %d bytes after cancel", w.written)
	}
}

// cancelAfter cancels its context once n bytes have been written.
type cancelAfter struct {
	n, written int
	cancel     func()
}

func (w *cancelAfter) Write(p []byte) (int, error) {
	w.written += len(p)
	if w.written >= w.n {
		w.cancel()
	}
	return len(p), nil
}

func TestExportWhileRunning(t *testing.T) {
	set := resultset.New(textCols("id", "name", "pad"), resultset.Options{})
	defer set.Close()
	for i := range 10 {
		if err := set.Append(rowValues(i)); err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if err := set.ExportCSV(context.Background(), &buf, resultset.CSVOptions{}); err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(buf.String(), "\n"); n != 10 {
		t.Fatalf("exported %d lines of a running set with 10 rows", n)
	}
}

func TestExportSQLFloatSpecials(t *testing.T) {
	set := resultset.New([]resultset.Column{{Name: "f", TypeOID: 701}, {Name: "r", TypeOID: 700}, {Name: "i", TypeOID: 20}}, resultset.Options{})
	defer set.Close()
	for _, r := range [][]string{{"-0", "-0", "-0"}, {"Infinity", "NaN", "-9223372036854775808"}, {"1.5e-07", "3.4028235e+38", "0"}} {
		if err := set.Append([][]byte{[]byte(r[0]), []byte(r[1]), []byte(r[2])}); err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if err := set.ExportSQL(context.Background(), &buf, "t"); err != nil {
		t.Fatal(err)
	}
	p := `INSERT INTO t (f, r, i) VALUES (`
	want := p + "'-0', '-0', -0);\n" + p + "'Infinity', 'NaN', -9223372036854775808);\n" + p + "1.5e-07, 3.4028235e+38, 0);\n"
	if buf.String() != want {
		t.Fatalf("sql:\n%s\nwant:\n%s", buf.String(), want)
	}
}

// TestExportCSVFieldRules checks the CSV field rules the grid's Copy as CSV
// shares (testdata/csv-fields.json, also read by the frontend's tests).
func TestExportCSVFieldRules(t *testing.T) {
	raw, err := os.ReadFile("testdata/csv-fields.json")
	if err != nil {
		t.Fatal(err)
	}
	var rules struct {
		Fields []struct {
			Value *string `json:"value"`
			Field string  `json:"field"`
		} `json:"fields"`
	}
	if err := json.Unmarshal(raw, &rules); err != nil {
		t.Fatal(err)
	}
	for _, r := range rules.Fields {
		set := resultset.New(textCols("v"), resultset.Options{})
		var v []byte
		if r.Value != nil {
			v = []byte(*r.Value)
			if v == nil {
				v = []byte{}
			}
		}
		if err := set.Append([][]byte{v}); err != nil {
			t.Fatal(err)
		}
		set.Done(nil)
		var buf bytes.Buffer
		if err := set.ExportCSV(context.Background(), &buf, resultset.CSVOptions{Header: true}); err != nil {
			t.Fatal(err)
		}
		if want := "v\n" + r.Field + "\n"; buf.String() != want {
			t.Errorf("value %q: got %q, want %q", deref(r.Value), buf.String(), want)
		}
		set.Close()
	}
}

func deref(s *string) string {
	if s == nil {
		return "<NULL>"
	}
	return *s
}
