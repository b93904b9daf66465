package main

import (
	"bufio"
	"fmt"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// floorFigures is one launch of the WebKitGTK floor (./webkitfloor): a Go
// program with one GTK window and one web view showing a page of a few
// bytes. Its figures are what WebKitGTK itself costs on this machine, the
// anchor beside the app's (as raw pgx is for a fetch in `make bench`).
type floorFigures struct {
	// firstPaint and navigation are ms from launch to the page's first frame
	// and to the start of its navigation.
	firstPaint, navigation float64
	idle                   memSample
}

// buildFloor compiles ./backend/internal/benchui/webkitfloor into work.
func buildFloor(work string) (string, error) {
	bin := filepath.Join(work, "webkitfloor")
	cmd := exec.Command("go", "build", "-o", bin, "./backend/internal/benchui/webkitfloor")
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("build the WebKitGTK floor (run from the repository's root): %w\n%s", err, out)
	}
	return bin, nil
}

// measureFloor launches the floor once, waits for its first frame, then
// reads its memory idle for sample (after settling 2 s) and kills it.
// Its launch is taken when the harness starts it: the app's own figure
// counts from the kernel's exec time, which is a fork and exec (1–3 ms)
// later, within the ±5 ms of that clock.
func measureFloor(bin string, sample time.Duration) (floorFigures, error) {
	cmd := exec.Command(bin)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	out, err := cmd.StdoutPipe()
	if err != nil {
		return floorFigures{}, err
	}
	launched := time.Now()
	if err := cmd.Start(); err != nil {
		return floorFigures{}, err
	}
	defer func() {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		_ = cmd.Wait()
	}()
	painted := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if line, ok := strings.CutPrefix(sc.Text(), "first paint "); ok {
				painted <- line
				return
			}
		}
		close(painted)
	}()
	var f floorFigures
	select {
	case line, ok := <-painted:
		if !ok {
			return f, fmt.Errorf("the WebKitGTK floor exited before its first frame")
		}
		f.firstPaint = float64(time.Since(launched).Microseconds()) / 1000
		var sincePageStart float64
		if _, err := fmt.Sscan(line, &sincePageStart); err != nil {
			return f, fmt.Errorf("the WebKitGTK floor printed %q: %w", line, err)
		}
		f.navigation = f.firstPaint - sincePageStart
	case <-time.After(30 * time.Second):
		return f, fmt.Errorf("no first frame from the WebKitGTK floor after 30 s")
	}
	time.Sleep(2 * time.Second)
	f.idle = sampleFor(cmd.Process.Pid, sample)
	if len(f.idle.procs) < 3 {
		return f, fmt.Errorf("the WebKitGTK floor runs %d processes; want the app, its web and its network process", len(f.idle.procs))
	}
	return f, nil
}
