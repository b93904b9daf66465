package explain_test

import (
	"context"
	"strings"
	"testing"

	"github.com/tusk-app/tusk/backend/explain"
)

func TestParseVersion(t *testing.T) {
	for in, want := range map[string]explain.Version{
		"15.18 (Debian 15.18-0+deb12u1)": {15, 18}, "16beta1": {16, 0}, "9.6.24": {9, 24}, "17.2": {17, 2},
	} {
		got, err := explain.ParseVersion(in)
		if err != nil || got != want {
			t.Errorf("ParseVersion(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	if _, err := explain.ParseVersion("devel"); err == nil {
		t.Error("no number: want an error")
	}
}

func TestOptionsByVersion(t *testing.T) {
	names := func(v int) string {
		var out []string
		for _, o := range explain.Options(explain.Version{Major: v}) {
			out = append(out, o.Name)
		}
		return strings.Join(out, " ")
	}
	for v, want := range map[int]string{
		9:  "ANALYZE VERBOSE COSTS BUFFERS TIMING",
		12: "ANALYZE VERBOSE COSTS BUFFERS TIMING SUMMARY SETTINGS",
		13: "ANALYZE VERBOSE COSTS BUFFERS TIMING SUMMARY SETTINGS WAL",
	} {
		if got := names(v); got != want {
			t.Errorf("PostgreSQL %d: %s, want %s", v, got, want)
		}
	}
	if _, err := explain.Statement(explain.Version{Major: 15}, []string{"bogus"}, nil, "select 1"); err == nil {
		t.Error("an unknown option must be an error")
	}
	got, _ := explain.Statement(explain.Version{Major: 12}, []string{"buffers", "wal", "settings"}, []string{"timing"}, "select 1")
	if got != "EXPLAIN (FORMAT JSON, SETTINGS) select 1" {
		t.Errorf("without ANALYZE on 12 (no WAL, BUFFERS and TIMING need ANALYZE): %s", got)
	}
}

// Every option the server's version offers, on and off, with and without
// ANALYZE, is accepted by that server.
func TestServerAcceptsTheOptionsItsVersionHas(t *testing.T) {
	conn := connect(t)
	var sv string
	if err := conn.QueryRow(context.Background(), "show server_version").Scan(&sv); err != nil {
		t.Fatal(err)
	}
	v, err := explain.ParseVersion(sv)
	if err != nil {
		t.Fatal(err)
	}
	var all []string
	for _, o := range explain.Options(v) {
		all = append(all, o.Name)
	}
	for _, on := range [][]string{all, all[1:], nil} {
		for _, off := range [][]string{nil, {"TIMING", "COSTS", "SUMMARY"}} {
			stmt, err := explain.Statement(v, on, off, "select count(*) from small")
			if err != nil {
				t.Fatal(err)
			}
			p, err := explain.Parse(explainJSON(t, conn, stmt))
			if err != nil {
				t.Fatalf("%s: %v", stmt, err)
			}
			if analyzed := len(on) == len(all); p.Analyzed != analyzed {
				t.Errorf("%s: analyzed %v", stmt, p.Analyzed)
			}
		}
	}
}
