// The chart's file tree in the sidebar.
import type { FileContent } from "./state";

interface Dir {
  dirs: Map<string, Dir>;
  files: string[];
}

function build(paths: string[]): Dir {
  const root: Dir = { dirs: new Map(), files: [] };
  for (const p of [...paths].sort()) {
    const parts = p.split("/");
    let d = root;
    for (const part of parts.slice(0, -1)) {
      let next = d.dirs.get(part);
      if (!next) {
        next = { dirs: new Map(), files: [] };
        d.dirs.set(part, next);
      }
      d = next;
    }
    d.files.push(p);
  }
  return root;
}

/** Draws the tree; folders stay open unless they are dependencies under `charts/`. */
export function renderTree(
  into: HTMLElement,
  paths: string[],
  files: Map<string, FileContent>,
  active: string,
  marked: Map<string, unknown>,
  onOpen: (path: string) => void,
): void {
  const draw = (d: Dir, prefix: string, parent: HTMLElement) => {
    for (const [name, sub] of [...d.dirs].sort(([a], [b]) => a.localeCompare(b))) {
      const path = prefix + name;
      const details = document.createElement("details");
      const hasMark = [...marked.keys()].some((k) => k.startsWith(path + "/"));
      details.open = !path.startsWith("charts/") || hasMark || active.startsWith(path + "/");
      const summary = document.createElement("summary");
      summary.textContent = name + "/";
      details.append(summary);
      draw(sub, path + "/", details);
      parent.append(details);
    }
    for (const path of d.files) {
      const div = document.createElement("div");
      const binary = typeof files.get(path) !== "string";
      div.className =
        "file" + (path === active ? " active" : "") + (binary ? " binary" : "") + (marked.has(path) ? " has-error" : "");
      div.textContent = path.slice(prefix.length);
      div.title = path;
      div.dataset.path = path;
      div.onclick = () => onOpen(path);
      parent.append(div);
    }
  };
  const frag = document.createDocumentFragment() as unknown as HTMLElement;
  draw(build(paths), "", frag);
  into.replaceChildren(frag);
}
