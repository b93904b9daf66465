package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
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

// psqlFetch runs psql on sql, discarding the output; it returns the time and
// psql's peak RSS in bytes.
func psqlFetch(psql string, t target, sql string) (time.Duration, int64, error) {
	cmd := exec.Command(psql, "-X", "-A", "-t", "-o", "/dev/null", "-d", t.connString(), "-c", sql)
	cmd.Stderr = os.Stderr
	start := time.Now()
	if err := cmd.Run(); err != nil {
		return 0, 0, err
	}
	d := time.Since(start)
	var rss int64
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		rss = ru.Maxrss << 10
	}
	return d, rss, nil
}
