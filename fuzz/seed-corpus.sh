#!/usr/bin/env bash
# Seeds fuzz/corpus/<target>/ from the repository's fixtures and vectors (tests/fixtures,
# tests/vectors) and the signed seeds in fuzz/seeds/ (see make-seeds.sh).
# Idempotent: files are named by content hash, so inputs the fuzzer added are kept.
set -euo pipefail
cd "$(dirname "$0")/.."
vectors=tests/vectors
seeds=fuzz/seeds

add() { # add TARGET FILE...
  local dir="fuzz/corpus/$1" f
  shift
  mkdir -p "$dir"
  for f in "$@"; do
    cp "$f" "$dir/seed-$(sha1sum <"$f" | cut -c1-16)"
  done
}

add verify_bytes "$seeds"/verify/badge.json "$seeds"/verify/badge.jwt "$seeds"/verify/badge.vc-jose.jwt \
  "$seeds"/verify/baked.png "$seeds"/verify/baked.svg "$seeds"/verify/status-list.json \
  tests/fixtures/badge.png tests/fixtures/badge.svg "$vectors"/w3c-vc-di-eddsa/*/signed*.json
add unbake_png "$seeds"/verify/baked.png tests/fixtures/badge.png
add unbake_svg "$seeds"/verify/baked.svg tests/fixtures/badge.svg
add jwt_decode "$seeds"/verify/badge.jwt "$seeds"/verify/badge.vc-jose.jwt
add jsonld "$seeds"/verify/badge.json "$seeds"/verify/status-list.json "$seeds"/verify/did.json \
  "$vectors"/w3c-vc-di-eddsa/unsigned.json "$vectors"/w3c-vc-di-eddsa/*/signed*.json \
  "$vectors"/w3c-vc-di-eddsa/*/proofConfig*.json
nq=("$vectors"/rdfc10/*.nq "$vectors"/obv3-eddsa-rdfc-2022/*.nq
  "$vectors"/w3c-vc-di-eddsa/*/canonDoc*.txt "$vectors"/w3c-vc-di-eddsa/*/proofCanon*.txt)
add nquads "${nq[@]}"
add rdfc "${nq[@]}"
add csv_batch "$seeds"/csv_batch/*.csv
