package main

import (
	"math"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestParseLogLine(t *testing.T) {
	l := parseLogLine(`time="13:05:35.061" level=info msg="ui timing" ms=152.5 timing=run_to_first_rows`)
	if l.Msg != "ui timing" || l.Fields["ms"] != "152.5" || l.Fields["timing"] != "run_to_first_rows" || l.Fields["time"] != "13:05:35.061" {
		t.Fatalf("parsed %+v", l)
	}
	l = parseLogLine(`time="x" level=info msg="bench mark" mark="failed: no \"grid\" after 10 ms"`)
	if l.Msg != "bench mark" || l.Fields["mark"] != `failed: no "grid" after 10 ms` {
		t.Fatalf("quoted value: %+v", l)
	}
	for _, s := range []string{"Overriding existing handler for signal 10.", `msg="unterminated`, ""} {
		if l := parseLogLine(s); l.Msg != "" {
			t.Errorf("parseLogLine(%q) = %+v; want no message", s, l)
		}
	}
}

func TestTimingsByName(t *testing.T) {
	var lines []logLine
	for _, s := range []string{
		`level=info msg="ui timing" ms=12 timing=a`,
		`level=info msg="window started" since_process_start_ms=180`,
		`level=info msg="ui timing" ms=13.5 timing=a`,
		`level=info msg="ui timing" ms=oops timing=b`,
	} {
		lines = append(lines, parseLogLine(s))
	}
	got := timings(lines)
	if want := map[string][]float64{"a": {12, 13.5}}; !reflect.DeepEqual(got, want) {
		t.Fatalf("timings = %v; want %v", got, want)
	}
}

func TestSummariseScreen(t *testing.T) {
	t0 := time.Now()
	at := func(ms int) time.Time { return t0.Add(time.Duration(ms) * time.Millisecond) }
	frames := []screenFrame{
		{At: t0.Add(-time.Second), Colour: 0x000000, Share: 1}, // the bare root before launch
		{At: at(5), Colour: 0x000000, Share: 1},
		{At: at(120), Colour: 0xf6f5f4, Share: 1}, // GTK's window background
		{At: at(150), Colour: 0xfbfbfc, Share: 0.999},
		{At: at(160), Colour: 0xfbfbfc, Share: 1},
		{At: at(300), Colour: 0xfbfbfc, Share: 0.8}, // the UI
		{At: at(400), Colour: 0xffffff, Share: 1},
	}
	got := summarise(frames, t0)
	want := firstFrames{Window: 120 * time.Millisecond, UI: 300 * time.Millisecond, Blank: []uint32{0xf6f5f4, 0xfbfbfc}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("summarise = %+v; want %+v", got, want)
	}
	if got := summarise(frames[:2], t0); got.Window != -1 || got.UI != -1 {
		t.Fatalf("no window: %+v", got)
	}
}

func TestSpliceSection(t *testing.T) {
	section := beginMarker + "\nnew\n" + endMarker + "\n"
	doc := "# Benchmarks\n\nbench figures\n"
	once := spliceSection(doc, section)
	if once != doc+"\n"+section {
		t.Fatalf("appended:\n%s", once)
	}
	twice := spliceSection(once+"tail\n", strings.Replace(section, "new", "newer", 1))
	if want := doc + "\n" + beginMarker + "\nnewer\n" + endMarker + "\ntail\n"; twice != want {
		t.Fatalf("replaced:\n%q\nwant\n%q", twice, want)
	}
}

func TestTreeMemoryOfThisProcess(t *testing.T) {
	ps := treeMemory(os.Getpid())
	if !slices.ContainsFunc(ps, func(p procMem) bool { return p.PID == os.Getpid() && p.PssKB > 0 }) {
		t.Fatalf("treeMemory = %+v; want this process in it", ps)
	}
	if totalMB(ps) < 1 {
		t.Fatalf("a Go test process uses more than %.2f MB", totalMB(ps))
	}
}

func TestMedian(t *testing.T) {
	for _, c := range []struct {
		in   []float64
		want float64
	}{{nil, 0}, {[]float64{3}, 3}, {[]float64{5, 1, 3}, 3}, {[]float64{4, 1, 3, 2}, 2.5}} {
		if got := median(c.in); got != c.want {
			t.Errorf("median(%v) = %v; want %v", c.in, got, c.want)
		}
	}
}

func TestAloneIsThePSSWithoutOtherWebKitProcesses(t *testing.T) {
	ps := treeMemory(os.Getpid())
	alone, ok := aloneMB(ps, nil)
	if !ok {
		if os.Getuid() != 0 {
			t.Skip("page frames need root")
		}
		t.Fatal("aloneMB: no page frames as root")
	}
	// With no process left out of the sharing, it is the kernel's PSS (to
	// rounding and pages faulted in between the two readings).
	if pss := totalMB(ps); math.Abs(alone-pss) > 1+pss*0.05 {
		t.Fatalf("alone %.1f MB, kernel PSS %.1f MB", alone, pss)
	}
}

func TestReportPutsTheFloorBesideTheApp(t *testing.T) {
	mem := func(mb int64) memSample { return memSample{procs: []procMem{{PID: 1, Comm: "x", PssKB: mb * 1024}}} }
	starts := []startFigures{{firstPaint: 700, interactive: 720}, {firstPaint: 680, interactive: 700}, {firstPaint: 800, interactive: 820}}
	floors := []floorFigures{{firstPaint: 290, navigation: 280, idle: mem(185)}, {firstPaint: 330, navigation: 320, idle: mem(187)}}
	runs := []scenarioFigures{{idle: mem(265), before: mem(270), open: mem(470), closed: []memSample{mem(280)}}}
	r := buildReport(config{rows: 10, afterClose: time.Second}, starts, floors, runs)
	values := map[string]string{}
	for _, f := range r.figures {
		values[f.name] = f.value
	}
	for name, want := range map[string]string{
		"floor: a bare WebKitGTK window (webkitfloor): launch → page load started → first paint": "300 → 310 ms (290–330, n=2)",
		"Tusk's interactive beyond the floor's first paint":                                      "+410 ms (2.3× the floor)",
		"floor: a bare WebKitGTK window (webkitfloor) idle, PSS as the only WebKitGTK app":       "186 MB (185–187, n=2)",
		"Tusk idle beyond the floor": "+79 MB",
	} {
		if got := values[name]; got != want {
			t.Errorf("%s = %q; want %q", name, got, want)
		}
	}
	notes := strings.Join(r.notes, "\n")
	if !strings.Contains(notes, "the 300 ms target is below WebKitGTK's own start") || !strings.Contains(notes, "the 150 MB target is below WebKitGTK's own share") {
		t.Errorf("the notes do not say the floor is above the targets:\n%s", notes)
	}

	fast := []floorFigures{{firstPaint: 120, navigation: 110, idle: mem(100)}}
	r = buildReport(config{rows: 10, afterClose: time.Second}, starts, fast, runs)
	if notes := strings.Join(r.notes, "\n"); strings.Contains(notes, "below WebKitGTK's own") {
		t.Errorf("a floor under the targets is not an excuse:\n%s", notes)
	}
	r = buildReport(config{rows: 10, afterClose: time.Second}, starts, nil, runs)
	if r.complete() == nil {
		t.Error("a report without the floor is complete")
	}
}
