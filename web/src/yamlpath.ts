// Finds where a values path (a JSON pointer such as `/image/tag`) is written in a YAML
// text, to put a schema error at its line.
import { isMap, isSeq, parseDocument, type Node } from "yaml";

function unescape(token: string): string {
  return token.replace(/~1/g, "/").replace(/~0/g, "~");
}

/**
 * The 1-based line of the deepest node of `pointer` present in `text` (the key's line for
 * a map entry), or null when not even the first step is there.
 */
export function lineOfPath(text: string, pointer: string): number | null {
  let doc;
  try {
    doc = parseDocument(text);
  } catch {
    return null;
  }
  const steps = pointer.split("/").slice(1).map(unescape);
  let node: Node | null = doc.contents as Node | null;
  let offset: number | null = null;
  for (const step of steps) {
    if (isMap(node)) {
      const pair = node.items.find((p) => {
        const k = p.key as { value?: unknown } | null;
        return k !== null && typeof k === "object" && String(k.value) === step;
      });
      if (!pair) break;
      const key = pair.key as Node;
      offset = key.range ? key.range[0] : offset;
      node = pair.value as Node | null;
    } else if (isSeq(node)) {
      const item = node.items[Number(step)] as Node | undefined;
      if (!item) break;
      offset = item.range ? item.range[0] : offset;
      node = item;
    } else {
      break;
    }
  }
  if (offset === null) return null;
  return text.slice(0, offset).split("\n").length;
}
