#!/usr/bin/env bash
# Regenerates the signed seeds in fuzz/seeds/verify with the `credence` binary: the standard sample
# badge signed as Data Integrity, VC-JWT and VC-JOSE, baked into the fixture PNG and SVG, and its
# signed status list. The key is thrown away; only public material is kept (did.json).
# Usage: fuzz/make-seeds.sh PATH/TO/credence
set -euo pipefail
cd "$(dirname "$0")/.."
credence="${1:?usage: fuzz/make-seeds.sh PATH/TO/credence}"
out=fuzz/seeds/verify
key="$(mktemp -d)"
trap 'rm -rf "$key"' EXIT
vm="did:web:badges.example.org#key-1"
created="2025-06-01T10:00:00Z"
"$credence" keys generate --out "$key" --controller did:web:badges.example.org >/dev/null
cp "$key/did.json" "$out/did.json"
"$credence" sample >"$key/unsigned.json"
"$credence" sign --key "$key/key.pem" --verification-method "$vm" --created "$created" \
  "$key/unsigned.json" >"$out/badge.json"
"$credence" sign --key "$key/key.pem" --verification-method "$vm" --created "$created" \
  --format jwt "$key/unsigned.json" >"$out/badge.jwt"
"$credence" sign --key "$key/key.pem" --verification-method "$vm" --created "$created" \
  --format vc-jose "$key/unsigned.json" >"$out/badge.vc-jose.jwt"
"$credence" bake --image tests/fixtures/badge.png --credential "$out/badge.json" --out "$out/baked.png"
"$credence" bake --image tests/fixtures/badge.svg --credential "$out/badge.jwt" --out "$out/baked.svg"
"$credence" status-list --url https://badges.example.org/status/1 --issuer did:web:badges.example.org \
  --key "$key/key.pem" --verification-method "$vm" --created 2025-05-01T00:00:00Z --set 3 \
  >"$out/status-list.json"
chmod 0644 "$out"/*
