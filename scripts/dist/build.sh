#!/usr/bin/env bash
# build.sh [linux] [windows] — release builds of Tusk into dist/:
#   linux    tusk_<ver>_amd64.deb, tusk-<ver>-1.x86_64.rpm (signed), tusk-<ver>-linux-amd64.tar.gz
#   windows  tusk-<ver>-windows-<arch>.exe (portable) and tusk-<ver>-windows-<arch>-setup.exe
#            (NSIS, per user), both Authenticode-signed; cross-built with mingw-w64
# With no argument it builds both. The Windows target needs a cross compiler:
# without one it is skipped with a warning, and under CI=true it is an error.
#
# Environment: TUSK_WEBKIT=4.1 (default) or 4.0 for older distributions;
# TUSK_WIN_ARCHES="amd64" (default; arm64 needs CC_WINDOWS_ARM64, an llvm-mingw
# clang); CC_WINDOWS_AMD64 (default x86_64-w64-mingw32-gcc); the signing
# variables of scripts/dist/keys.sh.
set -euo pipefail
# shellcheck source=scripts/dist/lib.sh
source "$(dirname "$0")/lib.sh"
cd "$root"

targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(linux windows)
webkit=${TUSK_WEBKIT:-4.1}
win_arches=${TUSK_WIN_ARCHES:-amd64}

version=$(scripts/version.sh full)
numeric=$(scripts/version.sh numeric)
ldflags=$(scripts/version.sh ldflags)
# Position-independent, with full RELRO: the hardening Debian expects (the
# Makefile's build uses the same flags, so both share the build cache).
linux_ldflags="-extldflags '-Wl,-z,relro,-z,now'"
commit_epoch=$(git log -1 --format=%ct 2>/dev/null || date +%s)
say "version $version (Windows and NSIS: $numeric)"

work=$(mktemp -d "${TMPDIR:-/tmp}"/tusk-dist.XXXXXX)
wails_json_saved=
cleanup() {
	if [ -n "$wails_json_saved" ]; then cp "$wails_json_saved" wails.json; fi
	rm -rf "$work"
}
trap cleanup EXIT

rm -rf "$dist_dir"
mkdir -p "$dist_dir"
scripts/dist/keys.sh
# shellcheck source=/dev/null
source "$keys_dir/env"
expected=()

build_linux() {
	local tags=sqlite_fts5 suffix=""
	case $webkit in
	4.1)
		tags+=" webkit2_41"
		export DEB_WEBKIT='libwebkit2gtk-4.1-0 (>= 2.39.91)' DEB_JSC=libjavascriptcoregtk-4.1-0 DEB_SOUP=libsoup-3.0-0 RPM_WEBKIT=webkit2gtk4.1
		;;
	4.0)
		suffix=-webkit4.0
		export DEB_WEBKIT='libwebkit2gtk-4.0-37 (>= 2.28.0)' DEB_JSC=libjavascriptcoregtk-4.0-18 DEB_SOUP=libsoup2.4-1 RPM_WEBKIT=webkit2gtk3
		;;
	*) die "TUSK_WEBKIT must be 4.1 or 4.0, not $webkit" ;;
	esac
	say "linux/amd64 (WebKitGTK $webkit): wails build"
	GOFLAGS=-buildmode=pie go tool wails build -m -trimpath -tags "$tags" -ldflags "$ldflags $linux_ldflags" -o tusk -nocolour >"$work/wails-linux.log" 2>&1 ||
		{ cat "$work/wails-linux.log"; die "the Linux build failed"; }
	touch frontend/dist/.gitkeep
	[ -x build/bin/tusk ] || die "wails build wrote no build/bin/tusk"
	[[ $(build/bin/tusk --version) == "tusk $version "* ]] || die "build/bin/tusk --version does not say $version"

	local stage=$work/linux share
	share=$stage/share
	mkdir -p "$share/applications" "$share/metainfo" "$share/man/man1" "$stage/doc"
	cp build/bin/tusk "$stage/tusk"
	TUSK_WEBKIT=$webkit scripts/webext.sh "$stage"
	go run ./scripts/iconset -hicolor "$share/icons/hicolor"
	cp build/linux/dev.tusk.Tusk.desktop "$share/applications/"
	sed -e "s/@VERSION@/$version/" -e "s/@DATE@/$(date -u -d "@$commit_epoch" +%Y-%m-%d)/" \
		build/linux/dev.tusk.Tusk.metainfo.xml >"$share/metainfo/dev.tusk.Tusk.metainfo.xml"
	gzip -9n <build/linux/tusk.1 >"$share/man/man1/tusk.1.gz"
	cp build/linux/copyright "$stage/doc/copyright"
	cp LICENSE "$stage/doc/LICENSE"
	cp build/linux/lintian-overrides "$stage/doc/lintian-overrides"
	local deb_version
	deb_version=$(deb_version "$version")
	printf 'tusk (%s) unstable; urgency=medium\n\n  * Release %s.\n\n -- The Tusk developers <maintainers@tusk.dev>  %s\n' \
		"$deb_version" "$version" "$(date -u -R -d "@$commit_epoch")" | gzip -9n >"$stage/doc/changelog.Debian.gz"
	find "$stage" -type d -exec chmod 755 {} + && find "$share" "$stage/doc" "$stage/webext" -type f -exec chmod 644 {} +

	local deb=tusk_${deb_version}_amd64$suffix.deb rpm pkgs=$work/pkgs
	mkdir -p "$pkgs"
	export VERSION=$version ARCH=amd64 STAGE=$stage
	export RPM_SIGNING_KEY=$GPG_SECRET NFPM_PASSPHRASE=${TUSK_GPG_PASSPHRASE:-}
	SOURCE_DATE_EPOCH=$commit_epoch go tool nfpm package -f build/linux/nfpm.yaml -p deb -t "$dist_dir/$deb" >/dev/null
	SOURCE_DATE_EPOCH=$commit_epoch go tool nfpm package -f build/linux/nfpm.yaml -p rpm -t "$pkgs/" >/dev/null
	rpm=$(cd "$pkgs" && ls ./*.rpm)
	rpm=${rpm#./}
	rpm=${rpm%.rpm}$suffix.rpm
	mv "$pkgs"/*.rpm "$dist_dir/$rpm"

	local tarname=tusk-$version-linux-amd64$suffix
	mkdir "$work/$tarname"
	cp -r "$stage/tusk" "$stage/webext" "$share" LICENSE README.md "$work/$tarname/"
	tar -C "$work" --sort=name --owner=0 --group=0 --numeric-owner --mtime="@$commit_epoch" \
		-cf - "$tarname" | gzip -9n >"$dist_dir/$tarname.tar.gz"
	expected+=("$deb" "$rpm" "$tarname.tar.gz")
}

# deb_version SEMVER prints the Debian version nFPM gives the package: a
# pre-release sorts before the release (~), build metadata stays (+).
deb_version() {
	local v=$1 base pre="" meta=""
	[[ $v == *+* ]] && meta=+${v#*+} && v=${v%%+*}
	base=${v%%-*}
	[[ $v == *-* ]] && pre="~${v#*-}"
	echo "$base$pre$meta-1"
}

# windows_cc ARCH prints the C cross compiler for ARCH, or nothing.
windows_cc() {
	local cc
	case $1 in
	amd64) cc=${CC_WINDOWS_AMD64:-x86_64-w64-mingw32-gcc} ;;
	arm64) cc=${CC_WINDOWS_ARM64:-aarch64-w64-mingw32-clang} ;;
	*) die "unknown Windows architecture $1" ;;
	esac
	command -v "$cc" || true
}

build_windows() {
	local arch=$1 cc wails_bin out skip_frontend=()
	out=$work/windows-$arch
	cc=$(windows_cc "$arch")
	if [ -z "$cc" ]; then
		[ "${CI:-}" = true ] && die "no C cross compiler for windows/$arch (apt-get install gcc-mingw-w64-x86-64, or set CC_WINDOWS_${arch^^})"
		loud "SKIPPED windows/$arch: no C cross compiler (scripts/deps.sh dist installs mingw-w64)."
		return
	fi
	command -v makensis >/dev/null || die "makensis is missing (apt-get install nsis)"
	# Version resources and NSIS take X.Y.Z only: give Wails the numeric part
	# for this build, and put wails.json back afterwards.
	if [ -z "$wails_json_saved" ]; then
		wails_json_saved=$work/wails.json
		cp wails.json "$wails_json_saved"
		sed -i "s/\"productVersion\": *\"[^\"]*\"/\"productVersion\": \"$numeric\"/" wails.json
	fi
	# `go tool wails` would rebuild the Wails CLI itself with the cross
	# compiler; run the cached CLI binary and cross-compile only the app.
	wails_bin=$(go tool -n wails)
	[ -f frontend/dist/index.html ] && skip_frontend=(-s)
	say "windows/$arch: wails build -nsis (CC=$cc)"
	rm -f build/bin/tusk.exe
	CGO_ENABLED=1 CC=$cc "$wails_bin" build -platform "windows/$arch" "${skip_frontend[@]}" -m -skipbindings -trimpath \
		-tags sqlite_fts5 -ldflags "$ldflags" -o tusk.exe -nsis -nocolour >"$work/wails-$arch.log" 2>&1 ||
		{ cat "$work/wails-$arch.log"; die "the windows/$arch build failed"; }
	touch frontend/dist/.gitkeep
	[ -f build/bin/tusk.exe ] || { cat "$work/wails-$arch.log"; die "wails build wrote no build/bin/tusk.exe"; }
	mkdir -p "$out"
	cp build/bin/tusk.exe "$out/tusk.exe"
	scripts/dist/authenticode.sh "$out/tusk.exe"

	# The installer again, now around the signed exe; NSIS signs the
	# uninstaller it writes with the same command.
	say "windows/$arch: NSIS installer around the signed exe"
	local define=ARG_WAILS_AMD64_BINARY
	[ "$arch" = arm64 ] && define=ARG_WAILS_ARM64_BINARY
	(cd build/windows/installer && makensis -V2 -NOCD "-D$define=$out/tusk.exe" "-DINFO_PRODUCTVERSION=$numeric" \
		"-DARG_DISPLAY_VERSION=$version" "-DARG_OUTFILE=$out/setup.exe" \
		"-DARG_SIGN_COMMAND=$root/scripts/dist/authenticode.sh" project.nsi) >"$work/nsis-$arch.log" 2>&1 ||
		{ cat "$work/nsis-$arch.log"; die "makensis failed"; }
	scripts/dist/authenticode.sh "$out/setup.exe"
	cp "$out/tusk.exe" "$dist_dir/tusk-$version-windows-$arch.exe"
	cp "$out/setup.exe" "$dist_dir/tusk-$version-windows-$arch-setup.exe"
	expected+=("tusk-$version-windows-$arch.exe" "tusk-$version-windows-$arch-setup.exe")
}

for t in "${targets[@]}"; do
	case $t in
	linux) build_linux ;;
	windows) for a in $win_arches; do build_windows "$a"; done ;;
	*) die "unknown target $t (linux, windows)" ;;
	esac
done

# Wails exits 0 on targets it cannot build here (darwin on Linux): trust only
# files that exist.
say "artifacts in ${dist_dir#"$root"/}/:"
for f in "${expected[@]}"; do
	[ -s "$dist_dir/$f" ] || die "expected $f, but it was not written"
	printf '  %-58s %10s\n' "$f" "$(human "$(stat -c %s "$dist_dir/$f")")"
done
