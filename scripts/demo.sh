#!/usr/bin/env bash
# demo.sh — `make demo`: install what is missing, build the app, start a
# throwaway PostgreSQL with a seeded sample database ("shop"), and open Tusk on
# it with a fresh data directory holding the saved connection and a Welcome
# tab of example queries. When the app exits (or on Ctrl+C / SIGTERM) the
# cluster is stopped and every temporary directory removed.
#
# Needs a display. Without one ($DISPLAY and $WAYLAND_DISPLAY empty) it stops
# with a message, unless DEMO_HEADLESS=1: the app then runs invisibly under
# xvfb-run (a smoke test; stop it with Ctrl+C).
# DEMO_EVENTS=N changes the number of rows of analytics.events (1000000).
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf 'demo: %s\n' "$*"; }
die() { printf 'demo: error: %s\n' "$*" >&2; exit 1; }

headless=
if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
	if [ "${DEMO_HEADLESS:-}" = 1 ]; then
		headless=1
		say "no display: running the app invisibly under xvfb-run (DEMO_HEADLESS=1); stop it with Ctrl+C"
	else
		die "no display (\$DISPLAY and \$WAYLAND_DISPLAY are empty), so there is nowhere to show Tusk.
  Run 'make demo' from a desktop session, or 'DEMO_HEADLESS=1 make demo' to run the app
  invisibly under xvfb-run (a smoke test)."
	fi
fi

# 1. What is missing: system packages (PostgreSQL server included), npm, Go.
scripts/deps.sh test
[ -z "$headless" ] || command -v xvfb-run >/dev/null 2>&1 || die "xvfb-run is not installed (apt-get install xvfb xauth)"

# 2. The app.
make --no-print-directory build

# 3. A throwaway cluster and data directory, removed on the way out.
tmp=$(mktemp -d "${TMPDIR:-/tmp}/tusk-demo.XXXXXX")
cluster_dir=$tmp/cluster
data_dir=$tmp/data
app_pid=
cleanup() {
	local status=$?
	trap - EXIT INT TERM
	if [ -n "$app_pid" ] && kill -0 "$app_pid" 2>/dev/null; then
		# The app runs in a process group of its own (with Xvfb when headless).
		kill -TERM -- "-$app_pid" 2>/dev/null || kill -TERM "$app_pid" 2>/dev/null || true
		wait "$app_pid" 2>/dev/null || true
	fi
	if [ -f "$cluster_dir/cluster.json" ]; then
		"$tmp/pgtestd" stop "$cluster_dir" || say "warning: could not stop the cluster described in $cluster_dir/cluster.json"
	fi
	rm -rf "$tmp"
	say "cleaned up (cluster stopped, $tmp removed)"
	exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

go build -o "$tmp/pgtestd" ./backend/internal/pgtest/cmd/pgtestd
go build -tags sqlite_fts5 -o "$tmp/seed" ./backend/internal/demo
"$tmp/pgtestd" start "$cluster_dir"
say "seeding the sample database (about 10 s)…"
"$tmp/seed" -cluster "$cluster_dir/cluster.json" -data "$data_dir" -events "${DEMO_EVENTS:-1000000}"

# 4. The app, until it exits.
run=(./build/bin/tusk)
if [ -n "$headless" ]; then
	# TMPDIR: xvfb-run's own temporary directory lands in $tmp and goes with it.
	run=(env TMPDIR="$tmp" xvfb-run -a -s '-screen 0 1280x800x24' "${run[@]}")
fi
say "launching Tusk ${SECONDS}s after start (data directory $data_dir); quit the app to stop the demo"
if command -v setsid >/dev/null 2>&1; then
	TUSK_DATA_DIR=$data_dir setsid -w "${run[@]}" &
else
	TUSK_DATA_DIR=$data_dir "${run[@]}" &
fi
app_pid=$!
wait "$app_pid"
