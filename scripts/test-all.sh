#!/usr/bin/env bash
# Every test: unit tests of each crate, the conformance corpus (per-area table, ratchet,
# and a closing `N passed, N failed` line), the cluster tests, the WASM build and browser.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo test --workspace --exclude capstan-tests
cargo test -p capstan-tests --test conformance
# Releases on a real Kubernetes API server (../shared/kube, v1.20.2) and interop with the
# real helm 4.2.3 (both set up and cached by the script).
bash scripts/kube-test.sh
# The WebAssembly build and the playground: corpus through wasm vs native, and a real
# browser (installs wasm-bindgen-cli, binaryen, chromium and npm packages when missing).
bash scripts/web-test.sh
