#!/usr/bin/env bash
# The WebAssembly package and the playground, end to end: installs what is missing
# (idempotent: the rustup target, wasm-bindgen-cli cached in ~/.cache/capstan-tools,
# Debian's binaryen and chromium, npm ci), builds the wasm, the site and the native CLI,
# then runs the Node tests (corpus through wasm vs native, and the browser tests).
# Exits non-zero when anything fails. Screenshots land in web/test-results/.
set -euo pipefail
cd "$(dirname "$0")/.."
start=$(date +%s)

TOOLS="${CAPSTAN_TOOLS:-$HOME/.cache/capstan-tools}"
export PATH="$TOOLS/bin:$PATH"
WASM_BINDGEN_VERSION=0.2.130

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  rustup target add wasm32-unknown-unknown
fi
if ! wasm-bindgen --version 2>/dev/null | grep -q " $WASM_BINDGEN_VERSION\$"; then
  cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --root "$TOOLS"
fi
missing=()
command -v wasm-opt >/dev/null || missing+=(binaryen)
[ -x /usr/bin/chromium ] || missing+=(chromium)
if [ ${#missing[@]} -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${missing[@]}"
fi
if [ ! -d web/node_modules ] || [ web/package-lock.json -nt web/node_modules/.package-lock.json ]; then
  (cd web && npm ci --no-audit --no-fund)
fi

scripts/wasm-build.sh
(cd web && npx tsc --noEmit -p . && npx vite build --logLevel warn)
cargo build --release -q -p capstan-host

cd web
node --test --test-reporter=spec test/corpus.test.mjs test/e2e.test.mjs
echo "web tests took $(( $(date +%s) - start )) s"
