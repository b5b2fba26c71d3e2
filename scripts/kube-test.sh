#!/usr/bin/env bash
# Runs the cluster tests (host/tests/cluster) against a private Kubernetes API server:
# builds/starts it from ../shared/kube (cached), fetches the real helm and kubectl the
# interop tests compare with, runs `cargo test -p capstan-host --test cluster` with
# CAPSTAN_REQUIRE_CLUSTER=1, and stops the server on exit.
# Usage (from anywhere): scripts/kube-test.sh [extra cargo test args, e.g. a test filter]
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
shared="$repo/../shared"
cd "$repo"

bash "$shared/kube/setup.sh" >&2

run="$(mktemp -d "${TMPDIR:-/tmp}/capstan-kube-test.XXXXXX")"
cleanup() {
  bash "$shared/kube/stop.sh" "$run" >&2 || true
  rm -rf "$run"
}
trap cleanup EXIT

kubeconfig_line="$(bash "$shared/kube/start.sh" "$run")"
kubeconfig="${kubeconfig_line#KUBECONFIG=}"
[[ -f $kubeconfig ]] || { echo "kube-test: start.sh printed no kubeconfig: $kubeconfig_line" >&2; exit 1; }

tools="$(bash "$shared/oracle/get-helm-cli.sh" | tail -n 1)"
export CAPSTAN_HELM="$tools/helm"
export CAPSTAN_KUBECTL="$tools/kubectl"

CAPSTAN_REQUIRE_CLUSTER=1 CAPSTAN_TEST_KUBECONFIG="$kubeconfig" \
  cargo test -p capstan-host --test cluster "$@"
