#!/usr/bin/env bash
# webkit-native.sh OUTDIR — check the native side of the built app in a real
# WebKitGTK window: the application menu, its accelerators, text editing
# keys in the webview, files from the command line and Open Recent, the quit
# protocol, window state across restarts, the single-instance hand-over and
# SIGTERM. Screenshots go to OUTDIR; the script fails on the first check
# that does not hold.
#
# Run it under a display and a D-Bus session (the single-instance lock lives
# on the session bus), after `make build`:
#   scripts/with-keyring.sh xvfb-run -a -s '-screen 0 1280x800x24' scripts/webkit-native.sh test-results/native
#
# It builds build/bin/tusk-probe: the app with the nativeprobe tag, whose
# page reports keydowns, menu:command events, editor text, opened files and
# quit requests to the log (build_probe.go), so what reached the webview can
# be read back without a browser driver. Needs xdotool, x11-utils,
# imagemagick, sqlite3 and gcc (a 20-line X11 client sends the window manager's close
# request, as a title bar's close button does).
set -euo pipefail
out=${1:-test-results/native}
mkdir -p "$out"
out=$(cd "$out" && pwd)
repo=$(cd "$(dirname "$0")/.." && pwd)
: "${DISPLAY:?run under a display (xvfb-run)}"
: "${DBUS_SESSION_BUS_ADDRESS:?run under a D-Bus session (scripts/with-keyring.sh)}"

cd "$repo"
if [ -z "${PROBE_BIN:-}" ]; then
	echo "webkit-native: building build/bin/tusk-probe"
	go tool wails build -m -s -trimpath -tags 'sqlite_fts5 webkit2_41 nativeprobe' -o tusk-probe -nocolour >"$out/build.log" 2>&1 ||
		{ cat "$out/build.log"; exit 1; }
	touch frontend/dist/.gitkeep
fi
bin=${PROBE_BIN:-$repo/build/bin/tusk-probe}

work=$(mktemp -d "${TMPDIR:-/tmp}"/tusk-native.XXXXXX)
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	sleep 0.5
	for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null || true; done
	rm -rf "$work"
}
trap cleanup EXIT

cat >"$work/close.c" <<'EOF'
#include <X11/Xlib.h>
#include <stdlib.h>
int main(int argc, char **argv) {
	Display *d = XOpenDisplay(NULL);
	if (!d || argc < 2) return 1;
	XEvent e = {0};
	e.xclient.type = ClientMessage;
	e.xclient.window = strtoul(argv[1], NULL, 0);
	e.xclient.message_type = XInternAtom(d, "WM_PROTOCOLS", False);
	e.xclient.format = 32;
	e.xclient.data.l[0] = XInternAtom(d, "WM_DELETE_WINDOW", False);
	e.xclient.data.l[1] = CurrentTime;
	XSendEvent(d, e.xclient.window, False, NoEventMask, &e);
	XCloseDisplay(d);
	return 0;
}
EOF
gcc -o "$work/close" "$work/close.c" -lX11

export TUSK_DATA_DIR="$work/data" TUSK_LOG=debug NO_AT_BRIDGE=1
mkdir -p "$work/files" "$work/other"
printf 'select 1 as one;\n' >"$work/files/a.sql"
printf 'select 2 as two;\n' >"$work/other/b.sql"
printf "select 'caf\xe9';\n" >"$work/files/latin1.sql"
log="$work/app.log"
failures=0

pass() { echo "PASS  $*"; }
fail() { echo "FAIL  $*"; failures=$((failures + 1)); }
check() { # check DESCRIPTION COMMAND...
	local what=$1
	shift
	if "$@"; then pass "$what"; else fail "$what"; fi
}
since() { tail -n +$(($1 + 1)) "$log"; }
lines() { wc -l <"$log"; }
wait_log() { # wait_log PATTERN [SECONDS]
	for _ in $(seq 1 $((${2:-10} * 10))); do
		grep -q -- "$1" "$log" && return 0
		sleep 0.1
	done
	return 1
}
# The window's title names the active tab first ("Query 1 — Tusk") once there is one.
win() { xdotool search --onlyvisible --name '(^| — )Tusk$' | tail -1; }
shot() { import -window root "$out/$1.png"; echo "      screenshot $out/$1.png"; }
geometry() { xwininfo -id "$(win)" | awk '/Absolute upper-left X/{x=$NF} /Absolute upper-left Y/{y=$NF} /Width:/{w=$NF} /Height:/{h=$NF} END{print x","y" "w"x"h}'; }

start() { # start ARGS... — launch from $work/files, wait for the page
	(cd "$work/files" && exec setsid "$bin" "$@" >>"$log" 2>&1) &
	app=$!
	pids+=("$app")
	wait_log 'probe ready' 20 || { echo "no page after 20 s:"; cat "$log"; exit 1; }
	sleep 3 # the page paints after DOM ready (later on a loaded machine)
	xdotool mousemove 900 600 click 1 # give the webview the keyboard
	sleep 0.3
}

stopped() { # stopped PID SECONDS
	for _ in $(seq 1 $(($2 * 10))); do
		kill -0 "$1" 2>/dev/null || return 0
		sleep 0.1
	done
	return 1
}

echo "== first launch: files on the command line"
start a.sql missing.sql latin1.sql
check "a.sql from the command line was opened" grep -q 'probe opened start a.sql 17 chars' "$log"
check "a missing file is refused with a storage error" grep -q 'probe refused start .*missing.sql .*the file or directory does not exist' "$log"
check "a Latin-1 file is refused, not shown as mojibake" grep -q 'probe refused start .*latin1.sql .*not UTF-8 text' "$log"
check "the first window opens at the default size" test "$(geometry | cut -d' ' -f2)" = 1280x800
shot 01-start

echo "== the menu"
xdotool mousemove 19 12 click 1
sleep 0.7
shot 02-file-menu
xdotool mousemove 80 88
sleep 0.8
shot 03-open-recent
before=$(lines)
xdotool mousemove 420 88 click 1
sleep 0.8
check "choosing a.sql in File → Open Recent opens it" grep -q 'probe opened recent a.sql' <(since "$before")
xdotool mousemove 59 12 click 1
sleep 0.7
shot 04-edit-menu
xdotool key Escape
sleep 0.3
xdotool mousemove 900 600 click 1
sleep 0.3

echo "== accelerators: each native shortcut fires its command once and never reaches the page"
# The catalogue's native shortcuts as xdotool keys (Quit is tried last).
python3 - "$repo/frontend/src/lib/commands/catalogue.json" >"$work/keys" <<'EOF'
import json, sys
names = {"Enter": "Return", "/": "slash", "Escape": "Escape"}
for c in json.load(open(sys.argv[1]))["commands"]:
    s = c.get("shortcut")
    if not s or not c.get("menu") or c.get("submenu") or c.get("native", True) is False or c.get("pageKey") or c["id"] == "file.quit":
        continue
    if s.endswith("+Tab"):  # GTK never fires a Tab accelerator (focus moves own it): the page handles it
        continue
    *mods, key = s.split("+")
    mods = ["ctrl" if m in ("Mod", "Ctrl") else m.lower() for m in mods]
    print(c["id"], "+".join(mods + [names.get(key, key.lower() if len(key) == 1 else key)]))
EOF
while read -r id key; do
	before=$(lines)
	xdotool key "$key"
	sleep 0.4
	# File → Open's file chooser takes the keyboard: close it before the next key.
	if dialog=$(xdotool search --onlyvisible --name '^Open SQL File$' 2>/dev/null | head -1) && [ -n "$dialog" ]; then
		xdotool windowfocus --sync "$dialog" key Escape 2>/dev/null || true
		sleep 0.5
		xdotool mousemove 900 600 click 1
		sleep 0.3
	fi
	fired=$(since "$before" | grep -c "msg=\"menu command\" command=$id\$" || true)
	seen=$(since "$before" | grep -c "probe menu:command $id\"" || true)
	leaked=$(since "$before" | grep 'probe keydown' | grep -vc 'keydown [A-Za-z+]*\(Control\|Shift\|Alt\) ' || true)
	if [ "$fired" = 1 ] && [ "$seen" = 1 ] && [ "$leaked" = 0 ]; then
		pass "$key → $id (once; the page saw no keydown)"
	else
		fail "$key → $id: fired $fired, menu:command in the page $seen, keydowns in the page $leaked"
	fi
	# Close what the command opened (the palette, a dialog): with an overlay
	# open, the app offers native keys to it first (frontend/src/lib/native).
	xdotool key Escape
	sleep 0.4
	if [ "$id" = view.toggleSidebar ]; then # show it again for the input checks below
		xdotool key ctrl+b
		sleep 0.4
	fi
done <"$work/keys"

echo "== keys the native menu leaves to the page"
# (Not Mod+K, the palette's alternate: the palette takes the keyboard.)
# Ctrl+Enter (Run) is a page key: it must come after the keys typed before it.
for key in ctrl+1 ctrl+Tab ctrl+shift+Tab Escape ctrl+c ctrl+v ctrl+Return; do
	before=$(lines)
	xdotool key "$key"
	sleep 0.4
	fired=$(since "$before" | grep -c 'msg="menu command"' || true)
	reached=$(since "$before" | grep 'probe keydown' | grep -vc 'keydown [A-Za-z+]*\(Control\|Shift\|Alt\) ' || true)
	check "$key reaches the page ($reached keydown) and fires no menu command ($fired)" test "$fired" = 0 -a "$reached" = 1
done
since 0 | grep -o 'probe keydown Ctrl+Shift+[A-Za-z]* code=Tab' | head -1 | sed 's/^/      WebKitGTK reports Ctrl+Shift+Tab as: /' || true

echo "== text editing keys in inputs"
input() { # input EXPECTED KEYS... — press keys, then expect the focused input's value
	local want=$1
	shift
	local before got k
	before=$(lines)
	for k in "$@"; do
		xdotool key "$k"
		sleep 0.25
	done
	for _ in $(seq 1 20); do # the page reports through the log; late on a loaded machine
		sleep 0.15
		got=$(since "$before" | grep -o 'probe text input .*"' | tail -1 | sed 's/^probe text input //; s/"$//; s/\\"/"/g' || true)
		[ "$got" = "\"$want\"" ] && break
	done
	test "$got" = "\"$want\""
}
edit_input() { # edit_input NAME X Y — the clipboard and undo keys in the input at X,Y
	xdotool mousemove "$2" "$3" click 1
	sleep 0.3
	xdotool type --delay 40 'hello'
	sleep 0.3
	check "$1: ctrl+a ctrl+c End ctrl+v → hellohello" input 'hellohello' ctrl+a ctrl+c End ctrl+v
	check "$1: ctrl+a ctrl+x → (empty)" input '' ctrl+a ctrl+x
	check "$1: ctrl+v → hellohello" input 'hellohello' ctrl+v
	# WebKitGTK binds no undo key in form fields; the probe adds the
	# frontend's textUndoKeys, so these check that it works in the window.
	check "$1: ctrl+z → (empty), the paste undone" input '' ctrl+z
	check "$1: ctrl+shift+z → hellohello, redone" input 'hellohello' ctrl+shift+z
}
# A plain input the probe adds (the webview's own editing), then the app's
# history search (bound with Svelte's bind:value).
edit_input "plain input" 1190 760
edit_input "history search input" 135 318
shot 06-inputs-after-editing
# A tab to edit in after the restart (the start screen's New query tab).
xdotool mousemove 751 124 click 1
sleep 1

echo "== quit protocol (window close request, as the close button sends)"
xdotool windowmove "$(win)" 150 90
xdotool windowsize "$(win)" 1000 640
sleep 0.5
moved=$(geometry)
before=$(lines)
"$work/close" "$(win)"
sleep 1
check "closing asks the page (app:quit-requested) and the page's cancel keeps the window" \
	grep -q 'probe quit-requested .* cancel' <(since "$before")
check "the app is still running after the cancel" kill -0 "$app"
"$work/close" "$(win)"
check "a confirmed close quits" stopped "$app" 10
check "the app closed its state" grep -q 'tusk stopped' "$log"

echo "== second launch: the window comes back where it was"
start
check "the window reopens at $moved (got $(geometry))" test "$(geometry)" = "$moved"
shot 08-restored

echo "== text editing keys in the editor (CodeMirror)"
xdotool mousemove 650 240 click 1 # the restored tab's editor
sleep 0.3
edit() { # edit EXPECTED KEYS... — press keys, then expect the editor's text
	local want=$1
	shift
	local before got k
	before=$(lines)
	for k in "$@"; do
		xdotool key "$k"
		sleep 0.25
	done
	for _ in $(seq 1 20); do # the page reports through the log; late on a loaded machine
		sleep 0.15
		got=$(since "$before" | grep -o 'probe text editor .*"' | tail -1 | sed 's/^probe text editor //; s/"$//; s/\\"/"/g' || true)
		[ "$got" = "\"$want\"" ] && break
	done
	check "editor: $* → \"$want\" (got $got)" test "$got" = "\"$want\""
}
edit '' ctrl+a BackSpace
xdotool type --delay 40 'abc'
edit 'abcabc' ctrl+a ctrl+c End ctrl+v
edit '' ctrl+a ctrl+x
edit 'abcabc' ctrl+v
edit 'abcabcabcabc' ctrl+v
edit 'abcabc' ctrl+z
edit 'abcabcabcabc' ctrl+shift+z
shot 09-editor-after-editing

echo "== single instance: a second launch hands over its file"
first=$app
before=$(lines)
t0=$(date +%s%N)
code=0
(cd "$work/other" && "$bin" b.sql >"$work/second.log" 2>&1) || code=$?
ms=$((($(date +%s%N) - t0) / 1000000))
check "the second launch exits (status $code) in ${ms} ms" test "$code" = 0
check "the second launch never opened the store" bash -c "! grep -q 'state initialised' '$work/second.log'"
sleep 1
check "the running app opened b.sql from the second launch" grep -q 'probe opened instance b.sql' <(since "$before")
check "the first app is still running" kill -0 "$first"
echo "      second launch took ${ms} ms"

echo "== SIGTERM quits without asking"
before=$(lines)
kill -TERM "$first"
check "SIGTERM quits" stopped "$first" 10
check "SIGTERM did not wait for the page" bash -c "! grep -q 'probe quit-requested .* cancel' <(tail -n +$((before + 1)) '$log')"

echo "== a window saved off-screen reopens on screen"
sqlite3 "$TUSK_DATA_DIR/tusk.db" "update ui_state set value='{\"x\":4000,\"y\":3000,\"width\":900,\"height\":600,\"maximised\":false}' where key='native.window'"
start
g=$(geometry)
x=${g%%,*}
check "the window is on screen ($g)" test "$x" -lt 1280
"$work/close" "$(win)"
"$work/close" "$(win)"
stopped "$app" 10 || kill "$app"

cp "$log" "$out/app.log"
echo "webkit-native: $failures failure(s); log in $out/app.log"
[ "$failures" = 0 ]
