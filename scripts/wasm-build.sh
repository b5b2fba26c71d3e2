#!/usr/bin/env bash
# Builds the WebAssembly package into web/pkg: cargo (wasm-release profile, size-tuned),
# wasm-opt, then wasm-bindgen (--target web, with TypeScript types). Prints the size.
# Needs: rustup target wasm32-unknown-unknown, wasm-bindgen-cli 0.2.130 (in
# ~/.cache/capstan-tools/bin or on PATH), wasm-opt (Debian's binaryen). scripts/web-test.sh
# installs them.
set -euo pipefail
cd "$(dirname "$0")/.."

TOOLS="${CAPSTAN_TOOLS:-$HOME/.cache/capstan-tools}"
export PATH="$TOOLS/bin:$PATH"
OUT=web/pkg
WASM=target/wasm32-unknown-unknown/wasm-release/capstan_wasm.wasm

cargo build -p capstan-wasm --target wasm32-unknown-unknown --profile wasm-release
# wasm-opt runs before wasm-bindgen: Debian's binaryen (108) rewrites the externref table
# that wasm-bindgen adds into an anyref one that browsers reject. By default it only strips
# names and producers: measured here, -Oz shrinks the raw file by ~9% but grows the gzipped
# one by ~3% (the size that travels), so optimisation passes are opt-in
# (WASM_OPT_LEVEL=-Oz).
OPT=target/wasm32-unknown-unknown/wasm-release/capstan_wasm.opt.wasm
# The features rustc enables by default for wasm32 (and every current browser has).
# shellcheck disable=SC2086
wasm-opt ${WASM_OPT_LEVEL:-} --strip-debug --strip-producers --enable-bulk-memory \
  --enable-nontrapping-float-to-int --enable-sign-ext --enable-mutable-globals \
  --enable-multivalue --enable-reference-types "$WASM" -o "$OPT"
rm -rf "$OUT"
wasm-bindgen --target web --out-dir "$OUT" --out-name capstan_wasm "$OPT"

raw=$(stat -c %s "$OUT/capstan_wasm_bg.wasm")
gz=$(gzip -9 -c "$OUT/capstan_wasm_bg.wasm" | wc -c)
echo "capstan_wasm_bg.wasm: $raw bytes raw, $gz bytes gzipped (budget 1572864)"
if [ "$gz" -gt 1572864 ]; then
  echo "the wasm is over its 1.5 MB gzipped budget" >&2
  exit 1
fi
