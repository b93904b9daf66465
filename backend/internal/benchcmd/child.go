package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/tusk-app/tusk/backend/resultset"
)

// childResult is what a measuring subprocess prints as one JSON line.
type childResult struct {
	Mode     string          `json:"mode"`
	Seconds  float64         `json:"seconds"`
	Rows     int64           `json:"rows"`
	BaseRSS  int64           `json:"baseRss"`  // bytes, after setup, before the fetch
	PeakRSS  int64           `json:"peakRss"`  // VmHWM at the end, bytes (peak reset before the fetch when possible)
	PeakNote string          `json:"peakNote"` // how the peak was measured
	Stats    resultset.Stats `json:"stats"`    // the result store (tusk mode)
}

// procStatus reads a "kB" field of /proc/self/status in bytes.
func procStatus(field string) int64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	return statusField(string(b), field)
}

// statusField parses a "kB" field of a /proc/<pid>/status text, in bytes.
func statusField(status, field string) int64 {
	for line := range strings.Lines(status) {
		if rest, ok := strings.CutPrefix(line, field+":"); ok {
			n, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			return n << 10
		}
	}
	return 0
}

func itoa(i int) string { return strconv.Itoa(i) }

// resetPeak resets VmHWM to the current RSS (Linux ≥ 4.0).
func resetPeak() bool {
	return os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) == nil
}

// runChild is the subprocess: fetch sql once, holding the whole result, and
// report time and memory.
func runChild(mode string, t target, sql string, budget int64) error {
	ctx := context.Background()
	res := childResult{Mode: mode}
	switch mode {
	case "floor":
		c, err := pgconn.Connect(ctx, t.connString())
		if err != nil {
			return err
		}
		defer c.Close(ctx)
		if _, err := c.Exec(ctx, "select 1").ReadAll(); err != nil {
			return err
		}
		res.PeakNote = baseline(&res)
		start := time.Now()
		rows, _, err := floorFetch(ctx, c, sql)
		if err != nil {
			return err
		}
		res.Seconds, res.Rows = time.Since(start).Seconds(), rows
	case "tusk":
		dir, err := os.MkdirTemp("", "tusk-bench-spill-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		tk, err := newTusk(ctx, t, resultset.Options{MemoryBudget: budget, TempDir: dir})
		if err != nil {
			return err
		}
		defer tk.close()
		if _, err := tk.run("s", "select 1"); err != nil {
			return err
		}
		res.PeakNote = baseline(&res)
		start := time.Now()
		sum, err := tk.run("s", sql)
		if err != nil {
			return err
		}
		res.Seconds = time.Since(start).Seconds()
		set, err := tk.eng.ResultSet(sum.QueryID, 0)
		if err != nil {
			return err
		}
		res.Stats = set.Stats()
		res.Rows = res.Stats.Rows
	default:
		return fmt.Errorf("unknown child mode %q", mode)
	}
	res.PeakRSS = procStatus("VmHWM")
	return json.NewEncoder(os.Stdout).Encode(res)
}

func baseline(res *childResult) string {
	if resetPeak() {
		res.BaseRSS = procStatus("VmRSS")
		return "VmHWM reset via clear_refs before the fetch; peak − RSS before the fetch"
	}
	res.BaseRSS = procStatus("VmHWM")
	return "VmHWM at the end − VmHWM before the fetch (clear_refs unavailable)"
}

// spawn re-executes this program as a measuring subprocess.
func spawn(mode string, t target, sql string, budget int64) (childResult, error) {
	exe, err := os.Executable()
	if err != nil {
		return childResult{}, err
	}
	cmd := exec.Command(exe, "-child", mode, "-child-host", t.Host, "-child-port", strconv.Itoa(t.Port),
		"-child-user", t.User, "-child-db", t.DB, "-child-sql", sql, "-child-budget", strconv.FormatInt(budget, 10))
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		return childResult{}, fmt.Errorf("child %s: %w", mode, err)
	}
	var res childResult
	if err := json.Unmarshal(out, &res); err != nil {
		return childResult{}, fmt.Errorf("child %s output %q: %w", mode, out, err)
	}
	return res, nil
}
