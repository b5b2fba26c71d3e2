// The playground in headless Chromium (Debian's, driven by playwright-core) against the
// built site (web/dist) served on 127.0.0.1: it loads and renders the sample, a corpus
// chart archive dropped on the page renders like Helm, a broken template shows its error
// at its line, and a screenshot is saved in web/test-results/.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium } from "playwright-core";
import YAML from "yaml";
import { CORPUS, RESULTS, WEB, sameManifest, serveStatic } from "./helpers.mjs";

const BROWSER = process.env.CHROMIUM ?? "/usr/bin/chromium";
const DIST = join(WEB, "dist");
const skip = !existsSync(BROWSER) ? `no browser at ${BROWSER}` : !existsSync(join(DIST, "index.html")) ? "web/dist is not built" : false;

let server;
let context;
let page;
let profile;
let tmp;

before(async () => {
  if (skip) return;
  mkdirSync(RESULTS, { recursive: true });
  tmp = mkdtempSync(join(tmpdir(), "capstan-web-"));
  profile = join(tmp, "profile");
  server = await serveStatic(DIST);
  context = await chromium.launchPersistentContext(profile, {
    executablePath: BROWSER,
    headless: true,
    args: [
      "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
      "--disable-sync", "--no-first-run",
    ],
    viewport: { width: 1440, height: 900 },
    acceptDownloads: true,
  });
  page = context.pages()[0] ?? (await context.newPage());
  page.on("pageerror", (e) => console.error("page error:", e.message));
});

after(async () => {
  await context?.close();
  await server?.close();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

/** Waits until a render newer than `since` has come back and none is pending. */
async function rendered(since) {
  await page.waitForFunction(
    (n) => window.playground && window.playground.renderCount > n && ["ok", "error"].includes(document.body.dataset.renderState),
    since,
    { timeout: 30_000 },
  );
  return page.evaluate(() => window.playground.result);
}

const renderCount = () => page.evaluate(() => window.playground?.renderCount ?? 0);

test("the playground loads and renders the sample chart", { skip }, async () => {
  await page.goto(server.url);
  await rendered(0);
  assert.equal(await page.textContent("#chart-name"), "mychart 0.1.0");
  assert.ok((await page.locator("#tree .file").count()) >= 10, "the file tree lists the sample's files");
  assert.ok(await page.locator("#editor .cm-content").isVisible());
  await page.screenshot({ path: join(RESULTS, "playground.png") });
});

test("the sample's manifest is shown", { skip }, async () => {
  const result = await page.evaluate(() => window.playground.result);
  assert.equal(result?.error?.message ?? null, null);
  assert.match(result.output, /kind: Deployment/);
  assert.match(await page.locator("#output .cm-content").innerText(), /kind: Service/);
  assert.match(result.notes, /Get the application URL/);
});

test("a corpus chart .tgz dropped on the page renders like Helm", { skip }, async () => {
  const spec = YAML.parse(readFileSync(join(CORPUS, "cases/nginx-default/case.yaml"), "utf8"));
  const want = readFileSync(join(CORPUS, "cases/nginx-default/manifest.yaml"), "utf8");
  const tgz = join(tmp, "nginx.tgz");
  execFileSync("tar", ["czf", tgz, "-C", join(CORPUS, "charts"), "nginx"]);
  await page.fill("#opt-name", spec.release.name);
  await page.fill("#opt-namespace", spec.release.namespace);
  const before = await renderCount();
  const data = readFileSync(tgz).toString("base64");
  await page.evaluate((b64) => {
    const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    const dt = new DataTransfer();
    dt.items.add(new File([bytes], "nginx.tgz", { type: "application/gzip" }));
    window.dispatchEvent(new DragEvent("drop", { dataTransfer: dt, bubbles: true, cancelable: true }));
  }, data);
  await page.waitForFunction(() => document.querySelector("#chart-name")?.textContent?.startsWith("nginx "), null, { timeout: 30_000 });
  const result = await rendered(before);
  assert.ok(await page.locator('#tree .file[data-path="templates/deployment.yaml"]').count(), "the tree shows the chart");
  assert.equal(result.error?.message ?? null, null, "the chart renders");
  assert.ok(sameManifest(want, result.manifest, spec.nondeterministic ?? []), "the manifest equals Helm's");
});

test("a broken template shows the error at its line", { skip }, async () => {
  const reset = await renderCount();
  await page.click("#btn-sample");
  await rendered(reset);
  await page.click('#tree .file[data-path="templates/service.yaml"]');
  const line = 9;
  const before = await renderCount();
  await page.evaluate((n) => {
    const view = window.playground.editor.view;
    const at = view.state.doc.line(n);
    view.dispatch({ changes: { from: at.to, insert: " {{ .Values.service.port | noSuchFunction }}" } });
  }, line);
  const result = await rendered(before);
  assert.equal(result.ok, false);
  const loc = result.error.locations.at(-1);
  assert.equal(loc?.file, "templates/service.yaml");
  assert.equal(loc?.line, line);
  await page.waitForSelector("#editor .cm-lintRange-error", { timeout: 10_000 });
  const marked = await page.evaluate(() => {
    const view = window.playground.editor.view;
    const el = document.querySelector("#editor .cm-lintRange-error");
    return view.state.doc.lineAt(view.posAtDOM(el)).number;
  });
  assert.equal(marked, line, "the editor marks the broken line");
  assert.match(await page.textContent("#error-panel"), /templates\/service\.yaml:9/);
  assert.ok(await page.locator('#tree .file.has-error[data-path="templates/service.yaml"]').count());
  await page.screenshot({ path: join(RESULTS, "playground-error.png") });
});

test("a schema error points at the values path", { skip }, async () => {
  await page.click('#values-list .file[data-path="values:0"]');
  const before = await renderCount();
  await page.evaluate(() => {
    const view = window.playground.editor.view;
    view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: "# mine\nimage:\n  pullPolicy: Sometimes\n" } });
  });
  const result = await rendered(before);
  assert.equal(result.ok, false);
  assert.deepEqual(result.error.schema.map((v) => v.path), ["/image/pullPolicy"]);
  await page.waitForSelector("#editor .cm-lintRange-error", { timeout: 10_000 });
  const marked = await page.evaluate(() => {
    const view = window.playground.editor.view;
    return view.state.doc.lineAt(view.posAtDOM(document.querySelector("#editor .cm-lintRange-error"))).number;
  });
  assert.equal(marked, 3, "the editor marks the line of image.pullPolicy");
  assert.match(await page.textContent("#error-panel"), /values-1\.yaml \(-f\):3/);
});

test("the state round-trips through a shared URL", { skip }, async () => {
  await page.click("#btn-sample");
  await page.fill("#opt-name", "shared-release");
  await page.click('#values-list .file[data-path="values:0"]');
  await page.evaluate(() => {
    const view = window.playground.editor.view;
    view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: "replicaCount: 7\n" } });
  });
  await page.click("#btn-share");
  await page.waitForFunction(() => location.hash.startsWith("#s="));
  const url = await page.evaluate(() => location.href);
  const other = await context.newPage();
  await other.goto(url);
  await other.waitForFunction(() => window.playground?.result?.ok === true, null, { timeout: 30_000 });
  const manifest = await other.evaluate(() => window.playground.result.manifest);
  assert.match(manifest, /replicas: 7/);
  assert.match(manifest, /name: shared-release-mychart/);
  await other.close();
});

test("the playground works offline once loaded", { skip }, async () => {
  await page.goto(server.url);
  await page.evaluate(() => navigator.serviceWorker.ready);
  await page.reload();
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 10_000 });
  await context.setOffline(true);
  try {
    await page.reload();
    await page.waitForFunction(() => window.playground?.result?.ok === true, null, { timeout: 30_000 });
  } finally {
    await context.setOffline(false);
  }
});
