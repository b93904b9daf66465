#!/usr/bin/env bash
# with-keyring.sh CMD... — run CMD against a real, unlocked Secret Service keyring.
#
# Starts a private D-Bus session (dbus-run-session) with gnome-keyring-daemon in it,
# unlocked with a throwaway password and keeping its files in a temporary directory,
# waits until the daemon owns org.freedesktop.secrets, then runs CMD with
# TUSK_TEST_KEYRING=1 in its environment. The daemon is stopped and the directory
# removed afterwards; the exit status is CMD's.
#
# Why the wait: a client that calls the Secret Service before the daemon owns the
# name makes D-Bus activate a second daemon, whose keyring is locked, and every
# call fails. HOME is never changed: the daemon alone gets its own XDG_DATA_HOME,
# XDG_CACHE_HOME and XDG_RUNTIME_DIR, so CMD keeps the user's caches (GOCACHE).
#
# Needs dbus-run-session and dbus-send (Debian: dbus-bin) and gnome-keyring-daemon
# (gnome-keyring). The daemon gets 10 s to start.
set -euo pipefail

if [ $# -eq 0 ]; then
	echo "usage: $0 CMD [ARG...]" >&2
	exit 2
fi
for tool in dbus-run-session dbus-send gnome-keyring-daemon; do
	if ! command -v "$tool" >/dev/null; then
		echo "with-keyring: $tool not found (install the dbus and gnome-keyring packages)" >&2
		exit 127
	fi
done

tmp=$(mktemp -d "${TMPDIR:-/tmp}/tusk-keyring.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
mkdir -m 700 "$tmp/data" "$tmp/cache" "$tmp/runtime"

# Runs inside the private session bus: $1 is the temporary directory, the rest is CMD.
# shellcheck disable=SC2016 # expanded by the inner shell
inner='
set -u
tmp=$1
shift
# The password only unlocks a keyring that lives and dies in $tmp.
printf "%s" tusk-test-keyring |
	XDG_DATA_HOME="$tmp/data" XDG_CACHE_HOME="$tmp/cache" XDG_RUNTIME_DIR="$tmp/runtime" \
	gnome-keyring-daemon --foreground --unlock --components=secrets >"$tmp/daemon.log" 2>&1 &
daemon=$!
trap "kill $daemon 2>/dev/null; wait $daemon 2>/dev/null" EXIT

owned() {
	dbus-send --session --print-reply=literal --reply-timeout=1000 \
		--dest=org.freedesktop.DBus /org/freedesktop/DBus \
		org.freedesktop.DBus.NameHasOwner string:org.freedesktop.secrets 2>/dev/null |
		grep -q true
}
tries=100 # 10 s
until owned; do
	if ! kill -0 "$daemon" 2>/dev/null; then
		echo "with-keyring: gnome-keyring-daemon exited during start-up:" >&2
		cat "$tmp/daemon.log" >&2
		exit 1
	fi
	tries=$((tries - 1))
	if [ "$tries" -le 0 ]; then
		echo "with-keyring: org.freedesktop.secrets not on the bus after 10s:" >&2
		cat "$tmp/daemon.log" >&2
		exit 1
	fi
	sleep 0.1
done

export TUSK_TEST_KEYRING=1
rc=0
"$@" || rc=$?
exit "$rc"
'

rc=0
dbus-run-session -- sh -c "$inner" with-keyring "$tmp" "$@" || rc=$?
exit "$rc"
