# Shared by the scripts in scripts/dist (sourced, not run).
# shellcheck shell=bash

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# Where make dist writes its artifacts, and where the signing material of a
# run lives (throwaway keys, public halves for dist-verify).
# shellcheck disable=SC2034 # used by the scripts that source this file
dist_dir=${TUSK_DIST_DIR:-$root/dist}
# shellcheck disable=SC2034
keys_dir=${TUSK_KEYS_DIR:-$root/build/dist-keys}

say() { printf 'dist: %s\n' "$*"; }
die() { printf 'dist: error: %s\n' "$*" >&2; exit 1; }

# loud prints a framed message on stderr, for what must not scroll by unseen.
loud() {
	local line
	printf '\n%s\n' '!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!' >&2
	for line in "$@"; do printf '!!! %s\n' "$line" >&2; done
	printf '%s\n\n' '!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!' >&2
}

# human prints a byte count as MiB with one decimal.
human() { awk -v b="$1" 'BEGIN { printf "%.1f MiB", b / 1048576 }'; }
