// Turning what the user gives (a dropped or picked .tgz, a folder, loose files) into the
// chart's file map, paths relative to the chart root.
import { asContent, type FileContent } from "./state";
import { readChartArchive } from "./tar";

const isArchive = (name: string) => /\.(tgz|tar\.gz)$/i.test(name);

/** When every path sits in one top folder and Chart.yaml is not at the root, drops it. */
export function chartRoot(files: Map<string, Uint8Array>): Map<string, Uint8Array> {
  if (files.has("Chart.yaml")) return files;
  const tops = new Set([...files.keys()].map((p) => p.split("/")[0]));
  if (tops.size !== 1) return files;
  const [top] = tops;
  if (!files.has(`${top}/Chart.yaml`)) return files;
  const out = new Map<string, Uint8Array>();
  for (const [p, d] of files) out.set(p.slice(top.length + 1), d);
  return out;
}

function contents(files: Map<string, Uint8Array>): Map<string, FileContent> {
  const out = new Map<string, FileContent>();
  for (const [p, d] of chartRoot(files)) out.set(p, asContent(p, d));
  return out;
}

async function bytesOf(f: File): Promise<Uint8Array> {
  return new Uint8Array(await f.arrayBuffer());
}

/** Files from an `<input type=file>` (an archive, or a folder picked with webkitdirectory). */
export async function readFileList(list: FileList | File[]): Promise<Map<string, FileContent>> {
  const all = [...list];
  if (all.length === 1 && isArchive(all[0].name)) return contents(await readChartArchive(await bytesOf(all[0])));
  const files = new Map<string, Uint8Array>();
  for (const f of all) files.set(f.webkitRelativePath || f.name, await bytesOf(f));
  return contents(files);
}

function entryFile(e: FileSystemFileEntry): Promise<File> {
  return new Promise((resolve, reject) => e.file(resolve, reject));
}

function readEntries(r: FileSystemDirectoryReader): Promise<FileSystemEntry[]> {
  return new Promise((resolve, reject) => r.readEntries(resolve, reject));
}

async function walk(entry: FileSystemEntry, prefix: string, out: Map<string, Uint8Array>): Promise<void> {
  const path = prefix + entry.name;
  if (entry.isFile) {
    out.set(path, await bytesOf(await entryFile(entry as FileSystemFileEntry)));
  } else if (entry.isDirectory) {
    const reader = (entry as FileSystemDirectoryEntry).createReader();
    for (;;) {
      const batch = await readEntries(reader);
      if (!batch.length) break;
      for (const e of batch) await walk(e, path + "/", out);
    }
  }
}

/** Files from a drop: one archive, or folders and files. */
export async function readDrop(dt: DataTransfer): Promise<Map<string, FileContent>> {
  const entries = [...dt.items]
    .map((i) => (i.kind === "file" && typeof i.webkitGetAsEntry === "function" ? i.webkitGetAsEntry() : null))
    .filter((e): e is FileSystemEntry => e !== null);
  const plain = [...dt.files];
  if (plain.length === 1 && isArchive(plain[0].name)) {
    return contents(await readChartArchive(await bytesOf(plain[0])));
  }
  if (!entries.length) return readFileList(plain);
  const files = new Map<string, Uint8Array>();
  for (const e of entries) await walk(e, "", files);
  return contents(files);
}
