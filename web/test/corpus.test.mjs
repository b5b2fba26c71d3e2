// Renders every chart case of the conformance corpus through the WebAssembly build and
// compares it with the native build's answers (`capstan debug render`), which run the
// same core: per-template output, and the manifest with NOTES. Also counts how many
// match Helm's own reference output (informative: that depends on the core's progress).
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import YAML from "yaml";
import { CORPUS, REPO, loadWasm, readTree } from "./helpers.mjs";

const NATIVE = process.env.CAPSTAN_BIN ?? join(REPO, "target", "release", "capstan");
const CASES = join(CORPUS, "cases");

function native(args) {
  try {
    return JSON.parse(execFileSync(NATIVE, ["debug", "render", ...args], { maxBuffer: 1 << 28, stdio: ["ignore", "pipe", "pipe"] }));
  } catch (e) {
    if (e.stdout?.length) return JSON.parse(e.stdout.toString());
    throw e;
  }
}

function sameTemplates(want, got, nondeterministic) {
  const wk = Object.keys(want).sort();
  const gk = Object.keys(got).sort();
  if (wk.join("\n") !== gk.join("\n")) return false;
  return wk.every((k) => nondeterministic.includes(k) || want[k] === got[k]);
}

function sameManifest(want, got, nondeterministic) {
  if (!nondeterministic.length) return want === got;
  const blocks = (m) =>
    m.split("---\n# Source: ").filter((d) => d).filter((d) => !nondeterministic.includes(d.split("\n")[0]));
  const w = blocks(want);
  const g = blocks(got);
  return w.length === g.length && w.every((t, i) => t === g[i]);
}

const available = existsSync(CASES) && existsSync(NATIVE);
const caseNames = available ? readdirSync(CASES).filter((c) => existsSync(join(CASES, c, "case.yaml"))).sort() : [];
const charts = new Map();
const tally = { sameMessage: 0, templates: 0, manifests: 0, manifestCases: 0, helm: 0, cases: 0 };

test("corpus chart cases: WebAssembly agrees with native", { skip: available ? false : `needs ${CASES} and ${NATIVE}` }, async (t) => {
  const { Chart } = await loadWasm();
  for (const name of caseNames) {
    await t.test(name, () => {
      const dir = join(CASES, name);
      const spec = YAML.parse(readFileSync(join(dir, "case.yaml"), "utf8"));
      const chartDir = join(CORPUS, spec.chart);
      if (!charts.has(chartDir)) charts.set(chartDir, Chart.fromFiles(readTree(chartDir)));
      const chart = charts.get(chartDir);
      const files = spec.values ?? [];
      const values = files.map((f) => readFileSync(join(dir, f), "utf8"));
      const r = spec.release ?? {};
      const release = { name: r.name, namespace: r.namespace, revision: r.revision, upgrade: r.upgrade };
      const nondet = spec.nondeterministic ?? [];
      const args = [chartDir, ...files.flatMap((f) => ["-f", join(dir, f)])];
      args.push("--name", String(r.name ?? "release-name"), "--namespace", String(r.namespace ?? "default"));
      args.push("--revision", String(r.revision ?? 1));
      if (r.upgrade) args.push("--upgrade");
      tally.cases++;

      // Per-template output, as `capstan debug render` (no kubeVersion check).
      const w = chart.render({ values, release, checkKubeVersion: false });
      const n = native(args);
      const wasmRendered = w.ok || w.error?.stage === "manifest";
      const templatesAgree =
        n.error !== undefined ? !wasmRendered : wasmRendered && sameTemplates(n.templates, w.templates, nondet);
      if (templatesAgree && n.error !== undefined && n.error === w.error?.message) tally.sameMessage++;
      if (templatesAgree) tally.templates++;

      // What Helm answered (informative).
      const helm = JSON.parse(readFileSync(join(dir, "templates.json"), "utf8"));
      if (helm.error !== undefined ? !wasmRendered : wasmRendered && sameTemplates(helm.templates, w.templates, nondet)) {
        tally.helm++;
      }

      // The manifest and NOTES, as `capstan debug render --manifest` (kubeVersion checked).
      let manifestAgree = true;
      if (existsSync(join(dir, "manifest.yaml"))) {
        tally.manifestCases++;
        // The same render unless Chart.yaml constrains kubeVersion (checked here only).
        const wm = chart.metadata().kubeVersion ? chart.render({ values, release }) : w;
        const nm = native([...args, "--manifest"]);
        manifestAgree = nm.error !== undefined ? !wm.ok : wm.ok && sameManifest(nm.manifest, wm.manifest, nondet) && nm.notes === wm.notes;
        if (manifestAgree) tally.manifests++;
      }
      assert.ok(templatesAgree, `templates differ from native: native ${n.error ?? "ok"}, wasm ${w.error?.message ?? "ok"}`);
      assert.ok(manifestAgree, "manifest or NOTES differ from native");
    });
  }
  console.log(
    `wasm vs native: ${tally.templates}/${tally.cases} cases agree on templates, ` +
      `${tally.manifests}/${tally.manifestCases} on manifest+NOTES (${tally.sameMessage} failing cases with the same message); wasm vs Helm's reference: ${tally.helm}/${tally.cases} cases`,
  );
});
