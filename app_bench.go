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

// BenchMarkRequest names a point of a bench scenario.
type BenchMarkRequest struct {
	Name string `json:"name"`
	argErr
}

func (r *BenchMarkRequest) UnmarshalJSON(b []byte) error {
	type plain BenchMarkRequest
	r.bad = decodeArg(b, (*plain)(r))
	return nil
}

// BenchMark logs a named point of a bench scenario ("idle", "result-open",
// "closed", …), so the harness watching the log samples memory then. It does
// nothing outside a bench run.
func (a *App) BenchMark(req BenchMarkRequest) error {
	if bad := req.argError(); bad != nil {
		return bad
	}
	if os.Getenv(benchEnv) == "" {
		return nil
	}
	a.log.WithField("mark", req.Name).Info("bench mark")
	return nil
}
