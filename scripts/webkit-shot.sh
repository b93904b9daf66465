#!/usr/bin/env bash
# webkit-shot.sh — start the built app (build/bin/tusk) in a real WebKitGTK
# window under Xvfb, screenshot the screen and check that something was
# painted: WebKit-only painting bugs never show in Chromium.
# Usage: xvfb-run -a -s '-screen 0 1280x800x24' scripts/webkit-shot.sh OUT.png [BINARY]
# BINARY defaults to ./build/bin/tusk (scripts/dist/install-check.sh passes
# the one installed from the .deb). WEBKIT_SHOT_REQUIRE: a text the app's
# log must contain once its window is up (install-check: the web extension).
set -euo pipefail
out=${1:-test-results/webkit/window.png}
bin=${2:-./build/bin/tusk}
mkdir -p "$(dirname "$out")"
work=$(mktemp -d "${TMPDIR:-/tmp}"/tusk-webkit.XXXXXX)
log="$work/app.log"
TUSK_DATA_DIR="$work/data" "$bin" >"$log" 2>&1 &
app=$!
# Every wait is bounded: a window that ignores SIGTERM gets SIGKILL after
# 5 s, so CI can never hang here.
cleanup() {
	kill -TERM "$app" 2>/dev/null || true
	for _ in $(seq 1 50); do
		kill -0 "$app" 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 "$app" 2>/dev/null; then
		echo "webkit-shot: the app ignored SIGTERM for 5 s; killing it"
		kill -KILL "$app" 2>/dev/null || true
	fi
	wait "$app" 2>/dev/null || true
	[ -n "${KEEP_WORK:-}" ] || rm -rf "$work"
}
trap cleanup EXIT

for _ in $(seq 1 100); do # up to 10 s for the window
	grep -q 'window started' "$log" && break
	kill -0 "$app" 2>/dev/null || { echo "webkit-shot: the app exited:"; cat "$log"; exit 1; }
	sleep 0.1
done
grep -q 'window started' "$log" || { echo "webkit-shot: no window after 10 s:"; cat "$log"; exit 1; }
sleep 3 # let WebKit load and paint the page
if [ -n "${WEBKIT_SHOT_REQUIRE:-}" ] && ! grep -qF "$WEBKIT_SHOT_REQUIRE" "$log"; then
	echo "webkit-shot: the app's log does not say '$WEBKIT_SHOT_REQUIRE':"
	cat "$log"
	exit 1
fi
timeout 30 import -window root "$out"

# A painted start screen has text (dark pixels) on a light background: a
# blank or black window has almost no spread of colours.
spread=$(timeout 30 convert "$out" -colorspace Gray -format '%[fx:standard_deviation]' info:)
dark=$(timeout 30 convert "$out" -colorspace Gray -threshold 40% -format '%[fx:1-mean]' info:)
echo "webkit-shot: $out (grey spread $spread, dark share $dark); $(grep -o 'since_process_start_ms=[0-9]*' "$log")"
awk -v s="$spread" -v d="$dark" 'BEGIN { exit !(s > 0.05 && d > 0.002 && d < 0.5) }' ||
	{ echo "webkit-shot: the window looks blank"; exit 1; }
