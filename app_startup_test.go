package main

import (
	"math"
	"testing"

	"github.com/tusk-app/tusk/backend/apperr"
)

func TestReportStartup(t *testing.T) {
	app, _ := newTestApp(t)
	epoch := float64(app.started.UnixMicro())/1000 + 212.34
	ms, err := app.ReportStartup(StartupMark{Name: "first_paint", EpochMs: epoch})
	if err != nil || ms != 212.3 {
		t.Fatalf("ReportStartup = %v, %v; want 212.3 ms", ms, err)
	}
	for _, bad := range []StartupMark{
		{Name: "loaded", EpochMs: epoch},
		{Name: "interactive", EpochMs: 0},
		{Name: "interactive", EpochMs: math.NaN()},
		{Name: "interactive", EpochMs: math.Inf(1)},
	} {
		if _, err := app.ReportStartup(bad); apperr.KindOf(err) != apperr.Validation {
			t.Errorf("ReportStartup(%+v) = %v; want a validation error", bad, err)
		}
	}
}
