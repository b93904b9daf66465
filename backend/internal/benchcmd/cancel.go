package main

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/tusk-app/tusk/backend/query"
)

type cancelResult struct {
	trials     int
	lat        []time.Duration // Cancel → Wait returned, for trials that were cancelled on the wire
	notOnWire  int             // cancelled before the statement started, or it finished first
	kept       int             // same backend pid afterwards
	stray      int             // the next statement failed with 57014
	otherFails int
}

// benchCancel runs trials of: Execute sql, wait (sleep or the first page),
// Cancel, Wait; then checks the session with select pg_backend_pid().
func benchCancel(tk *tusk, session, sql string, trials int, afterFirstPage bool) (cancelResult, error) {
	res := cancelResult{trials: trials}
	pid0, _, err := tk.backendPID(session)
	if err != nil {
		return res, err
	}
	for range trials {
		id, err := tk.start(session, sql)
		if err != nil {
			return res, err
		}
		if afterFirstPage {
			if _, err := tk.w.waitFirstPage(id, 30*time.Second); err != nil {
				return res, err
			}
		} else {
			time.Sleep(5 * time.Millisecond)
		}
		t0 := time.Now()
		tk.eng.Cancel(id)
		sum, err := tk.wait(id)
		d := time.Since(t0)
		if err != nil {
			return res, err
		}
		if len(sum.Statements) == 1 && sum.Statements[0].Status == query.StatusCancelled {
			res.lat = append(res.lat, d)
		} else {
			res.notOnWire++
		}
		pid, psum, err := tk.backendPID(session)
		switch {
		case err == nil && pid == pid0:
			res.kept++
		case err == nil:
			pid0 = pid // a new connection: later trials compare with it
		case len(psum.Statements) == 1 && psum.Statements[0].Error != nil && psum.Statements[0].Error.Code == "57014":
			res.stray++
		default:
			res.otherFails++
		}
	}
	return res, nil
}

// queriesLeft counts server backends still running pg_sleep.
func queriesLeft(ctx context.Context, connString string) (string, error) {
	c, err := pgconn.Connect(ctx, connString)
	if err != nil {
		return "", err
	}
	defer c.Close(ctx)
	rs, err := c.Exec(ctx, "select count(*) from pg_stat_activity where query like '%pg_sleep%' and pid <> pg_backend_pid() and state = 'active'").ReadAll()
	if err != nil {
		return "", err
	}
	if len(rs) != 1 || len(rs[0].Rows) != 1 {
		return "", fmt.Errorf("unexpected result")
	}
	return string(rs[0].Rows[0][0]), nil
}
