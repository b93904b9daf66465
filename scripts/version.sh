#!/usr/bin/env bash
# version.sh [full|numeric|commit|date|ldflags] — Tusk's version, from git.
#
#   tag v0.2.0 exactly           0.2.0
#   3 commits after v0.2.0       0.2.1-dev.3+g1a2b3c4    (the next patch, pre-release)
#   3 commits after v0.2.0-rc.1  0.2.0-rc.1.dev.3+g1a2b3c4
#   no tag yet                   0.0.0-dev.<commits>+g1a2b3c4
#   uncommitted changes          … +g1a2b3c4.dirty
#
# Every form is semantic versioning, so packages order them correctly.
# "numeric" is X.Y.Z alone, for what takes no pre-release tag (Windows version
# resources, NSIS, Info.plist). TUSK_VERSION overrides the git-derived version
# (e.g. when building from a source archive without .git). SOURCE_DATE_EPOCH,
# when set, fixes the build date for reproducible builds.
set -euo pipefail
cd "$(dirname "$0")/.."

full() {
	if [ -n "${TUSK_VERSION:-}" ]; then
		echo "${TUSK_VERSION#v}"
		return
	fi
	if ! git rev-parse --git-dir >/dev/null 2>&1; then
		echo "0.0.0-unknown"
		return
	fi
	local hash dirty="" desc tag count
	hash=$(git rev-parse --short=7 HEAD)
	git diff --quiet HEAD -- 2>/dev/null || dirty=.dirty
	if desc=$(git describe --tags --long --match 'v[0-9]*' 2>/dev/null); then
		tag=${desc%-*-g*}          # v0.2.0-rc.1
		count=${desc#"$tag"-}      # 3-g1a2b3c4
		count=${count%%-*}
		tag=${tag#v}
		if [ "$count" = 0 ] && [ -z "$dirty" ]; then
			echo "$tag"
		elif [ "$count" = 0 ]; then
			echo "$tag+g$hash$dirty"
		elif [[ $tag == *-* ]]; then
			echo "$tag.dev.$count+g$hash$dirty"
		else
			local major minor patch
			IFS=. read -r major minor patch <<<"$tag"
			echo "$major.$minor.$((patch + 1))-dev.$count+g$hash$dirty"
		fi
	else
		echo "0.0.0-dev.$(git rev-list --count HEAD)+g$hash$dirty"
	fi
}

v=$(full)
case "${1:-full}" in
full) echo "$v" ;;
numeric) v=${v%%+*}; echo "${v%%-*}" ;;
commit) git rev-parse --short=12 HEAD 2>/dev/null || echo unknown ;;
date)
	if [ -n "${SOURCE_DATE_EPOCH:-}" ]; then date -u -d "@$SOURCE_DATE_EPOCH" +%Y-%m-%dT%H:%M:%SZ; else date -u +%Y-%m-%dT%H:%M:%SZ; fi ;;
ldflags)
	echo "-X main.version=$v -X main.commit=$("$0" commit) -X main.buildDate=$("$0" date)" ;;
*) echo "usage: $0 [full|numeric|commit|date|ldflags]" >&2; exit 2 ;;
esac
