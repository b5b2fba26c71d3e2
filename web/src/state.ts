// The playground's state (chart files, user values, --set expressions, release options)
// and its encoding as a shareable URL hash (deflate-raw, base64url).
import type { SetExpression } from "../pkg/capstan_wasm.js";

export type FileContent = string | Uint8Array;

export interface Options {
  releaseName: string;
  namespace: string;
  revision: number;
  upgrade: boolean;
  kubeVersion: string;
  /** `--api-versions`, one per line or comma-separated. */
  apiVersions: string;
  /** `--set` lines, e.g. `--set image.tag=1.2` or `--set-string a=b`. */
  sets: string;
  includeCrds: boolean;
  skipTests: boolean;
}

export interface State {
  files: Map<string, FileContent>;
  /** User values files (`-f`), in order. */
  values: string[];
  options: Options;
  /** The file open in the editor (a chart path, or `values:N` for a user values file). */
  open: string;
}

export const DEFAULT_OPTIONS: Options = {
  releaseName: "release-name",
  namespace: "default",
  revision: 1,
  upgrade: false,
  kubeVersion: "",
  apiVersions: "",
  sets: "",
  includeCrds: false,
  skipTests: false,
};

const SET_LINE = /^\s*(?:--)?(set|set-string|set-json|set-literal)(?:\s+|=)(.*)$/;

/** `--set` lines as expressions (a bare `a=b` line is `--set a=b`). */
export function parseSetLines(text: string): SetExpression[] {
  const out: SetExpression[] = [];
  for (const line of text.split("\n")) {
    if (!line.trim() || line.trim().startsWith("#")) continue;
    const m = SET_LINE.exec(line);
    if (m) out.push({ kind: m[1] as SetExpression["kind"], expr: m[2].trim() });
    else out.push({ kind: "set", expr: line.trim() });
  }
  return out;
}

export function apiVersionList(text: string): string[] {
  return text.split(/[\s,]+/).filter((s) => s.length > 0);
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

/** Text when the bytes are UTF-8 (and not an archive), else the bytes. */
export function asContent(name: string, bytes: Uint8Array): FileContent {
  if (/\.(tgz|tar\.gz|gz|png|jpg|jpeg|gif|ico)$/i.test(name)) return bytes;
  try {
    return utf8.decode(bytes);
  } catch {
    return bytes;
  }
}

function toBase64(bytes: Uint8Array): string {
  let s = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(s);
}

function fromBase64(s: string): Uint8Array {
  const bin = atob(s);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

async function pipe(bytes: Uint8Array, t: CompressionStream | DecompressionStream): Promise<Uint8Array> {
  const stream = new Blob([bytes as BlobPart]).stream().pipeThrough(t);
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

interface Shared {
  v: 1;
  files: Record<string, string | { b64: string }>;
  values: string[];
  options: Options;
  open: string;
}

/** The state as a URL hash fragment (without `#`). */
export async function encodeState(state: State): Promise<string> {
  const files: Shared["files"] = {};
  for (const [k, v] of state.files) files[k] = typeof v === "string" ? v : { b64: toBase64(v) };
  const shared: Shared = { v: 1, files, values: state.values, options: state.options, open: state.open };
  const packed = await pipe(new TextEncoder().encode(JSON.stringify(shared)), new CompressionStream("deflate-raw"));
  return "s=" + toBase64(packed).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/** A state from a hash made by [`encodeState`], or null when the hash holds none. */
export async function decodeState(hash: string): Promise<State | null> {
  const m = /^#?s=([A-Za-z0-9_-]+)$/.exec(hash);
  if (!m) return null;
  try {
    const b64 = m[1].replace(/-/g, "+").replace(/_/g, "/");
    const json = new TextDecoder().decode(await pipe(fromBase64(b64 + "===".slice((b64.length + 3) % 4)), new DecompressionStream("deflate-raw")));
    const shared = JSON.parse(json) as Shared;
    if (shared.v !== 1) return null;
    const files = new Map<string, FileContent>();
    for (const [k, v] of Object.entries(shared.files)) files.set(k, typeof v === "string" ? v : fromBase64(v.b64));
    return {
      files,
      values: Array.isArray(shared.values) ? shared.values : [""],
      options: { ...DEFAULT_OPTIONS, ...shared.options },
      open: shared.open ?? "values:0",
    };
  } catch {
    return null;
  }
}
