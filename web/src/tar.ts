// Reading a `.tgz` into a file map in the browser: gunzip with DecompressionStream, then
// a small tar reader (ustar, GNU long names, pax paths). Size limits and path checks are
// the core's job when the chart is loaded; this only lists entries for the editor.

export type FileMap = Map<string, Uint8Array>;

export async function gunzip(bytes: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([bytes as BlobPart]).stream().pipeThrough(new DecompressionStream("gzip"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

const decoder = new TextDecoder();

function field(block: Uint8Array, start: number, len: number): string {
  const raw = block.subarray(start, start + len);
  const nul = raw.indexOf(0);
  return decoder.decode(nul < 0 ? raw : raw.subarray(0, nul));
}

function octal(block: Uint8Array, start: number, len: number): number {
  const s = field(block, start, len).trim();
  return s ? parseInt(s, 8) : 0;
}

function paxPath(data: Uint8Array): string | null {
  const text = decoder.decode(data);
  let i = 0;
  while (i < text.length) {
    const sp = text.indexOf(" ", i);
    if (sp < 0) break;
    const len = parseInt(text.slice(i, sp), 10);
    if (!(len > 0)) break;
    const record = text.slice(sp + 1, i + len - 1);
    const eq = record.indexOf("=");
    if (eq > 0 && record.slice(0, eq) === "path") return record.slice(eq + 1);
    i += len;
  }
  return null;
}

/** Regular files of a tar archive, by their path inside it. */
export function untar(tar: Uint8Array): FileMap {
  const out: FileMap = new Map();
  let offset = 0;
  let longName: string | null = null;
  while (offset + 512 <= tar.length) {
    const header = tar.subarray(offset, offset + 512);
    if (header.every((b) => b === 0)) break;
    const size = octal(header, 124, 12);
    const type = String.fromCharCode(header[156] || 48);
    const data = tar.subarray(offset + 512, offset + 512 + size);
    offset += 512 + Math.ceil(size / 512) * 512;
    if (type === "L") {
      longName = field(data, 0, data.length);
      continue;
    }
    if (type === "x") {
      longName = paxPath(data) ?? longName;
      continue;
    }
    if (type === "g") continue;
    let name = field(header, 0, 100);
    const prefix = field(header, 345, 155);
    if (prefix && field(header, 257, 6).startsWith("ustar")) name = `${prefix}/${name}`;
    if (longName !== null) {
      name = longName;
      longName = null;
    }
    if (type === "0" || type === "\0" || type === "7") out.set(name, data.slice());
  }
  return out;
}

/** Drops the first path component (the chart directory every archive starts with). */
export function stripTopDir(files: FileMap): FileMap {
  const out: FileMap = new Map();
  for (const [name, data] of files) {
    const clean = name.replace(/^\.\//, "");
    const slash = clean.indexOf("/");
    if (slash < 0) continue;
    out.set(clean.slice(slash + 1), data);
  }
  return out;
}

/** A chart archive's files, relative to the chart root. */
export async function readChartArchive(bytes: Uint8Array): Promise<FileMap> {
  return stripTopDir(untar(await gunzip(bytes)));
}
