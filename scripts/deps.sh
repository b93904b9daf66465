#!/usr/bin/env bash
# deps.sh [build|dist|test] — install what Tusk needs to build (to package, to test) on this
# machine, and nothing that is already there. Debian/Ubuntu: apt packages
# (with sudo when not root; a clear message when that is not possible), npm
# packages from the lock file, Go modules. Other systems: print what to install.
set -euo pipefail
cd "$(dirname "$0")/.."

want=${1:-build}
say() { printf 'deps: %s\n' "$*"; }
die() { printf 'deps: error: %s\n' "$*" >&2; exit 1; }

# --- system packages ---------------------------------------------------------
build_pkgs=(gcc pkg-config libgtk-3-dev libwebkit2gtk-4.1-dev)
# test: Xvfb + Chromium for e2e, PostgreSQL server binaries for the Go tests,
# gnome-keyring for a real Secret Service, sshd for tunnel tests, PgBouncer for
# the connection pooler tests; xdotool, x11-utils and sqlite3 for
# scripts/webkit-native.sh; bench-ui watches the X screen through XDAMAGE
# (libxdamage-dev) and names the display with xdpyinfo.
test_pkgs=(xvfb xauth chromium postgresql pgbouncer openssh-server gnome-keyring dbus imagemagick xdotool x11-utils sqlite3 libxdamage-dev shellcheck)
# dist (make dist, make dist-verify): the Windows cross compiler and installer
# builder, package tools and checkers, signing tools. make test runs dist too.
dist_pkgs=(gcc-mingw-w64-x86-64 nsis lintian rpm dpkg-dev desktop-file-utils appstream
	gnupg minisign osslsigncode openssl)

pkgs=("${build_pkgs[@]}")
case $want in
build) ;;
dist) pkgs+=("${dist_pkgs[@]}") ;;
test) pkgs+=("${dist_pkgs[@]}" "${test_pkgs[@]}") ;;
*) die "usage: deps.sh [build|dist|test]" ;;
esac

os=$(uname -s)
if [ "$os" = Linux ] && command -v dpkg-query >/dev/null 2>&1; then
	missing=()
	for p in "${pkgs[@]}"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
	done
	if [ ${#missing[@]} -gt 0 ]; then
		say "installing system packages: ${missing[*]}"
		if [ "$(id -u)" = 0 ]; then
			sudo=()
		elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
			sudo=(sudo)
		else
			die "missing system packages: ${missing[*]}
  run:  sudo apt-get update && sudo apt-get install -y ${missing[*]}
  then run make again."
		fi
		export DEBIAN_FRONTEND=noninteractive
		"${sudo[@]}" apt-get update -qq
		"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
	fi
elif [ "$os" = Darwin ]; then
	xcode-select -p >/dev/null 2>&1 || die "install the Xcode command line tools: xcode-select --install"
	command -v node >/dev/null 2>&1 || die "install Node.js 20.19 or newer (brew install node@20)"
	command -v go >/dev/null 2>&1 || die "install Go 1.26 or newer (brew install go)"
	[ "$want" = test ] && say "note: the test suite (PostgreSQL cluster, Secret Service keyring, Xvfb) runs on Debian/Ubuntu; on macOS install postgresql@15 (brew) and Chromium to run parts of it"
elif [ "$os" = Linux ]; then
	die "this is not a Debian/Ubuntu system. Install: Go 1.26+, Node.js 20.19+, gcc, pkg-config, GTK 3 and WebKitGTK 4.1 development files (Fedora: gtk3-devel webkit2gtk4.1-devel; Arch: gtk3 webkit2gtk-4.1)$( [ "$want" = test ] && echo ', and for tests: Xvfb, Chromium, PostgreSQL server, PgBouncer, OpenSSH server, gnome-keyring')."
else
	die "unsupported system $os. On Windows install Go 1.26+, Node.js 20.19+, a gcc toolchain (MSYS2 mingw-w64) and the WebView2 runtime, then run: go tool wails build"
fi

# --- toolchains ----------------------------------------------------------------
command -v go >/dev/null 2>&1 || die "Go is not installed: install Go 1.26 or newer (https://go.dev/doc/install)"
command -v node >/dev/null 2>&1 || die "Node.js is not installed: install Node.js 20.19 or newer"
node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>20||(a===20&&b>=19)?0:1)' \
	|| die "Node.js $(node --version) is too old: Vite 8 needs 20.19 or newer"

# --- npm packages (only when the lock file changed since the last install) -------
stamp=frontend/node_modules/.tusk-lock.sha
sum=$(sha256sum frontend/package-lock.json | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$sum" ]; then
	say "installing npm packages (npm ci)"
	(cd frontend && npm ci --no-audit --no-fund --loglevel=error)
	echo "$sum" >"$stamp"
fi
# Tell `wails build|dev` the packages are installed (it reruns npm ci otherwise).
printf '%s' "$(md5sum frontend/package.json | cut -c1-32)" >frontend/package.json.md5

# --- Go modules ----------------------------------------------------------------
go mod download
