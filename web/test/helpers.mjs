// Shared by the web tests: where things are, the WebAssembly module for Node, a chart
// directory as a file map, and a static server for the built playground.
import { readFileSync, readdirSync, statSync, existsSync, createReadStream } from "node:fs";
import { createServer } from "node:http";
import { dirname, extname, join, normalize, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const WEB = resolve(dirname(fileURLToPath(import.meta.url)), "..");
export const REPO = resolve(WEB, "..");
export const CORPUS = resolve(process.env.CAPSTAN_CONFORMANCE ?? join(REPO, "..", "shared", "conformance"));
export const RESULTS = join(WEB, "test-results");

let wasm;
/** The wasm-bindgen module from web/pkg, initialised synchronously. */
export async function loadWasm() {
  if (!wasm) {
    wasm = await import(join(WEB, "pkg", "capstan_wasm.js"));
    wasm.initSync({ module: readFileSync(join(WEB, "pkg", "capstan_wasm_bg.wasm")) });
  }
  return wasm;
}

/** Every regular file under `root`, by its `/`-separated path relative to `root`. */
export function readTree(root) {
  const out = new Map();
  const walk = (dir, prefix) => {
    for (const name of readdirSync(dir)) {
      const full = join(dir, name);
      const st = statSync(full);
      if (st.isDirectory()) walk(full, `${prefix}${name}/`);
      else if (st.isFile()) out.set(`${prefix}${name}`, new Uint8Array(readFileSync(full)));
    }
  };
  walk(root, "");
  return out;
}

/** Splits a manifest into `# Source:` blocks: [path, text]. */
export function sourceBlocks(manifest) {
  return manifest
    .split("---\n# Source: ")
    .filter((d) => d.length > 0)
    .map((d) => [d.split("\n")[0], d]);
}

/** Manifests equal byte for byte, or block by block outside nondeterministic templates. */
export function sameManifest(want, got, nondeterministic = []) {
  if (!nondeterministic.length) return want === got;
  const keep = (m) => sourceBlocks(m).filter(([s]) => !nondeterministic.includes(s));
  const w = keep(want);
  const g = keep(got);
  return w.length === g.length && w.every(([, t], i) => t === g[i][1]);
}

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".wasm": "application/wasm",
  ".json": "application/json",
  ".svg": "image/svg+xml",
};

/** Serves `root` on 127.0.0.1 (a free port); resolves to { url, close }. */
export function serveStatic(root) {
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname);
    let file = normalize(join(root, path));
    if (!file.startsWith(root)) {
      res.writeHead(403).end();
      return;
    }
    if (existsSync(file) && statSync(file).isDirectory()) file = join(file, "index.html");
    if (!existsSync(file)) {
      res.writeHead(404).end("not found");
      return;
    }
    res.writeHead(200, { "content-type": TYPES[extname(file)] ?? "application/octet-stream" });
    createReadStream(file).pipe(res);
  });
  return new Promise((ok) => {
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      ok({ url: `http://127.0.0.1:${port}/`, close: () => new Promise((done) => server.close(done)) });
    });
  });
}
