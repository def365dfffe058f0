// Main-thread side of training: runs one request in a fresh Worker and turns
// whatever happens (result, error, crash, exit, abort, timeout) into a Result.
// The worker is always terminated, and the promise settles only once it is gone.

import type { Dataset, FeatureColumn, Split } from "../data/dataset.ts";
import { AppError, type ErrorCode, errorMessage, type Result } from "../errors.ts";
import type { TrainProgress, TrainRequest, TrainResult, WorkerMessageOut } from "./protocol.ts";

export interface RunTrainingOptions {
  onProgress?: (progress: TrainProgress) => void;
  signal?: AbortSignal;
  /** Fail the run when it takes longer than this; no limit when absent. */
  timeoutMs?: number;
}

/** How long to wait for a terminated worker's close event before settling anyway. */
const CLOSE_GRACE_MS = 2_000;

type Buffers = ArrayBuffer[];

/** Own-buffer copy of a typed array, its buffer queued for transfer. */
function copy<T extends Float64Array | Int32Array | Uint32Array | Uint8Array>(
  a: T,
  out: Buffers,
): T {
  const c = a.slice() as T;
  out.push(c.buffer as ArrayBuffer);
  return c;
}

function copyColumn(f: FeatureColumn, out: Buffers): FeatureColumn {
  if (f.type === "numeric") return { ...f, values: copy(f.values, out) };
  if (f.type === "datetime") return { ...f, values: copy(f.values, out) };
  // Strings cannot be transferred; postMessage copies them.
  if (f.type === "text") return f;
  return { ...f, codes: copy(f.codes, out), vocabulary: [...f.vocabulary] };
}

function copyDataset(d: Dataset, out: Buffers): Dataset {
  const t = d.target;
  const target =
    t.task === "classification"
      ? { ...t, codes: copy(t.codes, out), classes: [...t.classes] }
      : { ...t, values: copy(t.values, out) };
  return { rows: d.rows, features: d.features.map((f) => copyColumn(f, out)), target };
}

/** A copy of the request whose typed arrays can be transferred; the caller keeps its own. */
function transferableRequest(request: TrainRequest): { request: TrainRequest; transfer: Buffers } {
  const transfer: Buffers = [];
  const split: Split = {
    train: copy(request.split.train, transfer),
    test: copy(request.split.test, transfer),
  };
  const copied: TrainRequest = {
    dataset: copyDataset(request.dataset, transfer),
    split,
    options: structuredClone(request.options),
  };
  if (request.champion) copied.champion = copy(request.champion, transfer);
  return { request: copied, transfer };
}

/**
 * The worker script: beside this file from source; in the single binary every
 * module shares the executable's URL, and scripts/build.ts embeds the worker
 * at training/worker.ts under the bundle's root (src/).
 */
function workerEntry(): string | URL {
  const compiled = import.meta.path.startsWith("/$bunfs/");
  return compiled ? "./training/worker.ts" : new URL("./worker.ts", import.meta.url);
}

/** Terminates the worker and resolves once it has closed (or the grace period ran out). */
function stop(worker: Worker): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, CLOSE_GRACE_MS);
    worker.addEventListener("close", () => {
      clearTimeout(timer);
      resolve();
    });
    worker.terminate();
  });
}

/**
 * A failed training: the worker's AppError code when the data or the
 * parameters were at fault, TRAINING_FAILED for anything else.
 */
const failed = (message: string, code: ErrorCode = "TRAINING_FAILED") => ({
  ok: false as const,
  error: new AppError(code, message),
});

/** Trains in a Worker. Never rejects: every failure comes back as `{ ok: false, error }`. */
export function runTraining(
  request: TrainRequest,
  options: RunTrainingOptions = {},
): Promise<Result<TrainResult>> {
  const { onProgress, signal, timeoutMs } = options;
  if (signal?.aborted) return Promise.resolve(failed("Training was aborted"));
  let message: { request: TrainRequest; transfer: Buffers };
  try {
    message = transferableRequest(request);
  } catch (error) {
    return Promise.resolve(failed(`Invalid training request: ${errorMessage(error)}`));
  }
  let worker: Worker;
  try {
    worker = new Worker(workerEntry());
  } catch (error) {
    return Promise.resolve(failed(`Could not start the training worker: ${errorMessage(error)}`));
  }
  return new Promise((resolve) => {
    let settled = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const finish = (outcome: Result<TrainResult>) => {
      if (settled) return;
      settled = true;
      if (timer) clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
      stop(worker).then(() => resolve(outcome));
    };
    const fail = (error: string, code?: ErrorCode) => finish(failed(error, code));
    const onAbort = () => fail("Training was aborted");
    signal?.addEventListener("abort", onAbort, { once: true });
    if (timeoutMs !== undefined) {
      timer = setTimeout(() => fail(`Training timed out after ${timeoutMs} ms`), timeoutMs);
    }
    worker.addEventListener("message", (event: MessageEvent<WorkerMessageOut>) => {
      const data = event.data;
      if (data.type === "progress") {
        try {
          onProgress?.(data.progress);
        } catch {
          // A failing observer must not break the run.
        }
      } else if (data.type === "result") finish({ ok: true, value: data.result });
      else fail(data.message, data.code);
    });
    worker.addEventListener("error", (event: ErrorEvent) =>
      fail(`Training worker crashed: ${event.message || "unknown error"}`),
    );
    worker.addEventListener("messageerror", () =>
      fail("Training worker sent an unreadable message"),
    );
    worker.addEventListener("close", (event: CloseEvent) =>
      fail(`Training worker exited before reporting a result (code ${event.code})`),
    );
    try {
      worker.postMessage({ type: "train", request: message.request }, message.transfer);
    } catch (error) {
      fail(`Could not send the request to the training worker: ${errorMessage(error)}`);
    }
  });
}
