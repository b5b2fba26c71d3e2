#!/usr/bin/env bash
# Starts the playground's development server (http://localhost:5173): builds the wasm
# package first when web/pkg is missing, installs the npm packages when needed.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f web/pkg/capstan_wasm_bg.wasm ] || scripts/wasm-build.sh
cd web
[ -d node_modules ] || npm ci --no-audit --no-fund
exec npx vite --host 127.0.0.1 "$@"
