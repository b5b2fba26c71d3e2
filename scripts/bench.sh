#!/usr/bin/env bash
# Capstan against Helm 4.2.3 on this machine, in one run:
#   corpus   every chart case of the conformance corpus, in-process and warm on both sides
#            (capstan-bench vs Helm's Go SDK through scripts/bench_helm.py), median of REPS
#   scale    generated charts: 100 subcharts, 2,000 templates, 10,000 tpl calls, a 10 MB
#            values file, a 5 MB CRD through fromYaml | toYaml (each also at 1/10 size)
#   process  `capstan template` vs the real `helm template` binary, process start included
#            (hyperfine), on a few corpus charts; also checks the two outputs are identical
#   rss      peak RSS of both processes (/usr/bin/time -v) on the largest corpus case
# Usage: scripts/bench.sh [REPS] [PART...]   (default: 5, all parts)
# Env: CAPSTAN_CORPUS (default ../shared/conformance), SCALE_REPS (default 3),
#      PROCESS_CASES (corpus case ids for `process`), HELM_PY (the oracle's Python).
set -euo pipefail
cd "$(dirname "$0")/.."
reps="${1:-5}"
shift || true
parts="${*:-corpus scale process rss}"
corpus="$(cd "${CAPSTAN_CORPUS:-../shared/conformance}" && pwd)"
helm_py="${HELM_PY:-/root/.cache/helm-oracle/venv/bin/python}"

cargo build --release -q -p capstan-host --bins
bench=target/release/capstan-bench
capstan="$PWD/target/release/capstan"
helm="$(bash "$corpus/../oracle/get-helm-cli.sh" | tail -n 1)/helm"
echo "# capstan-bench $(date -u +%FT%TZ) on $(nproc) cores, load: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "# helm: $("$helm" version --short)"

# Prints the `template` arguments of a corpus case: NAME CHART [-n NS] [-f FILE]... [--is-upgrade]
case_args() {
    local dir="$corpus/cases/$1"
    local name ns
    name="$(sed -n 's/^  name: *//p' "$dir/case.yaml" | head -n 1)"
    ns="$(sed -n 's/^  namespace: *//p' "$dir/case.yaml" | head -n 1)"
    printf '%s\n%s\n' "${name:-release-name}" "$corpus/$(sed -n 's/^chart: *//p' "$dir/case.yaml")"
    [ -n "$ns" ] && printf -- '-n\n%s\n' "$ns"
    awk '/^values:/{v=1;next} /^[^ -]/{v=0} v && /^- /{print $2}' "$dir/case.yaml" |
        while read -r f; do printf -- '-f\n%s\n' "$dir/$f"; done
    grep -q '^  upgrade: true' "$dir/case.yaml" && printf -- '--is-upgrade\n'
    return 0
}

for part in $parts; do
case "$part" in
corpus)
    "$bench" corpus --reps "$reps" --corpus "$corpus" --python "$helm_py" ;;
scale)
    "$bench" scale --reps "${SCALE_REPS:-3}" --python "$helm_py" ;;
process)
    echo; echo "## process: capstan template vs helm template (hyperfine means, ms, process start included;"
    echo "## cpu = user + system of the process; outputs differ only where a chart uses randomness)"; echo
    printf '%-28s %9s %9s %8s | %9s %9s %8s  %s\n' case "cap wall" "helm wall" helm/cap \
        "cap cpu" "helm cpu" helm/cap output
    tmp="$(mktemp -d)"
    for id in ${PROCESS_CASES:-nginx-default podinfo-default prometheus-default argo-cd-default}; do
        [ -d "$corpus/cases/$id" ] || { echo "$id: no such case"; continue; }
        mapfile -t args < <(case_args "$id")
        "$capstan" template "${args[@]}" >"$tmp/c.out" 2>&1 || true
        "$helm" template "${args[@]}" >"$tmp/h.out" 2>&1 || true
        same=identical; cmp -s "$tmp/c.out" "$tmp/h.out" || same=differs
        cap_cmd="$(printf '%q ' "$capstan" template "${args[@]}")"
        helm_cmd="$(printf '%q ' "$helm" template "${args[@]}")"
        hyperfine -N -i --warmup 2 --min-runs 10 --style none --export-json "$tmp/h.json" \
            "$cap_cmd" "$helm_cmd" >/dev/null 2>&1
        python3 - "$tmp/h.json" "$id" "$same" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"]
c, h = r[0]["mean"] * 1e3, r[1]["mean"] * 1e3
cc, hc = ((x["user"] + x["system"]) * 1e3 for x in r)
print(f"{sys.argv[2]:<28} {c:9.1f} {h:9.1f} {h / c:7.1f}x | {cc:9.1f} {hc:9.1f} {hc / cc:7.1f}x  {sys.argv[3]}")
PY
    done
    rm -rf "$tmp" ;;
rss)
    id="$(cd "$corpus/cases" && ls -S -- */templates.json | head -n 1 | cut -d/ -f1)"
    echo; echo "## peak RSS, largest case ($id), one process each"; echo
    mapfile -t args < <(case_args "$id")
    rss_out="$(mktemp)"
    for side in capstan helm; do
        if [ "$side" = capstan ]; then exe="$capstan"; else exe="$helm"; fi
        /usr/bin/time -v -o "$rss_out" "$exe" template "${args[@]}" >/dev/null 2>&1 || true
        kb="$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$rss_out")"
        printf '%-8s %8s KB\n' "$side" "$kb"
    done
    rm -f "$rss_out" ;;
*) echo "unknown part $part (corpus scale process rss)"; exit 2 ;;
esac
done
