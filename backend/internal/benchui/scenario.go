package main

import "time"

// Scenario is what the frontend's bench driver plays
// (frontend/src/lib/bench/driver.ts, interface Scenario); keep the two in step.
type Scenario struct {
	ConnectionID string      `json:"connectionId"`
	SettleMs     int         `json:"settleMs"`
	SampleMs     int         `json:"sampleMs"`
	AfterCloseMs int         `json:"afterCloseMs"`
	FirstRows    firstRows   `json:"firstRows"`
	Million      bigResult   `json:"million"`
	Wide         wideResult  `json:"wide"`
	Scroll       scrollSpeed `json:"scroll"`
	TimeoutMs    int         `json:"timeoutMs"`
}

type firstRows struct {
	SQL  string `json:"sql"`
	Runs int    `json:"runs"`
}

type bigResult struct {
	SQL  string `json:"sql"`
	Rows int    `json:"rows"`
}

type wideResult struct {
	SQL     string `json:"sql"`
	Columns int    `json:"columns"`
}

// scrollSpeed: Frames per gesture; WheelPx moved per frame (a fast wheel or
// touchpad fling); DragShare of the whole scroll range per frame (the
// scrollbar thumb dragged); WidePx sideways per frame.
type scrollSpeed struct {
	Frames    int     `json:"frames"`
	WheelPx   int     `json:"wheelPx"`
	DragShare float64 `json:"dragShare"`
	WidePx    int     `json:"widePx"`
}

// newScenario is the scenario for cfg; the harness samples memory in the
// windows it leaves after each mark.
func newScenario(cfg config, connectionID string) Scenario {
	s := Scenario{
		ConnectionID: connectionID,
		SettleMs:     4000,
		SampleMs:     int(cfg.sample / time.Millisecond),
		AfterCloseMs: int((cfg.afterClose + 2*time.Second) / time.Millisecond),
		FirstRows:    firstRows{SQL: "select * from million limit 200", Runs: cfg.firstRowsRuns},
		Million:      bigResult{SQL: "select * from million", Rows: cfg.rows},
		Wide:         wideResult{SQL: "select * from wide1600", Columns: cfg.wideCols},
		Scroll:       scrollSpeed{Frames: cfg.frames, WheelPx: 40, DragShare: 0.013, WidePx: 60},
		TimeoutMs:    60_000,
	}
	if cfg.smoke {
		s.SettleMs = 1000
	}
	return s
}
