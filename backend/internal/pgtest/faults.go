package pgtest

import (
	"bytes"
	"context"
	"errors"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Fault injection: the server crashing, shutting down and coming back. A
// Cluster's PID changes with Resume; do not call these concurrently with
// each other or with Stop.

var errNotOwned = errors.New("pgtest: the cluster is shared; only its owner may stop or restart it")

// Kill ends the server at once, as kill -9 would: SIGKILL to the
// postmaster and every server process it started (backends call setsid, so
// they are not in its process group). Clients see their connections break
// mid-conversation. Resume starts it again.
func (c *Cluster) Kill() error {
	if !c.owned || c.PID <= 0 {
		return errNotOwned
	}
	children := childrenOf(c.PID)
	_ = syscall.Kill(c.PID, syscall.SIGKILL)
	for _, pid := range children {
		_ = syscall.Kill(pid, syscall.SIGKILL)
	}
	if err := c.waitExit(10 * time.Second); err != nil {
		return err
	}
	deadline := time.Now().Add(10 * time.Second)
	for _, pid := range children {
		for alive(pid) {
			if time.Now().After(deadline) {
				return errors.New("pgtest: server processes survived SIGKILL")
			}
			time.Sleep(5 * time.Millisecond)
		}
	}
	return nil
}

// childrenOf lists the running processes whose parent is ppid, from /proc.
func childrenOf(ppid int) []int {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return nil
	}
	var out []int
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		stat, err := os.ReadFile("/proc/" + e.Name() + "/stat")
		if err != nil {
			continue
		}
		i := bytes.LastIndexByte(stat, ')')
		if i < 0 {
			continue
		}
		// After ") ": state ppid …
		if f := strings.Fields(string(stat[i+1:])); len(f) >= 2 && f[0] != "Z" && f[1] == strconv.Itoa(ppid) {
			out = append(out, pid)
		}
	}
	return out
}

// Shutdown stops the server with a fast shutdown (SIGINT): open sessions get
// FATAL 57P01 and the server exits after a checkpoint. Resume starts it
// again.
func (c *Cluster) Shutdown() error {
	if !c.owned || c.PID <= 0 {
		return errNotOwned
	}
	return stopProcess(c.PID, c.exited, 10*time.Second)
}

// Resume starts a server stopped by Kill or Shutdown again, on the same
// port with the same data and settings, and waits until it accepts
// connections.
func (c *Cluster) Resume(ctx context.Context) error {
	if !c.owned || c.settings == nil {
		return errNotOwned
	}
	var err error
	for range 50 { // the port may linger briefly after a kill
		if err = c.launch(ctx, c.owner, c.env, c.settings); !errors.Is(err, errPortInUse) {
			return err
		}
		time.Sleep(100 * time.Millisecond)
	}
	return err
}

func (c *Cluster) waitExit(d time.Duration) error {
	deadline := time.Now().Add(d)
	for time.Now().Before(deadline) {
		if c.exited != nil {
			select {
			case <-c.exited:
				return nil
			case <-time.After(5 * time.Millisecond):
			}
			continue
		}
		if !alive(c.PID) {
			return nil
		}
		time.Sleep(5 * time.Millisecond)
	}
	return errors.New("pgtest: the server did not exit")
}
