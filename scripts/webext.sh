#!/usr/bin/env bash
# webext.sh OUTDIR builds Tusk's WebKitGTK web extension (webext/) into
# OUTDIR/webext/libtusk-webext.so, against WebKitGTK 4.1 (TUSK_WEBKIT=4.0:
# the 4.0 API). Hardened like a distribution's package: fortified, stack
# protector, full RELRO, no executable stack.
set -euo pipefail
[ "$(uname -s)" = Linux ] || exit 0 # WebKitGTK only
cd "$(dirname "$0")/.."
out=${1:?usage: scripts/webext.sh OUTDIR}
api=${TUSK_WEBKIT:-4.1}
mkdir -p "$out/webext"
# shellcheck disable=SC2046 # pkg-config's words are meant to split
${CC:-cc} -shared -fPIC -O2 -g0 -Wall -Wextra -D_FORTIFY_SOURCE=2 -fstack-protector-strong \
	-Wl,-z,relro,-z,now,-z,noexecstack,--as-needed \
	-o "$out/webext/libtusk-webext.so" webext/tusk-webext.c \
	$(pkg-config --cflags --libs "webkit2gtk-web-extension-$api")
strip --strip-unneeded "$out/webext/libtusk-webext.so"
