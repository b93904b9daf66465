#!/usr/bin/env bash
# verify.sh [DIR] — check every artifact in DIR (default dist/): checksums,
# both signatures on SHA256SUMS, Authenticode on the Windows files, and the
# packages' metadata and contents. Prints one line per check and exits 1 when
# any fails. verify.sh --self-test [DIR] proves the checks can fail: it flips
# one byte in copies of the artifacts and expects the right check to fail.
#
# Trust anchors: TUSK_GPG_PUBLIC_KEY_FILE, TUSK_MINISIGN_PUBLIC_KEY_FILE and
# TUSK_WIN_CA_FILE, or else those of the last `make dist` (build/dist-keys/env).
# TUSK_VERIFY_CHECKS limits the run to some checks (names as printed).
set -euo pipefail
# shellcheck source=scripts/dist/lib.sh
source "$(dirname "$0")/lib.sh"

self_test=0
if [ "${1:-}" = --self-test ]; then self_test=1; shift; fi
dir=$(cd "${1:-$dist_dir}" && pwd)

if [ -f "$keys_dir/env" ]; then
	# shellcheck source=/dev/null
	source "$keys_dir/env"
fi
gpg_public=${TUSK_GPG_PUBLIC_KEY_FILE:-${GPG_PUBLIC:-}}
minisign_public=${TUSK_MINISIGN_PUBLIC_KEY_FILE:-${MINISIGN_PUBLIC:-}}
win_ca=${TUSK_WIN_CA_FILE:-${WIN_CA:-/etc/ssl/certs/ca-certificates.crt}}

if [ "$self_test" = 1 ]; then
	tmp=$(mktemp -d "${TMPDIR:-/tmp}"/tusk-verify-self-test.XXXXXX)
	trap 'rm -rf "$tmp"' EXIT
	fails=0
	# expect NAME CHECKS WANT FILE: flip one byte in the middle of FILE in a
	# fresh copy, run CHECKS and expect the check WANT to fail.
	expect() {
		local name=$1 checks=$2 want=$3 file=$4 copy=$tmp/$1 size byte out
		rm -rf "$copy" && cp -r "$dir" "$copy"
		if [ -n "$file" ]; then
			size=$(stat -c %s "$copy/$file")
			byte=$(od -An -tu1 -j $((size / 2)) -N1 "$copy/$file" | tr -d ' ')
			# shellcheck disable=SC2059 # the format is the octal escape of the flipped byte
			printf "\\$(printf '%03o' $((byte ^ 1)))" | dd of="$copy/$file" bs=1 seek=$((size / 2)) conv=notrunc status=none
			cmp -s "$dir/$file" "$copy/$file" && { echo "self-test: the byte flip in $file did nothing"; exit 1; }
		fi
		if out=$(TUSK_VERIFY_CHECKS=$checks "$0" "$copy" 2>&1); then
			if [ "$want" = none ]; then
				echo "ok   self-test $name: passes"
			else
				echo "FAIL self-test $name: verify passed a file with a flipped byte"; fails=$((fails + 1))
			fi
		elif [ "$want" != none ] && grep -q "^FAIL $want:" <<<"$out"; then
			echo "ok   self-test $name: rejected by $want"
		else
			echo "FAIL self-test $name: expected the $want check to fail; verify said:"; echo "$out"; fails=$((fails + 1))
		fi
	}
	first() { find "$dir" -maxdepth 1 -name "$1" -printf '%f\n' | LC_ALL=C sort | head -1; }
	expect pristine 'checksums gpg minisign authenticode rpm tar' none ""
	deb=$(first '*.deb'); rpm=$(first '*.rpm'); tgz=$(first '*.tar.gz'); exes=$(find "$dir" -maxdepth 1 -name '*.exe' -printf '%f\n' | LC_ALL=C sort)
	[ -n "$deb" ] && expect flipped-deb all checksums "$deb"
	[ -n "$tgz" ] && expect flipped-tar.gz checksums checksums "$tgz"
	expect flipped-SHA256SUMS-gpg gpg gpg SHA256SUMS
	expect flipped-SHA256SUMS-minisign minisign minisign SHA256SUMS
	[ -n "$rpm" ] && expect flipped-rpm-signature rpm rpm "$rpm"
	for e in $exes; do expect "flipped-$e" authenticode authenticode "$e"; done
	[ "$fails" = 0 ] || { echo "verify self-test: $fails case(s) wrong"; exit 1; }
	echo "verify self-test: every flipped byte was caught"
	exit 0
fi

checks=${TUSK_VERIFY_CHECKS:-all}
failed=0
want() { [ "$checks" = all ] || [[ " $checks " == *" $1 "* ]]; }
ok() { printf 'ok   %s: %s\n' "$1" "$2"; }
fail() { printf 'FAIL %s: %s\n' "$1" "$2"; failed=$((failed + 1)); }
tmp=$(mktemp -d "${TMPDIR:-/tmp}"/tusk-verify.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
# A scratch home for gpg's --dearmor; the user's keyring is never touched.
export GNUPGHOME=$tmp/gnupg
mkdir -m 700 "$GNUPGHOME"
cd "$dir"

# --- checksums: every file listed, every listed file intact ---------------------------
if want checksums; then
	if [ ! -f SHA256SUMS ]; then
		fail checksums "no SHA256SUMS in $dir"
	else
		unlisted=$(find . -maxdepth 1 -type f ! -name 'SHA256SUMS*' -printf '%f\n' | LC_ALL=C sort |
			comm -23 - <(awk '{ print $2 }' SHA256SUMS | LC_ALL=C sort))
		if [ -n "$unlisted" ]; then
			fail checksums "not in SHA256SUMS: $unlisted"
		elif out=$(sha256sum --strict -c SHA256SUMS 2>&1); then
			ok checksums "$(wc -l <SHA256SUMS) files match SHA256SUMS"
		else
			fail checksums "$(grep -v ': OK$' <<<"$out" | head -5 | tr '\n' ' ')"
		fi
	fi
fi

# --- signatures on SHA256SUMS --------------------------------------------------------------
if want gpg; then
	if [ -z "$gpg_public" ] || [ ! -f "$gpg_public" ]; then
		fail gpg "no OpenPGP public key (set TUSK_GPG_PUBLIC_KEY_FILE)"
	elif gpg --batch --quiet --dearmor <"$gpg_public" >"$tmp/keyring.gpg" 2>/dev/null &&
		out=$(gpgv --keyring "$tmp/keyring.gpg" SHA256SUMS.asc SHA256SUMS 2>&1); then
		ok gpg "$(grep -o 'Good signature from .*' <<<"$out" | head -1)"
	else
		fail gpg "SHA256SUMS.asc does not verify: $(tail -1 <<<"${out:-}")"
	fi
fi
if want minisign; then
	if [ -z "$minisign_public" ] || [ ! -f "$minisign_public" ]; then
		fail minisign "no minisign public key (set TUSK_MINISIGN_PUBLIC_KEY_FILE)"
	elif out=$(minisign -V -p "$minisign_public" -m SHA256SUMS -x SHA256SUMS.minisig 2>&1); then
		ok minisign "$(head -1 <<<"$out")"
	else
		fail minisign "SHA256SUMS.minisig does not verify: $(tail -1 <<<"$out")"
	fi
fi

# --- Authenticode ----------------------------------------------------------------------
if want authenticode; then
	for f in *.exe; do
		[ -f "$f" ] || continue
		if out=$(osslsigncode verify -in "$f" -CAfile "$win_ca" -TSA-CAfile "$win_ca" 2>&1) &&
			grep -q '^Signature verification: ok' <<<"$out"; then
			ok authenticode "$f: $(grep -m1 -o 'Subject: .*' <<<"$out")"
		else
			fail authenticode "$f: $(grep -m1 -iE 'mismatch|failed|error' <<<"$out" || tail -1 <<<"$out")"
		fi
	done
fi

# --- Debian package ----------------------------------------------------------------------
if want deb; then
	for f in *.deb; do
		[ -f "$f" ] || continue
		problems=()
		dpkg-deb -f "$f" >/dev/null 2>&1 || { fail deb "$f: dpkg-deb cannot read it"; continue; }
		name=$(dpkg-deb -f "$f" Package) ver=$(dpkg-deb -f "$f" Version) depends=$(dpkg-deb -f "$f" Depends)
		[ "$name" = tusk ] || problems+=("Package is $name")
		[[ $f == "tusk_${ver}_amd64"* ]] || problems+=("Version $ver does not match the file name")
		for dep in libgtk-3-0 'libwebkit2gtk-4.[01]-(0|37)'; do
			grep -qE "(^|, )$dep( |,|$)" <<<"$depends" || problems+=("Depends lacks $dep")
		done
		x=$tmp/deb-$name
		mkdir -p "$x/root"
		dpkg-deb -x "$f" "$x/root"
		for p in usr/bin/tusk usr/share/applications/dev.tusk.Tusk.desktop usr/share/metainfo/dev.tusk.Tusk.metainfo.xml \
			usr/share/icons/hicolor/48x48/apps/dev.tusk.Tusk.png usr/share/icons/hicolor/256x256/apps/dev.tusk.Tusk.png \
			usr/share/doc/tusk/copyright usr/share/man/man1/tusk.1.gz usr/lib/tusk/webext/libtusk-webext.so; do
			[ -e "$x/root/$p" ] || problems+=("missing /$p")
		done
		# Every library the binary links must be a dependency.
		if [ -x "$x/root/usr/bin/tusk" ] && command -v dpkg-shlibdeps >/dev/null; then
			mkdir -p "$x/debian" && printf 'Source: tusk\n\nPackage: tusk\nArchitecture: any\n' >"$x/debian/control"
			needed=$(cd "$x" && dpkg-shlibdeps -O root/usr/bin/tusk 2>&1) ||
				problems+=("dpkg-shlibdeps cannot resolve the binary's libraries here: $(tail -1 <<<"$needed")")
			IFS=, read -ra needs <<<"$(sed -n 's/^shlibs:Depends=//p' <<<"$needed")"
			for n in "${needs[@]}"; do
				n=$(awk '{ print $1 }' <<<"$n")
				grep -qE "(^|, )$n( |,|$)" <<<"$depends" || problems+=("Depends lacks $n, which the binary links")
			done
		fi
		if [ -x "$x/root/usr/bin/tusk" ]; then
			line=$(env -u DISPLAY -u WAYLAND_DISPLAY timeout 10 "$x/root/usr/bin/tusk" --version 2>&1) ||
				problems+=("tusk --version failed: $line")
			upstream=${ver%-1}
			[[ $line == "tusk ${upstream/\~/-} "* ]] ||
				problems+=("tusk --version says '$line' for package version $ver")
		fi
		command -v desktop-file-validate >/dev/null &&
			{ out=$(desktop-file-validate "$x/root/usr/share/applications/dev.tusk.Tusk.desktop" 2>&1) || problems+=("desktop file: $out"); }
		command -v appstreamcli >/dev/null &&
			{ out=$(appstreamcli validate --no-net --no-color "$x/root/usr/share/metainfo/dev.tusk.Tusk.metainfo.xml" 2>&1) || problems+=("metainfo: $out"); }
		if command -v lintian >/dev/null; then
			out=$(lintian --fail-on error,warning "$f" 2>&1) ||
				problems+=("lintian: $(grep -v 'running with root privileges' <<<"$out" | tr '\n' ' ')")
		elif [ "${CI:-}" = true ]; then
			problems+=("lintian is not installed")
		fi
		if [ ${#problems[@]} -eq 0 ]; then
			ok deb "$f: $name $ver, Depends: $depends; lintian clean"
		else
			fail deb "$f: $(printf '%s; ' "${problems[@]}")"
		fi
	done
fi

# --- RPM package: metadata and its OpenPGP signature ----------------------------------------
if want rpm; then
	for f in *.rpm; do
		[ -f "$f" ] || continue
		problems=()
		info=$(rpm -qip "$f" 2>/dev/null) || { fail rpm "$f: rpm cannot read it"; continue; }
		grep -q '^Name *: tusk$' <<<"$info" || problems+=("Name is not tusk")
		requires=$(rpm -qp --requires "$f" 2>/dev/null)
		for dep in gtk3 'webkit2gtk(4.1|3)'; do grep -qE "^$dep$" <<<"$requires" || problems+=("Requires lacks $dep"); done
		# (no pipe into grep -q: under pipefail the early exit fails the pipeline)
		files=$(rpm -qpl "$f" 2>/dev/null)
		grep -qx /usr/bin/tusk <<<"$files" || problems+=("no /usr/bin/tusk")
		# An unsigned package passes rpmkeys -K unless signatures are required.
		mkdir -p "$tmp/rpmdb"
		if [ -z "$gpg_public" ] || ! rpmkeys --dbpath "$tmp/rpmdb" --import "$gpg_public" 2>/dev/null; then
			problems+=("cannot import the OpenPGP public key into a scratch rpm database")
		elif ! out=$(rpmkeys --dbpath "$tmp/rpmdb" --define '_pkgverify_level signature' -K "$f" 2>&1) ||
			! grep -q 'signatures OK' <<<"$out"; then
			problems+=("signature: $out")
		fi
		if [ ${#problems[@]} -eq 0 ]; then
			ok rpm "$f: $(rpm -qp --qf '%{NAME} %{VERSION}-%{RELEASE}' "$f" 2>/dev/null), signature OK"
		else
			fail rpm "$f: $(printf '%s; ' "${problems[@]}")"
		fi
	done
fi

# --- tarball --------------------------------------------------------------------------------
if want tar; then
	for f in *.tar.gz; do
		[ -f "$f" ] || continue
		top=${f%.tar.gz}
		if list=$(tar -tzf "$f" 2>/dev/null) && grep -qx "$top/tusk" <<<"$list" &&
			grep -qx "$top/share/applications/dev.tusk.Tusk.desktop" <<<"$list" && grep -qx "$top/LICENSE" <<<"$list" &&
			grep -qx "$top/webext/libtusk-webext.so" <<<"$list"; then
			ok tar "$f: $(wc -l <<<"$list") entries"
		else
			fail tar "$f: unreadable, or lacks $top/tusk, the desktop entry, LICENSE or the web extension"
		fi
	done
fi

if [ "$failed" -gt 0 ]; then
	echo "dist-verify: $failed check(s) failed in $dir"
	exit 1
fi
echo "dist-verify: all checks passed in $dir"
