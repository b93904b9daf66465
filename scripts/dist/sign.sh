#!/usr/bin/env bash
# sign.sh [DIR] — write SHA256SUMS over every artifact in DIR (default dist/)
# and sign it twice: SHA256SUMS.asc (OpenPGP, detached, ASCII) and
# SHA256SUMS.minisig (minisign), with the keys scripts/dist/keys.sh chose.
set -euo pipefail
# shellcheck source=scripts/dist/lib.sh
source "$(dirname "$0")/lib.sh"
dir=${1:-$dist_dir}
[ -f "$keys_dir/env" ] || "$root/scripts/dist/keys.sh"
# shellcheck source=/dev/null
source "$keys_dir/env"
GNUPGHOME=$(mktemp -d /tmp/tusk-gpg.XXXXXX)
export GNUPGHOME
trap 'gpgconf --kill gpg-agent 2>/dev/null || true; rm -rf "$GNUPGHOME"' EXIT
gpg --batch --quiet --pinentry-mode loopback --passphrase "${TUSK_GPG_PASSPHRASE:-}" --import "$GPG_SECRET" 2>/dev/null ||
	die "cannot import the OpenPGP key $GPG_SECRET"

cd "$dir"
rm -f SHA256SUMS SHA256SUMS.asc SHA256SUMS.minisig
mapfile -t files < <(find . -maxdepth 1 -type f ! -name 'SHA256SUMS*' -printf '%f\n' | LC_ALL=C sort)
[ ${#files[@]} -gt 0 ] || die "nothing to sign in $dir"
sha256sum -- "${files[@]}" >SHA256SUMS

gpg --batch --quiet --pinentry-mode loopback --passphrase "${TUSK_GPG_PASSPHRASE:-}" \
	--local-user "$GPG_FPR" --armor --detach-sign --output SHA256SUMS.asc SHA256SUMS
version=$("$root/scripts/version.sh" full)
# minisign reads the password from stdin when it is not a terminal; an
# unencrypted (throwaway) key reads nothing.
printf '%s\n' "${TUSK_MINISIGN_PASSWORD:-}" |
	minisign -S -q -s "$MINISIGN_SECRET" -m SHA256SUMS -x SHA256SUMS.minisig -t "tusk $version SHA256SUMS"

say "signed SHA256SUMS over ${#files[@]} files (OpenPGP key $GPG_FPR, minisign)"
if [ "$GPG_TEST$MINISIGN_TEST$WIN_TEST" != 000 ]; then
	loud "These are TEST signatures made with throwaway keys. Never publish ${dir#"$root"/}/."
fi
