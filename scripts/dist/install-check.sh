#!/usr/bin/env bash
# install-check.sh [DIR] — install the .deb from DIR (default dist/) the way a
# user would, but into a throwaway root, and start the installed app:
#   1. dpkg --dry-run on this system: the Depends resolve to real Debian packages;
#   2. dpkg --root: dpkg itself unpacks and registers it (in a scratch database);
#   3. the desktop entry is valid, its Exec is the installed binary and its Icon
#      is in the hicolor theme it installed (so it appears in the menu);
#   4. the installed tusk --version answers without a display;
#   5. the installed binary opens its window under Xvfb and paints, and finds
#      its web extension in /usr/lib/tusk/webext (scripts/webkit-shot.sh;
#      screenshot in test-results/dist/installed-deb.png).
set -euo pipefail
# shellcheck source=scripts/dist/lib.sh
source "$(dirname "$0")/lib.sh"
dir=${1:-$dist_dir}
cd "$root"
deb=$(find "$dir" -maxdepth 1 -name 'tusk_*_amd64.deb' | LC_ALL=C sort | head -1)
[ -n "$deb" ] || die "no .deb in $dir: run make dist first"

r=$(mktemp -d "${TMPDIR:-/tmp}"/tusk-install-root.XXXXXX)
trap 'rm -rf "$r"' EXIT

say "install check: $(basename "$deb")"
dpkg --dry-run -i "$deb" >/dev/null 2>"$r.err" || { cat "$r.err"; rm -f "$r.err"; die "dpkg --dry-run: the dependencies are not satisfied on this system"; }
rm -f "$r.err"

mkdir -p "$r/var/lib/dpkg/info" "$r/var/lib/dpkg/updates" "$r/var/lib/dpkg/triggers"
: >"$r/var/lib/dpkg/status"
: >"$r/var/lib/dpkg/available"
# The scratch root has none of the libraries, so dependencies are checked by
# step 1 against this system, not here.
dpkg --root="$r" --force-depends --force-not-root -i "$deb" >/dev/null 2>"$r/dpkg.err" || { cat "$r/dpkg.err"; die "dpkg --root could not install it"; }
status=$(dpkg --root="$r" -s tusk 2>/dev/null | sed -n 's/^Status: //p')
[ "$status" = "install ok installed" ] || die "dpkg reports '$status' after installing"
say "  dpkg --root installed $(dpkg --root="$r" -L tusk | grep -c '^/usr/share/icons/.*\.png$') icons, $(dpkg --root="$r" -s tusk | sed -n 's/^Version: //p')"

desktop=$r/usr/share/applications/dev.tusk.Tusk.desktop
desktop-file-validate "$desktop" || die "the desktop entry is not valid"
exec_cmd=$(sed -n 's/^Exec=//p' "$desktop" | awk '{ print $1 }')
icon=$(sed -n 's/^Icon=//p' "$desktop")
[ -x "$r/usr/bin/$exec_cmd" ] || die "the desktop entry runs '$exec_cmd', which the package does not install in /usr/bin"
for size in 48x48 256x256; do
	[ -f "$r/usr/share/icons/hicolor/$size/apps/$icon.png" ] || die "the desktop entry's icon $icon has no $size PNG"
done
say "  menu entry: Exec=$exec_cmd, Icon=$icon (found in hicolor)"

line=$(env -u DISPLAY -u WAYLAND_DISPLAY timeout 10 "$r/usr/bin/tusk" --version) || die "the installed tusk --version failed"
say "  $line"

mkdir -p test-results/dist
WEBKIT_SHOT_REQUIRE="web extension: found in $r/usr/lib/tusk/webext" \
	xvfb-run -a -s '-screen 0 1280x800x24' scripts/webkit-shot.sh test-results/dist/installed-deb.png "$r/usr/bin/tusk"
say "install check passed"
