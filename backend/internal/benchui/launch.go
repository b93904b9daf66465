package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"time"
)

// appRun is one launch of the built app, in a process group of its own (its
// WebKit processes included), with its console log followed.
type appRun struct {
	cmd      *exec.Cmd
	launched time.Time
	log      *logWatch
	exited   chan struct{}
	dataDir  string
}

// launch starts bin with a copy of the prepared data directory; scenario is
// the path of the bench scenario ("" for a plain start).
func launch(bin, template, work, scenario string) (*appRun, error) {
	dataDir, err := os.MkdirTemp(work, "data-")
	if err != nil {
		return nil, err
	}
	if err := os.CopyFS(dataDir, os.DirFS(template)); err != nil {
		return nil, fmt.Errorf("copy the data directory: %w", err)
	}
	logPath := filepath.Join(dataDir, "console.log")
	out, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	defer out.Close()
	cmd := exec.Command(bin)
	cmd.Env = append(os.Environ(), "TUSK_DATA_DIR="+dataDir, "TUSK_LOG=info")
	if scenario != "" {
		cmd.Env = append(cmd.Env, "TUSK_BENCH="+scenario)
	}
	cmd.Stdout, cmd.Stderr = out, out
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	r := &appRun{cmd: cmd, exited: make(chan struct{}), dataDir: dataDir}
	r.launched = time.Now()
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", bin, err)
	}
	r.log = watchLog(logPath)
	go func() {
		_ = cmd.Wait()
		close(r.exited)
	}()
	return r, nil
}

func (r *appRun) gone() bool {
	select {
	case <-r.exited:
		return true
	default:
		return false
	}
}

func (r *appRun) pid() int { return r.cmd.Process.Pid }

// waitTiming waits for the "ui timing" line named name and returns its ms.
func (r *appRun) waitTiming(name string, timeout time.Duration) (float64, error) {
	l, _, ok := r.log.waitFor(0, timeout, r.gone, func(l logLine) bool {
		return l.Msg == "ui timing" && l.Fields["timing"] == name
	})
	if !ok {
		return 0, r.failure(fmt.Sprintf("no %s timing after %s", name, timeout))
	}
	var ms float64
	_, err := fmt.Sscan(l.Fields["ms"], &ms)
	return ms, err
}

// waitMark waits for the bench mark name (from log index from on) and
// returns when the harness read it and the index after it. A "failed: …"
// mark from the driver is an error.
func (r *appRun) waitMark(name string, from int, timeout time.Duration) (time.Time, int, error) {
	l, next, ok := r.log.waitFor(from, timeout, r.gone, func(l logLine) bool {
		return l.Msg == "bench mark"
	})
	switch {
	case !ok:
		return time.Time{}, next, r.failure(fmt.Sprintf("no bench mark %q after %s", name, timeout))
	case l.Fields["mark"] != name:
		return time.Time{}, next, r.failure(fmt.Sprintf("the bench driver reported %q while the harness waited for %q", l.Fields["mark"], name))
	}
	return l.At, next, nil
}

func (r *appRun) failure(what string) error {
	state := "running"
	if r.gone() {
		state = "exited: " + r.cmd.ProcessState.String()
	}
	return fmt.Errorf("%s (app %s); last log lines:\n%s", what, state, r.log.tail(15))
}

// stop ends the whole process group: SIGTERM, then SIGKILL after 5 s.
func (r *appRun) stop() {
	pg := -r.cmd.Process.Pid
	_ = syscall.Kill(pg, syscall.SIGTERM)
	select {
	case <-r.exited:
	case <-time.After(5 * time.Second):
	}
	_ = syscall.Kill(pg, syscall.SIGKILL)
	<-r.exited
	r.log.close()
}
