#!/usr/bin/env bash
# keys.sh — gather the signing material for one `make dist` run into
# build/dist-keys/ and describe it in build/dist-keys/env for the other dist
# scripts. Real keys come from the environment (docs/releasing.md):
#
#   TUSK_GPG_KEY_FILE        ASCII-armoured OpenPGP secret key (SHA256SUMS.asc, the .rpm)
#   TUSK_GPG_PASSPHRASE      its passphrase, if any
#   TUSK_MINISIGN_KEY_FILE   minisign secret key (SHA256SUMS.minisig)
#   TUSK_MINISIGN_PASSWORD   its password, if any
#   Windows Authenticode, one of:
#   TUSK_WIN_SIGN_COMMAND    a command that signs the file named by its last argument in
#                            place (a cloud signer, e.g. jsign with Azure Trusted Signing)
#   TUSK_WIN_PKCS11_MODULE + TUSK_WIN_PKCS11_KEY (+ TUSK_WIN_PKCS11_PIN) + TUSK_WIN_CERT_FILE
#                            a key on a token or HSM and its certificate chain (PEM)
#   TUSK_WIN_CERT_P12_FILE + TUSK_WIN_CERT_PASSWORD
#                            a PKCS#12 file (fine for tests; real keys live on hardware)
#   TUSK_TSA_URL             RFC 3161 timestamp server for Authenticode
#
# Whatever is not given is replaced by a throwaway key made here, and the run
# says loudly that its signatures are TEST signatures. TUSK_REQUIRE_RELEASE_KEYS
# (the release workflow) turns a missing key into an error instead: "all", or
# the kinds a job signs with ("gpg", "minisign", "authenticode").
set -euo pipefail
# shellcheck source=scripts/dist/lib.sh
source "$(dirname "$0")/lib.sh"

rm -rf "$keys_dir"
mkdir -p "$(dirname "$keys_dir")"
mkdir -m 700 "$keys_dir"
env_file=$keys_dir/env
test_kinds=()

missing() {
	local req=" ${TUSK_REQUIRE_RELEASE_KEYS:-} "
	if [[ $req == " all " || $req == *" $2 "* ]]; then
		die "TUSK_REQUIRE_RELEASE_KEYS asks for a $2 release key, but $1 is not set (see docs/releasing.md)"
	fi
	test_kinds+=("$2")
}

# --- OpenPGP ------------------------------------------------------------------
# A scratch keyring under a short path (gpg-agent's socket path is limited to
# about 100 characters); the keys themselves are kept as armoured files.
GNUPGHOME=$(mktemp -d /tmp/tusk-gpg.XXXXXX)
export GNUPGHOME
trap 'gpgconf --kill gpg-agent 2>/dev/null || true; rm -rf "$GNUPGHOME"' EXIT
if [ -n "${TUSK_GPG_KEY_FILE:-}" ]; then
	gpg --batch --quiet --pinentry-mode loopback --passphrase "${TUSK_GPG_PASSPHRASE:-}" --import "$TUSK_GPG_KEY_FILE" 2>/dev/null ||
		die "TUSK_GPG_KEY_FILE: cannot import $TUSK_GPG_KEY_FILE"
	gpg_secret=$TUSK_GPG_KEY_FILE
	gpg_test=0
else
	missing TUSK_GPG_KEY_FILE gpg
	gpg --batch --quiet --pinentry-mode loopback --passphrase '' \
		--quick-gen-key 'Tusk TEST release key (throwaway) <test@tusk.invalid>' ed25519 sign 2d 2>/dev/null
	gpg_secret=$keys_dir/gpg-test.sec.asc
	gpg --batch --armor --pinentry-mode loopback --passphrase '' --export-secret-keys >"$gpg_secret"
	gpg_test=1
fi
gpg_fpr=$(gpg --batch --quiet --with-colons --list-secret-keys 2>/dev/null | awk -F: '$1 == "fpr" { print $10; exit }')
[ -n "$gpg_fpr" ] || die "no OpenPGP secret key after import"
gpg --batch --quiet --armor --export "$gpg_fpr" >"$keys_dir/gpg.pub.asc" 2>/dev/null

# --- minisign -----------------------------------------------------------------
if [ -n "${TUSK_MINISIGN_KEY_FILE:-}" ]; then
	minisign_secret=$TUSK_MINISIGN_KEY_FILE
	minisign_public=${TUSK_MINISIGN_PUBLIC_KEY_FILE:-}
	[ -n "$minisign_public" ] || die "TUSK_MINISIGN_KEY_FILE needs TUSK_MINISIGN_PUBLIC_KEY_FILE (minisign cannot derive it)"
	minisign_test=0
else
	missing TUSK_MINISIGN_KEY_FILE minisign
	minisign_secret=$keys_dir/minisign-test.key
	minisign_public=$keys_dir/minisign-test.pub
	minisign -G -W -q -s "$minisign_secret" -p "$minisign_public" >/dev/null
	minisign_test=1
fi

# --- Authenticode ---------------------------------------------------------------
win_ca=${TUSK_WIN_CA_FILE:-/etc/ssl/certs/ca-certificates.crt}
win_test=0
if [ -z "${TUSK_WIN_SIGN_COMMAND:-}${TUSK_WIN_PKCS11_MODULE:-}${TUSK_WIN_CERT_P12_FILE:-}" ]; then
	missing 'a Windows signing key (TUSK_WIN_SIGN_COMMAND, TUSK_WIN_PKCS11_MODULE or TUSK_WIN_CERT_P12_FILE)' authenticode
	w=$keys_dir/authenticode
	mkdir "$w"
	openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj '/CN=Tusk TEST code signing CA (throwaway)' \
		-addext basicConstraints=critical,CA:true -addext keyUsage=critical,keyCertSign,cRLSign \
		-keyout "$w/ca.key" -out "$w/ca.pem" 2>/dev/null
	openssl req -newkey rsa:2048 -nodes -subj '/CN=Tusk TEST (throwaway)/O=Tusk' \
		-keyout "$w/sign.key" -out "$w/sign.csr" 2>/dev/null
	printf 'basicConstraints=CA:false\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=codeSigning\n' >"$w/ext"
	openssl x509 -req -in "$w/sign.csr" -CA "$w/ca.pem" -CAkey "$w/ca.key" -CAcreateserial -days 2 \
		-extfile "$w/ext" -out "$w/sign.pem" 2>/dev/null
	openssl pkcs12 -export -passout pass: -inkey "$w/sign.key" -in "$w/sign.pem" -certfile "$w/ca.pem" -out "$w/sign.p12"
	win_ca=$w/ca.pem
	win_test=1
fi

{
	printf 'GPG_FPR=%q\nGPG_SECRET=%q\nGPG_PUBLIC=%q\nGPG_TEST=%q\n' \
		"$gpg_fpr" "$gpg_secret" "${TUSK_GPG_PUBLIC_KEY_FILE:-$keys_dir/gpg.pub.asc}" "$gpg_test"
	printf 'MINISIGN_SECRET=%q\nMINISIGN_PUBLIC=%q\nMINISIGN_TEST=%q\n' "$minisign_secret" "$minisign_public" "$minisign_test"
	printf 'WIN_TEST=%q\nWIN_CA=%q\n' "$win_test" "$win_ca"
	[ "$win_test" = 1 ] && printf 'WIN_P12=%q\n' "$keys_dir/authenticode/sign.p12"
} >"$env_file"

if [ ${#test_kinds[@]} -gt 0 ]; then
	loud "TEST SIGNATURES: no release key for: ${test_kinds[*]}." \
		"Throwaway keys were made in $keys_dir; whatever they sign proves nothing" \
		"to anyone else. Never publish these artifacts. See docs/releasing.md."
else
	say "signing with the release keys from the environment (OpenPGP $gpg_fpr)"
fi
