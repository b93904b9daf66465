package explain

import (
	"fmt"
	"strconv"
	"strings"
)

// Option is an EXPLAIN option the UI can offer.
type Option struct {
	// Name is the option as EXPLAIN spells it: "BUFFERS".
	Name string `json:"name"`
	// Description says what it adds, for a tooltip.
	Description string `json:"description"`
	// NeedsAnalyze: the option is only accepted together with ANALYZE.
	NeedsAnalyze bool `json:"needsAnalyze"`
	// Default is whether Tusk turns it on unless the user says otherwise.
	Default bool `json:"default"`
	// Since is the first PostgreSQL major version that has it.
	Since int `json:"since"`
}

// allOptions are the EXPLAIN options Tusk knows, with the version that
// introduced each.
var allOptions = []Option{
	{Name: "ANALYZE", Description: "Run the statement and report actual times and rows", Since: 9, Default: false},
	{Name: "VERBOSE", Description: "Output columns, schema-qualified names and per-worker figures", Since: 9},
	{Name: "COSTS", Description: "The planner's cost and row estimates", Since: 9, Default: true},
	{Name: "BUFFERS", Description: "Shared, local and temporary blocks read, hit and written", Since: 9, Default: true, NeedsAnalyze: true},
	{Name: "TIMING", Description: "Actual time per node (costs some overhead on slow clocks)", Since: 9, Default: true, NeedsAnalyze: true},
	{Name: "SUMMARY", Description: "Planning and execution time", Since: 10, Default: true},
	{Name: "SETTINGS", Description: "Planner settings that differ from their defaults", Since: 12},
	{Name: "WAL", Description: "Write-ahead log records and bytes generated", Since: 13, NeedsAnalyze: true},
}

// Version is a PostgreSQL server version.
type Version struct {
	Major int `json:"major"`
	Minor int `json:"minor"`
}

// ParseVersion reads the server_version parameter ("15.18 (Debian …)",
// "16beta1", "9.6.24"). PostgreSQL before 10 numbers majors as 9.6; those
// become Major 9.
func ParseVersion(s string) (Version, error) {
	s = strings.TrimSpace(s)
	end := 0
	for end < len(s) && (s[end] >= '0' && s[end] <= '9' || s[end] == '.') {
		end++
	}
	parts := strings.Split(s[:end], ".")
	major, err := strconv.Atoi(parts[0])
	if err != nil {
		return Version{}, fmt.Errorf("explain: server version %q: %w", s, err)
	}
	v := Version{Major: major}
	if len(parts) > 1 {
		v.Minor, _ = strconv.Atoi(parts[len(parts)-1])
	}
	return v, nil
}

// Options lists the EXPLAIN options server version v accepts, in the order
// EXPLAIN documents them. BUFFERS is accepted without ANALYZE from
// PostgreSQL 13 on (it then shows planning buffers).
func Options(v Version) []Option {
	var out []Option
	for _, o := range allOptions {
		if v.Major < o.Since {
			continue
		}
		if o.Name == "BUFFERS" && v.Major >= 13 {
			o.NeedsAnalyze = false
		}
		out = append(out, o)
	}
	return out
}

// Statement builds "EXPLAIN (FORMAT JSON, opt, …) stmt" for server version
// v. on names the options to turn on (ANALYZE among them), off the ones to
// turn off (say TIMING); names are case-insensitive. Options the server
// does not have, and those needing ANALYZE when it is not on, are left
// out; unknown names are an error. Options not named keep the server's
// default. stmt is used as it is.
func Statement(v Version, on, off []string, stmt string) (string, error) {
	have := map[string]Option{}
	for _, o := range Options(v) {
		have[o.Name] = o
	}
	known := map[string]bool{}
	for _, o := range allOptions {
		known[o.Name] = true
	}
	want := map[string]bool{}
	for _, list := range [][]string{on, off} {
		for _, name := range list {
			if !known[strings.ToUpper(name)] {
				return "", fmt.Errorf("explain: unknown option %q", name)
			}
		}
	}
	for _, name := range off {
		want[strings.ToUpper(name)] = false
	}
	for _, name := range on {
		want[strings.ToUpper(name)] = true
	}
	analyze := want["ANALYZE"]
	parts := []string{"FORMAT JSON"}
	for _, o := range allOptions {
		val, named := want[o.Name]
		if _, ok := have[o.Name]; !named || !ok || have[o.Name].NeedsAnalyze && !analyze {
			continue
		}
		if val {
			parts = append(parts, o.Name)
		} else {
			parts = append(parts, o.Name+" FALSE")
		}
	}
	return "EXPLAIN (" + strings.Join(parts, ", ") + ") " + stmt, nil
}
