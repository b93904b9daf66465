// Command benchui measures Tusk the way a user meets it: the released app
// (build/bin/tusk) in its real WebKitGTK window, under the X server named by
// DISPLAY (Xvfb in `make bench-ui`), against a throwaway PostgreSQL with a
// 1M-row and a 1,600-column table, with a fresh data directory per launch.
//
// It launches the app several times for the startup figures (the app's own
// launch → first paint and launch → interactive, and what the X screen
// showed: when the window appeared, in which colour, when the UI was drawn),
// then plays a scenario in it (TUSK_BENCH, frontend/src/lib/bench): idle,
// run → first rows, a 1M-row result scrolled and closed, a 1,600-column
// result scrolled. Memory is the PSS of the app and every WebKit process,
// from /proc/<pid>/smaps_rollup. Beside the app's startup and idle figures
// it prints a floor's: a bare WebKitGTK window built from ./webkitfloor,
// launched in turn with the app. It prints each figure beside its target
// and writes them into docs/benchmarks.md (between the bench-ui markers).
//
//	go run -tags 'sqlite_fts5' ./backend/internal/benchui [-launches 5] [-scenarios 3] [-smoke]
//
// A missed target is printed as FAIL; the command exits non-zero only when
// a measurement could not be taken (with -smoke: also when a figure is
// missing), because timings need a quiet machine to mean anything.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/tusk-app/tusk/backend/internal/pgtest"
)

type config struct {
	bin                 string
	out                 string
	launches, scenarios int
	rows                int
	wideRows, wideCols  int
	firstRowsRuns       int
	frames              int
	// sample is how long the harness reads memory after a mark; afterClose
	// how long it follows memory after the big result's tab closed (the
	// scenario waits as long).
	sample, afterClose time.Duration
	smoke              bool
	trace              string
}

func main() {
	var cfg config
	flag.StringVar(&cfg.bin, "app", "build/bin/tusk", "the built app")
	flag.StringVar(&cfg.out, "out", "docs/benchmarks.md", "markdown file to write the figures into (\"\" = none)")
	flag.IntVar(&cfg.launches, "launches", 5, "launches measured for the startup figures")
	flag.IntVar(&cfg.scenarios, "scenarios", 3, "runs of the scenario (medians are reported)")
	flag.IntVar(&cfg.rows, "rows", 1_000_000, "rows of the big result")
	flag.IntVar(&cfg.wideRows, "wide-rows", 2000, "rows of the 1,600-column result")
	flag.IntVar(&cfg.wideCols, "wide-cols", 1600, "columns of the wide result (PostgreSQL allows 1,600)")
	flag.IntVar(&cfg.firstRowsRuns, "first-rows-runs", 7, "runs of the 200-row query per scenario")
	flag.IntVar(&cfg.frames, "frames", 300, "frames per scroll gesture")
	cfg.sample, cfg.afterClose = 3*time.Second, 10*time.Second
	flag.StringVar(&cfg.trace, "trace", "", "write each scenario's memory per process every 250 ms, with the app's log events, to this file (for finding where memory goes)")
	flag.BoolVar(&cfg.smoke, "smoke", false, "a quick check that every figure is measured (small tables, one launch, no file written); fails on a missing figure, never on a target")
	flag.Parse()
	if cfg.smoke {
		cfg.launches, cfg.scenarios, cfg.rows, cfg.wideRows, cfg.wideCols = 1, 1, 20_000, 100, 1600
		cfg.firstRowsRuns, cfg.frames, cfg.out = 2, 60, ""
		cfg.sample, cfg.afterClose = time.Second, 2*time.Second
	}
	if err := run(cfg); err != nil {
		fmt.Fprintln(os.Stderr, "benchui:", err)
		os.Exit(1)
	}
}

func run(cfg config) error {
	began := time.Now()
	if runtime.GOOS != "linux" {
		return errors.New("bench-ui reads /proc and drives an X server: it runs on Linux only")
	}
	if os.Getenv("DISPLAY") == "" {
		return errors.New("DISPLAY is not set: run it under xvfb-run (make bench-ui does)")
	}
	if _, err := os.Stat(cfg.bin); err != nil {
		return fmt.Errorf("%s: %w (make build)", cfg.bin, err)
	}
	bin, err := filepath.Abs(cfg.bin)
	if err != nil {
		return err
	}
	load := machineLoad(3 * time.Second)
	fmt.Printf("machine: %d cores, %s busy before the run (load average %s)\n", runtime.NumCPU(), load, loadAvg())

	ctx := context.Background()
	if _, err := pgtest.IsolateEnv(); err != nil {
		return err
	}
	cluster, err := pgtest.Start(ctx)
	if err != nil {
		return fmt.Errorf("start PostgreSQL: %w", err)
	}
	defer cluster.Stop()
	work, err := os.MkdirTemp("", "tusk-bench-ui-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)
	stopOnSignal(func() { _ = cluster.Stop(); _ = os.RemoveAll(work) })

	t0 := time.Now()
	if cfg.scenarios == 0 { // startup only: no tables to fetch
		cfg.rows, cfg.wideRows = 0, 0
	}
	if err := seed(ctx, cluster, cfg.rows, cfg.wideRows, cfg.wideCols); err != nil {
		return fmt.Errorf("seed: %w", err)
	}
	template := filepath.Join(work, "template")
	connID, err := prepareDataDir(ctx, template, cluster)
	if err != nil {
		return fmt.Errorf("prepare the data directory: %w", err)
	}
	fmt.Printf("PostgreSQL %s on 127.0.0.1:%d seeded in %.1f s (million: %d rows, wide1600: %d × %d)\n",
		cluster.Version, cluster.Port, time.Since(t0).Seconds(), cfg.rows, cfg.wideRows, cfg.wideCols)

	floorBin, err := buildFloor(work)
	if err != nil {
		return err
	}
	// The app and the floor launch in turn, so that the machine's other
	// work disturbs both alike.
	var starts []startFigures
	var floors []floorFigures
	for i := range cfg.launches {
		s, err := measureStart(bin, template, work)
		if err != nil {
			return fmt.Errorf("launch %d: %w", i+1, err)
		}
		fmt.Printf("launch %d: OnStartup %.0f ms, navigation %.0f ms, script %.0f ms, mounted %.0f ms, first paint %.0f ms, interactive %.0f ms; screen: window %s, content %s, blank frames %s\n",
			i+1, s.wails, s.navigation, s.script, s.mounted, s.firstPaint, s.interactive, msOf(s.screen.Window), msOf(s.screen.UI), colours(s.screen.Blank))
		starts = append(starts, s)
		f, err := measureFloor(floorBin, cfg.sample-500*time.Millisecond)
		if err != nil {
			return fmt.Errorf("floor launch %d: %w", i+1, err)
		}
		fmt.Printf("floor %d: navigation %.0f ms, first paint %.0f ms, idle %.0f MB (kernel PSS %.0f MB)\n",
			i+1, f.navigation, f.firstPaint, f.idle.total(), f.idle.pss())
		floors = append(floors, f)
	}

	scenarioPath := filepath.Join(work, "scenario.json")
	b, err := json.Marshal(newScenario(cfg, connID))
	if err != nil {
		return err
	}
	if err := os.WriteFile(scenarioPath, b, 0o600); err != nil {
		return err
	}
	var runs []scenarioFigures
	for i := range cfg.scenarios {
		fmt.Printf("scenario %d of %d…\n", i+1, cfg.scenarios)
		s, err := measureScenario(cfg, bin, template, work, scenarioPath)
		if err != nil {
			return fmt.Errorf("scenario %d: %w", i+1, err)
		}
		fmt.Printf("  idle %.0f MB, with the result %.0f MB, after closing %s MB\n", s.idle.total(), s.open.total(), curve(s.closed))
		runs = append(runs, s)
	}

	rep := buildReport(cfg, starts, floors, runs)
	rep.machine = []string{
		fmt.Sprintf("date: %s", time.Now().UTC().Format("2006-01-02 15:04 UTC")),
		fmt.Sprintf("%d cores, %s; CPU busy before the run: %s (load average %s before, %s after)", runtime.NumCPU(), cpuModel(), load, rep.loadBefore, loadAvg()),
		"display: " + displayInfo(),
		"WebKitGTK: " + webkitVersion(),
		fmt.Sprintf("PostgreSQL %s (loopback TCP); %d launches, %d scenario runs; run time %.0f s", cluster.Version, cfg.launches, cfg.scenarios, time.Since(began).Seconds()),
	}
	rep.print(os.Stdout)
	if cfg.smoke {
		return rep.complete()
	}
	if cfg.out != "" {
		if err := rep.writeMarkdown(cfg.out); err != nil {
			return err
		}
		fmt.Println("written to", cfg.out)
	}
	return nil
}

func stopOnSignal(cleanup func()) {
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	go func() {
		<-sigs
		cleanup()
		os.Exit(130)
	}()
}

// startFigures is one launch: the app's own figures and the screen's.
type startFigures struct {
	firstPaint, interactive float64
	screen                  firstFrames
	// Phases in ms since launch: Wails' OnStartup (the window is being
	// built), the page's navigation start, its module script's start, the
	// shell mounted (from the boot_* timings).
	wails, navigation, script, mounted float64
}

func measureStart(bin, template, work string) (startFigures, error) {
	scr, err := watchScreen()
	if err != nil {
		return startFigures{}, err
	}
	app, err := launch(bin, template, work, "")
	if err != nil {
		scr.close()
		return startFigures{}, err
	}
	defer app.stop()
	var s startFigures
	if s.firstPaint, err = app.waitTiming("launch_to_first_paint", 30*time.Second); err == nil {
		s.interactive, err = app.waitTiming("launch_to_interactive", 30*time.Second)
	}
	time.Sleep(300 * time.Millisecond) // the frames right after, on screen
	s.screen = summarise(scr.close(), app.launched)
	lines := app.log.snapshot()
	for _, l := range lines {
		if l.Msg == "window started" {
			_, _ = fmt.Sscan(l.Fields["since_process_start_ms"], &s.wails)
		}
	}
	if t := timings(lines); err == nil && len(t["boot_first_paint"]) > 0 {
		s.navigation = s.firstPaint - t["boot_first_paint"][0]
		if v := t["boot_script_start"]; len(v) > 0 {
			s.script = s.navigation + v[0]
		}
		if v := t["boot_mounted"]; len(v) > 0 {
			s.mounted = s.navigation + v[0]
		}
	}
	return s, err
}

// scenarioFigures is one run of the scenario.
type scenarioFigures struct {
	idle, open memSample
	// before is the app just before the big result ran: connected, with a
	// query tab, the overlays opened once.
	before  memSample
	closed  []memSample // one per second after the tab closed
	timings map[string][]float64
	// webCollect is the web process's collection after the tab closed (the
	// app's "web process memory collected" line); nil when there was none.
	webCollect *logLine
}

// webCollection finds the web extension's answer to the collection the app
// asked for after the tab closed at closed.
func webCollection(lines []logLine, closed time.Time) *logLine {
	for i := range lines {
		if l := &lines[i]; l.Msg == "web process memory collected" && !l.At.Before(closed) {
			return l
		}
	}
	return nil
}

// memSample is one reading of the memory of the app's process tree.
type memSample struct {
	procs  []procMem
	alone  float64 // aloneMB; 0 when page frames cannot be read
	others int     // other WebKitGTK processes running then
}

func readMemory(pid int) memSample {
	ps := treeMemory(pid)
	tree := make([]int, len(ps))
	for i, p := range ps {
		tree[i] = p.PID
	}
	others := otherWebKit(tree)
	alone, _ := aloneMB(ps, others)
	return memSample{procs: ps, alone: alone, others: len(others)}
}

// total is the tree's PSS as if no other WebKitGTK app ran (see aloneMB),
// else the kernel's PSS.
func (m memSample) total() float64 {
	if m.alone > 0 {
		return m.alone
	}
	return m.pss()
}

// pss is the kernel's PSS of the tree at the time of the reading.
func (m memSample) pss() float64 { return totalMB(m.procs) }

func measureScenario(cfg config, bin, template, work, scenario string) (scenarioFigures, error) {
	app, err := launch(bin, template, work, scenario)
	if err != nil {
		return scenarioFigures{}, err
	}
	defer app.stop()
	if cfg.trace != "" {
		stop := traceMemory(app, cfg.trace)
		defer stop()
	}
	var f scenarioFigures
	next := 0
	long := 5 * time.Minute
	if _, next, err = app.waitMark("idle", next, long); err != nil {
		return f, err
	}
	f.idle = sampleFor(app.pid(), cfg.sample-500*time.Millisecond)
	if _, next, err = app.waitMark("before-result", next, long); err != nil {
		return f, err
	}
	f.before = sampleFor(app.pid(), cfg.sample-500*time.Millisecond)
	if _, next, err = app.waitMark("result-open", next, long); err != nil {
		return f, err
	}
	f.open = sampleFor(app.pid(), cfg.sample-500*time.Millisecond)
	closedAt, next, err := app.waitMark("closed", next, long)
	if err != nil {
		return f, err
	}
	for i := 0; i <= int(cfg.afterClose/time.Second); i++ {
		time.Sleep(time.Until(closedAt.Add(time.Duration(i) * time.Second)))
		f.closed = append(f.closed, readMemory(app.pid()))
	}
	if _, _, err = app.waitMark("done", next, long); err != nil {
		return f, err
	}
	lines := app.log.snapshot()
	f.timings = timings(lines)
	f.webCollect = webCollection(lines, closedAt)
	return f, nil
}

// sampleFor reads the tree's memory every 250 ms for d and keeps the
// reading with the median total.
func sampleFor(pid int, d time.Duration) memSample {
	var all []memSample
	for end := time.Now().Add(d); ; {
		all = append(all, readMemory(pid))
		if time.Now().After(end) {
			break
		}
		time.Sleep(250 * time.Millisecond)
	}
	slices.SortFunc(all, func(a, b memSample) int { return int(a.total()*1024 - b.total()*1024) })
	return all[len(all)/2]
}

// machineLoad is the share of all CPUs busy over d, before anything of the
// bench runs: how much the machine's other work will disturb the timings.
func machineLoad(d time.Duration) string {
	b0, t0, err := cpuTimes()
	if err != nil {
		return "?"
	}
	time.Sleep(d)
	b1, t1, err := cpuTimes()
	if err != nil || t1 == t0 {
		return "?"
	}
	return fmt.Sprintf("%.0f%%", 100*float64(b1-b0)/float64(t1-t0))
}

func msOf(d time.Duration) string {
	if d < 0 {
		return "never"
	}
	return fmt.Sprintf("%d ms", d.Milliseconds())
}

func colours(cs []uint32) string {
	if len(cs) == 0 {
		return "none"
	}
	s := make([]string, len(cs))
	for i, c := range cs {
		s[i] = hexColour(c)
	}
	return strings.Join(s, " → ")
}

func curve(ms []memSample) string {
	s := make([]string, len(ms))
	for i, m := range ms {
		s[i] = fmt.Sprintf("%.0f", m.total())
	}
	return strings.Join(s, " ")
}
