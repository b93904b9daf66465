#!/usr/bin/env bash
# authenticode.sh FILE — Authenticode-sign a Windows executable in place with
# the key scripts/dist/keys.sh chose (a signing command, a PKCS#11 token, a
# PKCS#12 file or the throwaway test certificate), RFC 3161-timestamped when
# TUSK_TSA_URL is set. NSIS calls it for the uninstaller as well.
set -euo pipefail
# shellcheck source=scripts/dist/lib.sh
source "$(dirname "$0")/lib.sh"
file=${1:?usage: authenticode.sh FILE}
[ -f "$keys_dir/env" ] || die "run scripts/dist/keys.sh first"
# shellcheck source=/dev/null
source "$keys_dir/env"

if [ -n "${TUSK_WIN_SIGN_COMMAND:-}" ]; then
	# A cloud signer's client signs in place and timestamps by its own options.
	eval "$TUSK_WIN_SIGN_COMMAND" '"$file"'
	exit 0
fi

args=(sign -h sha256 -n Tusk -i https://github.com/tusk-app/tusk -in "$file" -out "$file.signed")
if [ -n "${TUSK_WIN_PKCS11_MODULE:-}" ]; then
	args+=(-pkcs11module "$TUSK_WIN_PKCS11_MODULE" -key "${TUSK_WIN_PKCS11_KEY:?TUSK_WIN_PKCS11_KEY: the key URI on the token}"
		-certs "${TUSK_WIN_CERT_FILE:?TUSK_WIN_CERT_FILE: the certificate chain (PEM)}")
	[ -n "${TUSK_WIN_PKCS11_PIN:-}" ] && args+=(-pass "$TUSK_WIN_PKCS11_PIN")
elif [ -n "${TUSK_WIN_CERT_P12_FILE:-}" ]; then
	args+=(-pkcs12 "$TUSK_WIN_CERT_P12_FILE" -pass "${TUSK_WIN_CERT_PASSWORD:-}")
else
	args+=(-pkcs12 "${WIN_P12:?no Windows signing key: run scripts/dist/keys.sh}" -pass '')
fi
[ -n "${TUSK_TSA_URL:-}" ] && args+=(-ts "$TUSK_TSA_URL")

rm -f "$file.signed"
osslsigncode "${args[@]}" >/dev/null || die "osslsigncode could not sign $file"
mv "$file.signed" "$file"
