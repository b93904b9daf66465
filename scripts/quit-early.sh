#!/usr/bin/env bash
# quit-early.sh — start the built app (build/bin/tusk) in a real window under
# Xvfb and send it SIGTERM at several instants after launch, the first ones
# before the GTK main loop runs; every run must exit within a bound. Wails
# alone loses a signal that arrives that early and the app then hangs for
# good (issue 10); main.go's quitOnSignal makes it quit anyway.
# Usage: xvfb-run -a -s '-screen 0 1280x800x24' scripts/quit-early.sh
set -euo pipefail
bin=${TUSK_BIN:-./build/bin/tusk}
bound_ms=${QUIT_BOUND_MS:-5000}
delays_ms=${QUIT_DELAYS_MS:-"0 5 20 50 100 200 400 800 1500 3000"}
work=$(mktemp -d "${TMPDIR:-/tmp}"/tusk-quit.XXXXXX)
pids=()
# shellcheck disable=SC2317 # called by the EXIT trap
cleanup() {
	for p in "${pids[@]}"; do kill -KILL "$p" 2>/dev/null || true; done
	rm -rf "$work"
}
trap cleanup EXIT

now_ms() { date +%s%3N; }
failed=0
printf '%-10s %-12s %s\n' "SIGTERM at" "exited after" "result"
for d in $delays_ms; do
	TUSK_DATA_DIR="$work/data-$d" "$bin" >"$work/app-$d.log" 2>&1 &
	app=$!
	pids+=("$app")
	sleep "$(awk -v ms="$d" 'BEGIN { printf "%.3f", ms / 1000 }')"
	sent=$(now_ms)
	kill -TERM "$app" 2>/dev/null || true
	result=hung
	while kill -0 "$app" 2>/dev/null; do
		if (($(now_ms) - sent > bound_ms)); then break; fi
		sleep 0.02
	done
	took=$(($(now_ms) - sent))
	if kill -0 "$app" 2>/dev/null; then
		kill -KILL "$app" 2>/dev/null || true
		failed=1
	else
		result=quit
	fi
	wait "$app" 2>/dev/null || true
	printf '%-10s %-12s %s\n' "${d} ms" "${took} ms" "$result"
	if [ "$result" = hung ]; then
		echo "--- log of the run that hung:"
		tail -n 20 "$work/app-$d.log"
	fi
done
exit $failed
