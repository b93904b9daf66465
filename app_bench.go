package main

import (
	"os"

	"github.com/tusk-app/tusk/backend/apperr"
)

// benchEnv names the scenario file of a `make bench-ui` run
// (backend/internal/benchui). Unset in normal use.
const benchEnv = "TUSK_BENCH"

// BenchScenario returns the JSON scenario the frontend's bench driver plays
// (frontend/src/lib/bench), or "" when the app does not run under
// `make bench-ui`.
func (a *App) BenchScenario() (string, error) {
	path := os.Getenv(benchEnv)
	if path == "" {
		return "", nil
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return "", apperr.Wrap(apperr.Internal, "read the bench scenario", err)
	}
	return string(b), nil
}

// BenchMark logs a named point of a bench scenario ("idle", "result-open",
// "closed", …), so the harness watching the log samples memory then. It does
// nothing outside a bench run.
func (a *App) BenchMark(name string) {
	if os.Getenv(benchEnv) == "" {
		return
	}
	a.log.WithField("mark", name).Info("bench mark")
}
