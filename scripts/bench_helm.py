#!/usr/bin/env python3
"""The Helm side of `capstan-bench`: renders charts with Helm's Go SDK in-process, warm.

Run with the oracle's Python (`/root/.cache/helm-oracle/venv/bin/python`). Reads a job list
as JSON on stdin and prints the timings as JSON on stdout:

  in:  {"reps": 5, "jobs": [{"id": "...", "chart": "DIR", "values": ["a.yaml", ...],
        "release": {"name": "r", "namespace": "default", "revision": 1, "upgrade": false}}]}
  out: {"id": {"times_ns": [...], "cpu_ns": [...], "templates": N, "error": null}, ...}

times_ns is wall time; cpu_ns is the CPU time of the whole process (every thread, so the Go
runtime's garbage collector counts), which stays meaningful on a loaded machine.

One timed repetition is what `helm template` does minus process start and sorting: load the
chart from disk, read and merge the `-f` files, render every template (Helm's engine output,
as helm_oracle.py's `render`). Every job is rendered once untimed first so the Go runtime,
the Python binding and the page cache are warm.
"""
import json
import sys
import time

import helm_python as helm


def merge_maps(a, b):
    out = dict(a)
    for k, v in b.items():
        if isinstance(v, dict) and isinstance(out.get(k), dict):
            out[k] = merge_maps(out[k], v)
        else:
            out[k] = v
    return out


def render_once(job):
    values = {}
    for path in job.get("values", []):
        with open(path, encoding="utf-8") as fh:
            values = merge_maps(values, helm.values_from_yaml(fh.read()))
    rel = job.get("release", {})
    kw = {"name": rel.get("name", "release-name"),
          "namespace": rel.get("namespace", "default"),
          "revision": rel.get("revision", 1)}
    if rel.get("upgrade"):
        kw["is_upgrade"] = True
    with helm.Chart.load(job["chart"]) as chart:
        return chart.render(values, **kw)


def run(job, reps):
    try:
        out = render_once(job)
    except helm.HelmError as err:
        return {"times_ns": [], "cpu_ns": [], "templates": 0, "error": str(err)[:300]}
    times, cpu = [], []
    for _ in range(reps):
        start, cpu0 = time.perf_counter_ns(), time.process_time_ns()
        render_once(job)
        cpu.append(time.process_time_ns() - cpu0)
        times.append(time.perf_counter_ns() - start)
    return {"times_ns": times, "cpu_ns": cpu, "templates": len(out), "error": None}


def main():
    req = json.load(sys.stdin)
    reps = int(req.get("reps", 5))
    results = {}
    for job in req["jobs"]:
        results[job["id"]] = run(job, reps)
        print(f"helm: {job['id']}", file=sys.stderr, flush=True)
    json.dump(results, sys.stdout)
    print()


if __name__ == "__main__":
    main()
