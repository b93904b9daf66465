package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"slices"
	"strings"
	"text/tabwriter"
)

// The app's own background colours (frontend/src/app.css --bg, light and
// dark): the only colours a window may show before its UI is drawn.
var appBackgrounds = []uint32{0xfbfbfc, 0x16181c}

// Targets from issue 9, "Fast and lean, measured in the real WebKitGTK window".
const (
	targetInteractiveMs = 300
	targetIdleMB        = 150
	targetResultMB      = 250
	targetBackMB        = 20
	targetBackS         = 10
	targetFirstRowsMs   = 50
	targetDroppedPct    = 5
)

type figure struct {
	group, name, value, target, verdict string
	missing                             bool
}

type report struct {
	machine    []string
	loadBefore string
	figures    []figure
	notes      []string
}

func (r *report) add(group, name, value, target string, pass *bool) {
	f := figure{group: group, name: name, value: value, target: target}
	if pass != nil {
		f.verdict = map[bool]string{true: "PASS", false: "FAIL"}[*pass]
	}
	r.figures = append(r.figures, f)
}

func (r *report) missing(group, name, target string) {
	r.figures = append(r.figures, figure{group: group, name: name, value: "not measured", target: target, verdict: "FAIL", missing: true})
}

func ptr(b bool) *bool { return &b }

func median(v []float64) float64 {
	if len(v) == 0 {
		return 0
	}
	s := slices.Clone(v)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

func spread(v []float64) string {
	if len(v) < 2 {
		return ""
	}
	return fmt.Sprintf(" (%.0f–%.0f, n=%d)", slices.Min(v), slices.Max(v), len(v))
}

func buildReport(cfg config, starts []startFigures, floors []floorFigures, runs []scenarioFigures) *report {
	r := &report{loadBefore: loadAvg()}

	// Startup.
	var paint, inter, window, ui, wails, nav, script, mounted []float64
	blankOK := true
	var blank []uint32
	for _, s := range starts {
		paint = append(paint, s.firstPaint)
		wails, nav, script, mounted = append(wails, s.wails), append(nav, s.navigation), append(script, s.script), append(mounted, s.mounted)
		inter = append(inter, s.interactive)
		if s.screen.Window >= 0 {
			window = append(window, float64(s.screen.Window.Milliseconds()))
		}
		if s.screen.UI >= 0 {
			ui = append(ui, float64(s.screen.UI.Milliseconds()))
		}
		for _, c := range s.screen.Blank {
			if !slices.Contains(blank, c) {
				blank = append(blank, c)
			}
			blankOK = blankOK && slices.Contains(appBackgrounds, c)
		}
	}
	const g1 = "1 startup"
	r.add(g1, "launch → first paint (app: shell's first frame)", fmt.Sprintf("%.0f ms%s", median(paint), spread(paint)), "", nil)
	r.add(g1, "launch → interactive (app: workspace restored, painted)", fmt.Sprintf("%.0f ms%s", median(inter), spread(inter)),
		fmt.Sprintf("≤ %d ms", targetInteractiveMs), ptr(median(inter) <= targetInteractiveMs))
	if len(starts) > 0 {
		r.add(g1, "where it went (app): launch → Wails' OnStartup → page load started → script started → shell mounted",
			fmt.Sprintf("%.0f → %.0f → %.0f → %.0f ms", median(wails), median(nav), median(script), median(mounted)), "", nil)
	}
	var floorPaint, floorNav, floorIdle []float64
	for _, f := range floors {
		floorPaint, floorNav, floorIdle = append(floorPaint, f.firstPaint), append(floorNav, f.navigation), append(floorIdle, f.idle.total())
	}
	if len(floors) > 0 {
		r.add(g1, "floor: a bare WebKitGTK window (webkitfloor): launch → page load started → first paint",
			fmt.Sprintf("%.0f → %.0f ms%s", median(floorNav), median(floorPaint), spread(floorPaint)), "", nil)
		r.add(g1, "Tusk's interactive beyond the floor's first paint", fmt.Sprintf("+%.0f ms (%.1f× the floor)",
			median(inter)-median(floorPaint), median(inter)/median(floorPaint)), "", nil)
		if median(floorPaint) > targetInteractiveMs {
			r.notes = append(r.notes, fmt.Sprintf("startup: a bare WebKitGTK window with a page of a few bytes (webkitfloor) takes %.0f ms to its first frame here, "+
				"%.0f ms of it before its page load starts: the %d ms target is below WebKitGTK's own start on this machine", median(floorPaint), median(floorNav), targetInteractiveMs))
		}
	} else {
		r.missing(g1, "floor: a bare WebKitGTK window (webkitfloor)", "")
	}
	if len(window) == len(starts) && len(ui) == len(starts) {
		r.add(g1, "screen: launch → window shown", fmt.Sprintf("%.0f ms%s", median(window), spread(window)), "", nil)
		r.add(g1, "screen: launch → first frame with content (outline or UI)", fmt.Sprintf("%.0f ms%s", median(ui), spread(ui)), "", nil)
		r.add(g1, "screen: colour of the window before its UI", colours(blank), "app background only ("+colours(appBackgrounds)+")", ptr(blankOK))
	} else {
		r.missing(g1, "screen: launch → window shown / UI drawn", "")
	}

	// Memory.
	const g2 = "2 memory (PSS of the app + its WebKit processes)"
	// What a result adds and what closing it gives back are measured from the
	// app just before the result ran ("before"): connecting, a query tab and
	// the overlays' first opening add memory of their own that rightly stays.
	var idle, idlePSS, before, added, back, at10, aboveIdle, collectMs []float64
	collected := 0
	for _, s := range runs {
		idle = append(idle, s.idle.total())
		idlePSS = append(idlePSS, s.idle.pss())
		before = append(before, s.before.total())
		added = append(added, s.open.total()-s.before.total())
		secs := float64(-1)
		for i, m := range s.closed {
			if m.total() <= s.before.total()+targetBackMB {
				secs = float64(i)
				break
			}
		}
		back = append(back, secs)
		if n := len(s.closed); n > 0 {
			at10 = append(at10, s.closed[n-1].total()-s.before.total())
			aboveIdle = append(aboveIdle, s.closed[n-1].total()-s.idle.total())
		}
		if l := s.webCollect; l != nil {
			collected++
			var ms float64
			fmt.Sscan(l.Fields["took_ms"], &ms)
			collectMs = append(collectMs, ms)
		}
	}
	if len(runs) > 0 {
		var others []float64
		for _, s := range runs {
			others = append(others, float64(s.idle.others))
		}
		r.add(g2, fmt.Sprintf("idle, kernel PSS (with %.0f other WebKitGTK processes running)", median(others)),
			fmt.Sprintf("%.0f MB%s", median(idlePSS), spread(idlePSS)), fmt.Sprintf("≤ %d MB", targetIdleMB), ptr(median(idlePSS) <= targetIdleMB))
		r.add(g2, "idle, PSS with Tusk the only WebKitGTK app", fmt.Sprintf("%.0f MB%s", median(idle), spread(idle)),
			fmt.Sprintf("≤ %d MB", targetIdleMB), ptr(median(idle) <= targetIdleMB))
		if len(floorIdle) > 0 {
			r.add(g2, "floor: a bare WebKitGTK window (webkitfloor) idle, PSS as the only WebKitGTK app", fmt.Sprintf("%.0f MB%s", median(floorIdle), spread(floorIdle)), "", nil)
			r.add(g2, "Tusk idle beyond the floor", fmt.Sprintf("+%.0f MB", median(idle)-median(floorIdle)), "", nil)
			if median(floorIdle) > targetIdleMB {
				r.notes = append(r.notes, fmt.Sprintf("memory: the bare WebKitGTK window alone holds %.0f MB idle (its three processes, as the only WebKitGTK app): the %d MB target is below WebKitGTK's own share on this machine",
					median(floorIdle), targetIdleMB))
			}
		}
		r.add(g2, "before the result: connected, a query tab, the overlays opened once", fmt.Sprintf("%.0f MB%s", median(before), spread(before)), "", nil)
		r.add(g2, fmt.Sprintf("%d-row result open (scrolled): added to that", cfg.rows), fmt.Sprintf("%.0f MB%s", median(added), spread(added)),
			fmt.Sprintf("≤ %d MB", targetResultMB), ptr(median(added) <= targetResultMB))
		never := slices.Contains(back, -1)
		val := fmt.Sprintf("%.0f s", median(back))
		if never {
			val = fmt.Sprintf("not within %.0f s in %d of %d runs", cfg.afterClose.Seconds(), countOf(back, -1), len(back))
		}
		r.add(g2, fmt.Sprintf("tab closed: back within %d MB of before the result after", targetBackMB), val, fmt.Sprintf("≤ %d s", targetBackS), ptr(!never && median(back) <= targetBackS))
		r.add(g2, fmt.Sprintf("tab closed: above before the result after %.0f s", cfg.afterClose.Seconds()), fmt.Sprintf("%.0f MB%s", median(at10), spread(at10)), "", nil)
		r.add(g2, fmt.Sprintf("tab closed: above idle (at start) after %.0f s", cfg.afterClose.Seconds()), fmt.Sprintf("%.0f MB%s", median(aboveIdle), spread(aboveIdle)), "", nil)
		if collected == len(runs) {
			r.add(g2, "tab closed: the web process's collection (web extension)", fmt.Sprintf("%.0f ms%s", median(collectMs), spread(collectMs)), "", nil)
		} else {
			r.missing(g2, "tab closed: the web process's collection (web extension)", fmt.Sprintf("answered in %d of %d runs", collected, len(runs)))
		}
		mid := runs[len(runs)/2]
		r.notes = append(r.notes,
			fmt.Sprintf("PSS divides each page of a shared library among all processes mapping it. Other WebKitGTK processes on the machine (other apps, test runs) share WebKit's libraries, Mesa and ICU with Tusk and lower its kernel PSS by tens of MB, and as they come and go the figure drifts while Tusk does nothing. So the figures above after idle (what a result adds, what closing gives back) are PSS with those processes' mappings left out of the division, as on a desktop where Tusk is the only WebKitGTK app; libraries shared with the rest of the desktop stay shared. Idle, %.0f MB of it is file-backed (libraries and the binary), %.0f MB anonymous",
				median(idle)-anonMB(mid.idle.procs), anonMB(mid.idle.procs)),
			"memory per process, idle: "+perProcess(mid.idle.procs),
			"memory per process, before the result: "+perProcess(mid.before.procs),
			"memory per process, with the result open: "+perProcess(mid.open.procs),
			"memory after closing the tab, one reading per second (MB): "+curve(mid.closed))
	} else {
		r.missing(g2, "idle / result / after closing", "")
	}

	// Timings reported by the app.
	const g3 = "3 run → first rows"
	all := map[string][]float64{}
	for _, s := range runs {
		// run_to_first_rows comes once per run: the 200-row query's runs,
		// then the big result, then the wide one.
		v := s.timings["run_to_first_rows"]
		if len(v) == cfg.firstRowsRuns+2 {
			all["page"] = append(all["page"], v[:cfg.firstRowsRuns]...)
			all["big"] = append(all["big"], v[cfg.firstRowsRuns])
			all["wide"] = append(all["wide"], v[cfg.firstRowsRuns+1])
		}
		for k, v := range s.timings {
			all[k] = append(all[k], v...)
		}
	}
	if v := all["page"]; len(v) > 0 {
		r.add(g3, "200-row page (app: run → first row painted)", fmt.Sprintf("%.1f ms%s", median(v), spread(v)), fmt.Sprintf("≤ %d ms", targetFirstRowsMs), ptr(median(v) <= targetFirstRowsMs))
		r.add(g3, fmt.Sprintf("%d-row query (first page of 200)", cfg.rows), fmt.Sprintf("%.1f ms%s", median(all["big"]), spread(all["big"])), "", nil)
		r.add(g3, fmt.Sprintf("%d-column query", cfg.wideCols), fmt.Sprintf("%.1f ms%s", median(all["wide"]), spread(all["wide"])), "", nil)
	} else {
		r.missing(g3, "200-row page (app: run → first row painted)", fmt.Sprintf("≤ %d ms", targetFirstRowsMs))
	}
	if v := all["big_run_to_done"]; len(v) > 0 {
		r.add(g3, fmt.Sprintf("%d-row query: Ctrl+Enter → all rows fetched", cfg.rows), fmt.Sprintf("%.0f ms%s", median(v), spread(v)), "", nil)
	}
	if v := all["first_page_to_first_rows"]; len(v) > 0 {
		r.add(g3, "its UI share: first page arrived → painted", fmt.Sprintf("%.1f ms%s", median(v), spread(v)), "", nil)
	}

	// Scrolling.
	const g4 = "4 scrolling (frame intervals at 60 Hz)"
	for _, gst := range []struct{ key, name string }{
		{"scroll_1m_wheel", fmt.Sprintf("%d rows, wheel (40 px/frame)", cfg.rows)},
		{"scroll_1m_drag", fmt.Sprintf("%d rows, scrollbar drag (1.3%% of the range/frame)", cfg.rows)},
		{"scroll_wide_h", fmt.Sprintf("%d columns, sideways (60 px/frame)", cfg.wideCols)},
		{"scroll_wide_v", fmt.Sprintf("%d columns, down (40 px/frame)", cfg.wideCols)},
	} {
		drop := all[gst.key+"_dropped_pct"]
		if len(drop) == 0 {
			r.missing(g4, gst.name, fmt.Sprintf("≤ %d%% dropped", targetDroppedPct))
			continue
		}
		val := fmt.Sprintf("p50 %.1f ms, p95 %.1f ms, %.1f%% dropped, %.0f%% frames with rows loading",
			median(all[gst.key+"_p50"]), median(all[gst.key+"_p95"]), median(drop), median(all[gst.key+"_blank_pct"]))
		r.add(g4, gst.name, val, fmt.Sprintf("≤ %d%% dropped", targetDroppedPct), ptr(median(drop) <= targetDroppedPct))
	}

	// Overlays loaded on first use (a chunk of their own each).
	const g5 = "5 first opening (app: trigger → painted)"
	for _, o := range []struct{ key, name string }{
		{"open_palette", "palette (Ctrl+K)"},
		{"open_connection_dialog", "connection dialog (New connection)"},
	} {
		if v := all[o.key]; len(v) > 0 {
			r.add(g5, o.name, fmt.Sprintf("%.1f ms%s", median(v), spread(v)), "", nil)
		} else {
			r.missing(g5, o.name, "")
		}
	}
	return r
}

func countOf(v []float64, x float64) int {
	n := 0
	for _, e := range v {
		if e == x {
			n++
		}
	}
	return n
}

func perProcess(ps []procMem) string {
	s := make([]string, len(ps))
	for i, p := range ps {
		s[i] = fmt.Sprintf("%s %.0f (anon %.0f)", p.Comm, float64(p.PssKB)/1024, float64(p.AnonKB)/1024)
	}
	return strings.Join(s, ", ") + " MB"
}

// complete fails when a figure could not be measured (the smoke's check).
func (r *report) complete() error {
	var miss []string
	for _, f := range r.figures {
		if f.missing {
			miss = append(miss, f.group+": "+f.name)
		}
	}
	if len(miss) > 0 {
		return errors.New("figures not measured: " + strings.Join(miss, "; "))
	}
	return nil
}

func (r *report) print(w io.Writer) {
	fmt.Fprintln(w)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	group := ""
	for _, f := range r.figures {
		if f.group != group {
			group = f.group
			fmt.Fprintf(tw, "%s\t\t\t\n", group)
		}
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\n", f.name, f.value, f.target, f.verdict)
	}
	tw.Flush()
	for _, n := range r.notes {
		fmt.Fprintln(w, "  note:", n)
	}
}

const (
	beginMarker = "<!-- bench-ui:begin -->"
	endMarker   = "<!-- bench-ui:end -->"
)

// writeMarkdown puts the figures between the bench-ui markers of path,
// keeping the rest of the file (`make bench` writes the other sections).
func (r *report) writeMarkdown(path string) error {
	var b strings.Builder
	b.WriteString(beginMarker + "\n## UI in the real WebKitGTK window (`make bench-ui`)\n\n")
	b.WriteString("Generated by `make bench-ui` (`go run ./backend/internal/benchui`); do not edit by hand. The released app runs\n")
	b.WriteString("under Xvfb against a throwaway PostgreSQL; see the command's doc comment for what each figure measures.\n")
	b.WriteString("Timings need a quiet machine: the load it ran under is given below.\n\n")
	for _, m := range r.machine {
		b.WriteString("- " + m + "\n")
	}
	b.WriteString("\n| group | figure | value | target | result |\n|---|---|---|---|---|\n")
	for _, f := range r.figures {
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s |\n", f.group, f.name, f.value, f.target, f.verdict)
	}
	b.WriteString("\n")
	for _, n := range r.notes {
		b.WriteString("- " + n + "\n")
	}
	b.WriteString(methodNotes + endMarker + "\n")

	old, err := os.ReadFile(path)
	if err != nil && !os.IsNotExist(err) {
		return err
	}
	return os.WriteFile(path, []byte(spliceSection(string(old), b.String())), 0o644)
}

// spliceSection replaces the marked section of doc with section, or appends
// it when doc has none.
func spliceSection(doc, section string) string {
	i := strings.Index(doc, beginMarker)
	j := strings.Index(doc, endMarker)
	if i >= 0 && j > i {
		return doc[:i] + section + strings.TrimPrefix(doc[j+len(endMarker):], "\n")
	}
	if doc != "" && !strings.HasSuffix(doc, "\n\n") {
		doc = strings.TrimRight(doc, "\n") + "\n\n"
	}
	return doc + section
}

const methodNotes = `
How the figures are taken:

- **Startup**: each launch starts build/bin/tusk with a copy of a prepared data directory (the bench connection and one
  editor tab, as a returning user has them). *launch* is the process's exec as the kernel recorded it
  (/proc/self/stat, ±5 ms); the webview reports *first paint* after the shell's first frame (requestAnimationFrame, then
  the next task) and *interactive* after the frame that shows the restored workspace with its editor. *screen* figures
  come from the X server (XDAMAGE, then a screenshot per change): when the window first showed, which colour it had
  while blank, and when the UI was drawn.
- **Memory**: PSS summed over the app and every process it started (WebKitWebProcess, WebKitNetworkProcess, …) from
  /proc/<pid>/smaps_rollup; idle and open are the median of readings over 2.5 s; after closing, one reading per second.
  *With Tusk the only WebKitGTK app*: the same sum, computed from the page frames of every mapped file page
  (/proc/<pid>/pagemap, /proc/kpagecount) with the mappings of other WebKitGTK processes left out of each page's
  division; the deltas (what the result adds, what closing gives back) use it.
- **Floor** (the anchor, as raw pgx is for a fetch): backend/internal/benchui/webkitfloor, a Go program that links GTK and
  WebKitGTK 4.1 through cgo as the app does, opens one 1024×768 window with one web view (hardware acceleration never,
  as the app) and loads a page of a few bytes. It launches once after each launch of the app; its first paint is taken
  as the app's (requestAnimationFrame, then the next task), from when the harness started it, and its idle memory as the
  app's, 2 s after that frame. What the app takes beyond it is Wails' and Tusk's.
- **Run → first rows**: the app's own figure (Workspace: from Run to the first grid row painted), for a 200-row query run
  several times per scenario.
- **Scrolling**: the driver moves the grid's scroller once per animation frame (300 frames) and records the frame
  intervals: dropped = share of 60 Hz refreshes without a new frame.
`

func cpuModel() string {
	b, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		return "?"
	}
	for _, l := range strings.Split(string(b), "\n") {
		if k, v, ok := strings.Cut(l, ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return "?"
}

func displayInfo() string {
	out, err := exec.Command("xdpyinfo").Output()
	if err != nil {
		return os.Getenv("DISPLAY")
	}
	for _, l := range strings.Split(string(out), "\n") {
		if d, ok := strings.CutPrefix(strings.TrimSpace(l), "dimensions:"); ok {
			return os.Getenv("DISPLAY") + ", " + strings.Join(strings.Fields(d)[:1], "") + " (Xvfb, software rendering)"
		}
	}
	return os.Getenv("DISPLAY")
}

func webkitVersion() string {
	out, err := exec.Command("pkg-config", "--modversion", "webkit2gtk-4.1").Output()
	if err != nil {
		return "?"
	}
	return strings.TrimSpace(string(out))
}
