#!/usr/bin/env bash
# Every test: unit tests of each crate, then the conformance corpus (per-area table,
# ratchet, and a closing `N passed, N failed` line).
set -euo pipefail
cd "$(dirname "$0")/.."
cargo test --workspace --exclude capstan-tests
cargo test -p capstan-tests --test conformance
# The WebAssembly build and the playground: corpus through wasm vs native, and a real
# browser (installs wasm-bindgen-cli, binaryen, chromium and npm packages when missing).
bash scripts/web-test.sh
