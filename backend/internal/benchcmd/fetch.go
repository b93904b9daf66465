package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
)

// floorFetch reads every row of sql with pgconn in text format, discarding
// the values; it returns the rows and the bytes the rows took on the wire
// (values + 4 bytes per field + 7 bytes of DataRow framing per row).
func floorFetch(ctx context.Context, c *pgconn.PgConn, sql string) (rows, wire int64, err error) {
	rr := c.ExecParams(ctx, sql, nil, nil, nil, nil)
	for rr.NextRow() {
		vals := rr.Values()
		wire += 7
		for _, v := range vals {
			wire += 4 + int64(len(v))
		}
		rows++
	}
	_, err = rr.Close()
	return rows, wire, err
}

// psqlPath is the psql next to the server binaries, else the one on PATH.
func psqlPath(binDir string) string {
	if p := filepath.Join(binDir, "psql"); binDir != "" {
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	if p, err := exec.LookPath("psql"); err == nil {
		return p
	}
	return "/usr/bin/psql"
}

// psqlRun is one psql run.
type psqlRun struct {
	took time.Duration
	// hwm is psql's own VmHWM, polled from /proc/<pid>/status every 2 ms
	// while it runs (the last reading before exit).
	hwm int64
	// maxrss is wait4's Maxrss. On Linux it also counts the high-water mark
	// of the address space the child was vforked from (this process), so it
	// is only an upper bound.
	maxrss int64
}

// psqlFetch runs psql on sql, discarding the output.
func psqlFetch(psql, passfile string, t target, sql string) (psqlRun, error) {
	cmd := exec.Command(psql, "-X", "-A", "-t", "-o", "/dev/null", "-d", t.connString(), "-c", sql)
	cmd.Stderr = os.Stderr
	env := []string{"PGPASSFILE=" + passfile}
	for _, e := range os.Environ() {
		if !strings.HasPrefix(e, "PGPASSFILE=") {
			env = append(env, e)
		}
	}
	cmd.Env = env
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return psqlRun{}, err
	}
	done := make(chan struct{})
	hwm := make(chan int64, 1)
	go func() {
		status := filepath.Join("/proc", strings.TrimSpace(itoa(cmd.Process.Pid)), "status")
		var last int64
		tick := time.NewTicker(2 * time.Millisecond)
		defer tick.Stop()
		for {
			if b, err := os.ReadFile(status); err == nil && strings.Contains(string(b), "Name:\tpsql") {
				if v := statusField(string(b), "VmHWM"); v > 0 {
					last = v
				}
			}
			select {
			case <-done:
				hwm <- last
				return
			case <-tick.C:
			}
		}
	}()
	err := cmd.Wait()
	took := time.Since(start)
	close(done)
	r := psqlRun{took: took, hwm: <-hwm}
	if err != nil {
		return r, err
	}
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		r.maxrss = ru.Maxrss << 10
	}
	return r, nil
}
