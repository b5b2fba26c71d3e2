// The playground page: file tree, editors, release options, live render in a worker,
// output views, errors at their lines, loading charts, sharing and download.
import "./style.css";
import { stringify as toYamlText } from "yaml";
import type { CapstanError, RenderRequest, RenderResult } from "../pkg/capstan_wasm.js";
import { FileEditor, OutputView } from "./editor";
import { readFileList, readDrop } from "./load";
import { SAMPLE_FILES, SAMPLE_USER_VALUES } from "./sample";
import {
  apiVersionList, DEFAULT_OPTIONS, decodeState, encodeState, type FileContent, type Options,
  parseSetLines, type State,
} from "./state";
import { renderTree } from "./tree";
import type { WorkerRequest, WorkerResponse } from "./worker";
import { lineOfPath } from "./yamlpath";

type View = "manifest" | "templates" | "notes" | "values";

interface Mark {
  line: number;
  column?: number | null;
  severity: "error" | "warning" | "info";
  message: string;
}

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

const state: State = {
  files: new Map(),
  values: [""],
  options: { ...DEFAULT_OPTIONS },
  open: "values:0",
};
let result: RenderResult | null = null;
let lastGood: RenderResult | null = null;
let computedValues: unknown = null;
let chartName = "";
let view: View = "manifest";
let selectedTemplate = "";
let marks = new Map<string, Mark[]>();
let renderCount = 0;

const editor = new FileEditor($("editor"), onEdit);
const output = new OutputView($("output"));

// ---- the render worker ----------------------------------------------------------------

const worker = new Worker(new URL("./worker.ts", import.meta.url), { type: "module" });
let nextId = 1;
let inFlight = false;
let pending = false;
let filesDirty = true;
let timer: ReturnType<typeof setTimeout> | undefined;

function request(): RenderRequest {
  const o = state.options;
  return {
    values: state.values,
    set: parseSetLines(o.sets),
    release: { name: o.releaseName, namespace: o.namespace, revision: o.revision, upgrade: o.upgrade },
    kubeVersion: o.kubeVersion.trim() || undefined,
    apiVersions: apiVersionList(o.apiVersions),
    includeCrds: o.includeCrds,
    skipTests: o.skipTests,
  };
}

function schedule(delay = 200): void {
  clearTimeout(timer);
  document.body.dataset.renderState = "pending";
  timer = setTimeout(send, delay);
}

function send(): void {
  if (inFlight) {
    pending = true;
    return;
  }
  inFlight = true;
  pending = false;
  document.body.dataset.renderState = "busy";
  const msg: WorkerRequest = { id: nextId++, request: request(), wantValues: view === "values" };
  if (filesDirty) {
    msg.files = state.files;
    filesDirty = false;
  }
  worker.postMessage(msg);
}

worker.onmessage = (ev: MessageEvent<WorkerResponse>) => {
  inFlight = false;
  const r = ev.data;
  renderCount++;
  chartName = r.chart?.name ?? chartName;
  $("chart-name").textContent = r.chart ? `${r.chart.name} ${r.chart.version}` : "";
  $("render-time").textContent = `${r.ms.toFixed(0)} ms`;
  if (r.loadError !== undefined) {
    result = null;
    showError({ stage: "load", message: r.loadError, locations: [], schema: [], index: null, line: null, column: null });
  } else if (r.result) {
    result = r.result;
    if (r.values) computedValues = r.values.ok ? r.values.values : null;
    if (r.result.ok) lastGood = r.result;
    showError(r.result.error);
  }
  document.body.dataset.renderState = result?.ok ? "ok" : "error";
  refreshOutput();
  if (pending) send();
};

// ---- errors at their lines ------------------------------------------------------------

type ShownError = Omit<CapstanError, "stage"> & { stage: CapstanError["stage"] | "load" };

/** Where a schema violation's values path is written: the last user values file that
 * has it (later files win), else the chart's values.yaml. */
function schemaTarget(chart: string, path: string): { file: string; line: number } | null {
  const pointer = chart && chart !== chartName ? `/${chart}${path}` : path;
  for (let i = state.values.length - 1; i >= 0; i--) {
    const line = lineOfPath(state.values[i], pointer);
    if (line !== null && pointer !== "") return { file: `values:${i}`, line };
  }
  const defaults = state.files.get(chart && chart !== chartName ? `charts/${chart}/values.yaml` : "values.yaml");
  if (typeof defaults === "string") {
    const line = lineOfPath(defaults, path);
    if (line !== null) return { file: chart && chart !== chartName ? `charts/${chart}/values.yaml` : "values.yaml", line };
  }
  return null;
}

function addMark(file: string, m: Mark): void {
  const list = marks.get(file) ?? [];
  list.push(m);
  marks.set(file, list);
}

function showError(e: ShownError | null): void {
  marks = new Map();
  const panel = $("error-panel");
  panel.replaceChildren();
  if (!e) {
    panel.hidden = true;
    applyMarks();
    renderSidebar();
    return;
  }
  panel.hidden = false;
  const stage = document.createElement("span");
  stage.className = "stage";
  stage.textContent = `${e.stage} error: `;
  panel.append(stage, e.message);
  const links: { label: string; file: string; line: number }[] = [];
  e.locations.forEach((loc, i) => {
    const last = i === e.locations.length - 1;
    const line = loc.line ?? 1;
    addMark(loc.file, {
      line,
      column: loc.column,
      severity: last ? "error" : "info",
      message: last ? e.message : `called from here (${loc.template}:${loc.line ?? "?"}${loc.column ? ":" + loc.column : ""})`,
    });
    links.push({ label: `${loc.file}${loc.line ? ":" + loc.line : ""}${loc.column ? ":" + loc.column : ""}`, file: loc.file, line });
  });
  if ((e.stage === "values" || e.stage === "set") && e.index !== null && e.stage === "values") {
    const file = `values:${e.index}`;
    addMark(file, { line: e.line ?? 1, column: e.column, severity: "error", message: e.message });
    links.push({ label: `values file ${e.index + 1}${e.line ? ":" + e.line : ""}`, file, line: e.line ?? 1 });
  }
  for (const v of e.schema) {
    const target = schemaTarget(v.chart, v.path);
    const text = `${v.chart}: at '${v.path}': ${v.message}`;
    if (target) {
      addMark(target.file, { line: target.line, severity: "error", message: `schema: ${text}` });
      links.push({ label: `${label(target.file)}:${target.line} (${v.path || "/"})`, file: target.file, line: target.line });
    }
  }
  if (links.length) panel.append(document.createElement("br"));
  for (const l of links) {
    const a = document.createElement("span");
    a.className = "where";
    a.textContent = l.label;
    a.onclick = () => openFile(l.file, l.line);
    panel.append(a);
  }
  applyMarks();
  renderSidebar();
}

function applyMarks(): void {
  editor.mark(marks.get(state.open) ?? []);
}

// ---- views ----------------------------------------------------------------------------

function refreshOutput(): void {
  const shown = result && (result.ok || Object.keys(result.templates).length) ? result : lastGood;
  const select = $<HTMLSelectElement>("template-select");
  select.hidden = view !== "templates";
  for (const b of document.querySelectorAll<HTMLButtonElement>("#output-tabs button")) {
    b.classList.toggle("active", b.dataset.view === view);
  }
  if (!shown) {
    output.show("");
    return;
  }
  switch (view) {
    case "manifest":
      output.show(shown.output || shown.manifest);
      break;
    case "notes":
      output.show(shown.notes, false);
      break;
    case "values":
      output.show(computedValues ? toYamlText(computedValues) : "# the coalesced values appear here once the values are valid\n");
      break;
    case "templates": {
      const names = Object.keys(shown.templates);
      if (select.options.length !== names.length || names.some((n, i) => select.options[i]?.value !== n)) {
        select.replaceChildren(...names.map((n) => new Option(n, n)));
      }
      if (!names.includes(selectedTemplate)) {
        selectedTemplate = names.find((n) => n.endsWith(`/${state.open}`)) ?? names[0] ?? "";
      }
      select.value = selectedTemplate;
      output.show(shown.templates[selectedTemplate] ?? "", !selectedTemplate.endsWith(".txt"));
      break;
    }
  }
}

for (const b of document.querySelectorAll<HTMLButtonElement>("#output-tabs button")) {
  b.onclick = () => {
    view = b.dataset.view as View;
    if (view === "values") schedule(0);
    refreshOutput();
  };
}
$<HTMLSelectElement>("template-select").onchange = (ev) => {
  selectedTemplate = (ev.target as HTMLSelectElement).value;
  refreshOutput();
};

// ---- files and the editor -------------------------------------------------------------

function label(file: string): string {
  if (file.startsWith("values:")) return `values-${Number(file.slice(7)) + 1}.yaml (-f)`;
  return file;
}

function renderSidebar(): void {
  renderTree($("tree"), [...state.files.keys()], state.files, state.open, marks, (p) => openFile(p));
  const list = $("values-list");
  list.replaceChildren();
  state.values.forEach((_, i) => {
    const key = `values:${i}`;
    const div = document.createElement("div");
    div.className = "file" + (state.open === key ? " active" : "") + (marks.has(key) ? " has-error" : "");
    div.textContent = label(key);
    div.dataset.path = key;
    div.onclick = () => openFile(key);
    if (state.values.length > 1) {
      const rm = document.createElement("button");
      rm.className = "remove";
      rm.textContent = "×";
      rm.title = "Remove this values file";
      rm.onclick = (ev) => {
        ev.stopPropagation();
        state.values.splice(i, 1);
        if (state.open.startsWith("values:")) state.open = "values:0";
        openFile(state.open);
        schedule(0);
      };
      div.append(rm);
    }
    list.append(div);
  });
}

function contentOf(path: string): FileContent | undefined {
  if (path.startsWith("values:")) return state.values[Number(path.slice(7))];
  return state.files.get(path);
}

function openFile(path: string, line?: number): void {
  const content = contentOf(path);
  if (content === undefined) return;
  state.open = path;
  $("editor-title").textContent = label(path);
  if (typeof content === "string") {
    editor.open(path, content);
  } else {
    editor.open("", `# binary file (${content.length} bytes): not editable here`, true);
  }
  applyMarks();
  renderSidebar();
  if (line) editor.goTo(line);
  const shown = result?.templates ?? lastGood?.templates ?? {};
  const match = Object.keys(shown).find((n) => n === `${chartName}/${path}`);
  if (match) selectedTemplate = match;
  if (view === "templates") refreshOutput();
}

function onEdit(text: string): void {
  const path = state.open;
  if (path.startsWith("values:")) {
    state.values[Number(path.slice(7))] = text;
  } else {
    state.files.set(path, text);
    filesDirty = true;
  }
  schedule();
}

/** Replaces the chart (and resets the user values). */
function loadChart(files: Map<string, FileContent>, userValues = [""]): void {
  state.files = files;
  state.values = userValues;
  filesDirty = true;
  lastGood = null;
  result = null;
  computedValues = null;
  selectedTemplate = "";
  const first = ["values.yaml", "templates/deployment.yaml"].find((p) => files.has(p)) ?? [...files.keys()][0];
  openFile(userValues.some((v) => v.trim()) ? "values:0" : first ?? "values:0");
  schedule(0);
}

function loadSample(): void {
  status("");
  loadChart(new Map(Object.entries(SAMPLE_FILES)), [SAMPLE_USER_VALUES]);
}

// ---- release options ------------------------------------------------------------------

const optionInputs: [keyof Options, string][] = [
  ["releaseName", "opt-name"], ["namespace", "opt-namespace"], ["revision", "opt-revision"],
  ["upgrade", "opt-upgrade"], ["kubeVersion", "opt-kube"], ["apiVersions", "opt-apis"],
  ["sets", "opt-sets"], ["includeCrds", "opt-crds"], ["skipTests", "opt-skip-tests"],
];

function showOptions(): void {
  for (const [key, id] of optionInputs) {
    const input = $<HTMLInputElement>(id);
    const v = state.options[key];
    if (typeof v === "boolean") input.checked = v;
    else input.value = String(v);
  }
}

for (const [key, id] of optionInputs) {
  const input = $<HTMLInputElement>(id);
  input.addEventListener(input.type === "checkbox" ? "change" : "input", () => {
    const o = state.options as unknown as Record<string, unknown>;
    if (input.type === "checkbox") o[key] = input.checked;
    else if (key === "revision") o[key] = Math.max(1, Number(input.value) || 1);
    else o[key] = input.value;
    schedule();
  });
}

// ---- loading charts -------------------------------------------------------------------

function status(text: string): void {
  $("status").textContent = text;
}

async function loadFrom(p: Promise<Map<string, FileContent>>): Promise<void> {
  try {
    const files = await p;
    if (!files.size) throw new Error("no files found");
    loadChart(files);
    status(`loaded ${files.size} files`);
  } catch (e) {
    status(`could not load: ${e instanceof Error ? e.message : e}`);
  }
}

$("btn-open-tgz").onclick = () => $("input-tgz").click();
$("btn-open-dir").onclick = () => $("input-dir").click();
$<HTMLInputElement>("input-tgz").onchange = (ev) => {
  const list = (ev.target as HTMLInputElement).files;
  if (list?.length) void loadFrom(readFileList(list));
};
$<HTMLInputElement>("input-dir").onchange = (ev) => {
  const list = (ev.target as HTMLInputElement).files;
  if (list?.length) void loadFrom(readFileList(list));
};
$("btn-sample").onclick = () => {
  history.replaceState(null, "", location.pathname + location.search);
  loadSample();
};
$("btn-add-values").onclick = () => {
  state.values.push("");
  openFile(`values:${state.values.length - 1}`);
  schedule(0);
};

let dragDepth = 0;
window.addEventListener("dragenter", (ev) => {
  ev.preventDefault();
  dragDepth++;
  $("drop-overlay").hidden = false;
});
window.addEventListener("dragleave", () => {
  dragDepth = Math.max(0, dragDepth - 1);
  if (!dragDepth) $("drop-overlay").hidden = true;
});
window.addEventListener("dragover", (ev) => ev.preventDefault());
window.addEventListener("drop", (ev) => {
  ev.preventDefault();
  dragDepth = 0;
  $("drop-overlay").hidden = true;
  if (ev.dataTransfer) void loadFrom(readDrop(ev.dataTransfer));
});

// ---- share and download ---------------------------------------------------------------

$("btn-share").onclick = async () => {
  const hash = await encodeState(state);
  history.replaceState(null, "", `#${hash}`);
  try {
    await navigator.clipboard.writeText(location.href);
    status(`link copied (${Math.round(location.href.length / 1024)} KB)`);
  } catch {
    status(`link in the address bar (${Math.round(location.href.length / 1024)} KB)`);
  }
};

$("btn-download").onclick = () => {
  const shown = result?.ok ? result : lastGood;
  if (!shown) return;
  const a = document.createElement("a");
  a.href = URL.createObjectURL(new Blob([shown.output], { type: "application/yaml" }));
  a.download = `${chartName || "manifest"}.yaml`;
  a.click();
  setTimeout(() => URL.revokeObjectURL(a.href), 1000);
};

// ---- start ----------------------------------------------------------------------------

declare global {
  interface Window {
    /** For tests and the console: the state and the latest render. */
    playground: {
      state: State;
      readonly result: RenderResult | null;
      readonly renderCount: number;
      openFile: (path: string, line?: number) => void;
      editor: FileEditor;
    };
  }
}

window.playground = {
  state,
  get result() {
    return result;
  },
  get renderCount() {
    return renderCount;
  },
  openFile,
  editor,
};

async function start(): Promise<void> {
  const shared = await decodeState(location.hash);
  if (shared) {
    Object.assign(state.options, shared.options);
    loadChart(shared.files, shared.values.length ? shared.values : [""]);
    openFile(shared.open);
  } else {
    loadSample();
  }
  showOptions();
  if (import.meta.env.PROD && "serviceWorker" in navigator) {
    navigator.serviceWorker.register(`${import.meta.env.BASE_URL}sw.js`).catch(() => undefined);
  }
}

void start();
