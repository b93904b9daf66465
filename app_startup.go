package main

import (
	"math"
	"time"

	"github.com/sirupsen/logrus"

	"github.com/tusk-app/tusk/backend/apperr"
)

// StartupMark is a moment of the frontend's start as the webview's clock saw
// it: EpochMs is performance.timeOrigin + performance.now(), in ms since
// the Unix epoch (the webview and Go read the same wall clock).
type StartupMark struct {
	// Name is "first_paint" (the shell's first frame) or "interactive" (the
	// restored workspace painted and ready for input).
	Name    string  `json:"name"`
	EpochMs float64 `json:"epochMs"`
	argErr
}

func (r *StartupMark) UnmarshalJSON(b []byte) error {
	type plain StartupMark
	r.bad = decodeArg(b, (*plain)(r))
	return nil
}

// ReportStartup logs launch → mark, the true startup figure (from the
// process's exec, see launchTime, to a frame painted in the webview), and
// returns it in ms.
func (a *App) ReportStartup(m StartupMark) (float64, error) {
	if bad := m.argError(); bad != nil {
		return 0, bad
	}
	if m.Name != "first_paint" && m.Name != "interactive" {
		return 0, apperr.ValidationError(apperr.FieldError{Field: "name", Message: "the mark must be first_paint or interactive"})
	}
	if math.IsNaN(m.EpochMs) || math.IsInf(m.EpochMs, 0) || m.EpochMs <= 0 {
		return 0, apperr.ValidationError(apperr.FieldError{Field: "epochMs", Message: "the time must be a positive number of ms since the epoch"})
	}
	if m.Name == "first_paint" {
		unpaintWindows() // the webview covers the window now
	}
	ms := sinceLaunchMs(a.started, m.EpochMs)
	a.log.WithFields(logrus.Fields{"timing": "launch_to_" + m.Name, "ms": ms}).Info("ui timing")
	return ms, nil
}

// sinceLaunchMs is the time from launch to epochMs, rounded to 0.1 ms.
func sinceLaunchMs(launch time.Time, epochMs float64) float64 {
	d := epochMs - float64(launch.UnixMicro())/1000
	return math.Round(d*10) / 10
}
