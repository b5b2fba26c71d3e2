// The render worker: holds the WebAssembly module and the loaded chart, renders on
// request, so typing never waits for a render.
import init, { Chart, type ChartMetadata, type RenderRequest, type RenderResult, type ValuesResult } from "../pkg/capstan_wasm.js";
import wasmUrl from "../pkg/capstan_wasm_bg.wasm?url";

export interface WorkerRequest {
  id: number;
  /** The chart's files, when they changed since the last request. */
  files?: Map<string, string | Uint8Array>;
  request: RenderRequest;
  /** Also compute the coalesced values. */
  wantValues?: boolean;
}

export interface WorkerResponse {
  id: number;
  /** A chart that could not be loaded. */
  loadError?: string;
  chart?: ChartMetadata;
  result?: RenderResult;
  values?: ValuesResult;
  /** Render time in milliseconds. */
  ms: number;
}

const ready = init({ module_or_path: wasmUrl });
let chart: Chart | null = null;
let loadError: string | null = "no chart loaded";
let metadata: ChartMetadata | undefined;

self.onmessage = async (ev: MessageEvent<WorkerRequest>) => {
  await ready;
  const { id, files, request, wantValues } = ev.data;
  const start = performance.now();
  if (files) {
    chart?.free();
    chart = null;
    metadata = undefined;
    try {
      chart = Chart.fromFiles(files);
      metadata = chart.metadata();
      loadError = null;
    } catch (e) {
      loadError = e instanceof Error ? e.message : String(e);
    }
  }
  const response: WorkerResponse = { id, ms: 0 };
  if (!chart) {
    response.loadError = loadError ?? "no chart loaded";
  } else {
    response.chart = metadata;
    response.result = chart.render(request);
    if (wantValues) response.values = chart.computeValues(request);
  }
  response.ms = performance.now() - start;
  (self as unknown as Worker).postMessage(response);
};
