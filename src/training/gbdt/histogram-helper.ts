// A second core for the large histograms: a Worker sums the later half of the
// features of every node with at least PARALLEL_MIN_ROWS rows while the
// calling thread sums the first half. Everything it reads (bins, row order,
// gradients) lives in SharedArrayBuffers written by the caller; requests and
// replies are Atomics on a control word, so one costs a futex wake-up (tens of
// microseconds) instead of a message round trip.

import { BINS_PER_FEATURE, type HistogramHelper, SLOT } from "./histogram.ts";

export const CONTROL = { ready: 0, sequence: 1, done: 2, start: 3, end: 4, from: 5 } as const;

export interface HelperSetup {
  control: SharedArrayBuffer;
  /** Feature-major bins: feature f's column is bytes [f·rows, (f+1)·rows). */
  bins: SharedArrayBuffer;
  rowOrder: SharedArrayBuffer;
  grad: SharedArrayBuffer;
  hess: SharedArrayBuffer;
  out: SharedArrayBuffer;
  features: number;
  rows: number;
}

/** The arrays a fit shares with its helper. */
export interface SharedFitArrays {
  bins: SharedArrayBuffer;
  rowOrder: SharedArrayBuffer;
  grad: SharedArrayBuffer;
  hess: SharedArrayBuffer;
  features: number;
  rows: number;
}

const READY_TIMEOUT_MS = 5000;
/** A node's half-histogram takes milliseconds; this long means the helper is gone. */
const ANSWER_TIMEOUT_MS = 10_000;
const SLOT_DOUBLES = BINS_PER_FEATURE * SLOT;
/** Waiting longer than this share of its own work means the caller should take a feature more. */
const BALANCE_SLACK = 0.1;
/** A wait this short means the helper was done first: it can take a feature more. */
const IDLE_WAIT_MS = 0.02;

export interface RunningHelper extends HistogramHelper {
  close(): void;
}

/** Starts the helper; undefined when a Worker cannot start here (the fit then uses one core). */
export function startHistogramHelper(shared: SharedFitArrays): RunningHelper | undefined {
  const control = new Int32Array(new SharedArrayBuffer(8 * 4));
  const out = new Float64Array(new SharedArrayBuffer(shared.features * SLOT_DOUBLES * 8));
  let worker: Worker;
  try {
    worker = new Worker(helperEntry());
  } catch {
    return undefined;
  }
  const setup: HelperSetup = {
    ...shared,
    control: control.buffer as SharedArrayBuffer,
    out: out.buffer as SharedArrayBuffer,
  };
  worker.unref();
  worker.postMessage(setup);
  if (Atomics.wait(control, CONTROL.ready, 0, READY_TIMEOUT_MS) === "timed-out") {
    worker.terminate();
    return undefined;
  }
  let sequence = 0;
  let requestedAt = 0;
  const helper: RunningHelper = {
    from: Math.ceil(shared.features / 2),
    alive: true,
    request(start, end) {
      requestedAt = performance.now();
      control[CONTROL.start] = start;
      control[CONTROL.end] = end;
      control[CONTROL.from] = helper.from;
      Atomics.store(control, CONTROL.sequence, ++sequence);
      Atomics.notify(control, CONTROL.sequence);
    },
    collect(sums) {
      const waitFrom = performance.now();
      const deadline = waitFrom + ANSWER_TIMEOUT_MS;
      while (Atomics.load(control, CONTROL.done) !== sequence) {
        const left = deadline - performance.now();
        if (left <= 0) {
          helper.close();
          return false;
        }
        Atomics.wait(control, CONTROL.done, sequence - 1, left);
      }
      const begin = helper.from * SLOT_DOUBLES;
      sums.set(out.subarray(begin, shared.features * SLOT_DOUBLES), begin);
      rebalance(waitFrom - requestedAt, performance.now() - waitFrom);
      return true;
    },
    close() {
      helper.alive = false;
      Atomics.store(control, CONTROL.sequence, -1);
      Atomics.notify(control, CONTROL.sequence);
      worker.terminate();
    },
  };
  /**
   * The two threads rarely run at the same speed (the helper's JIT warms up
   * later, and the runtime's own threads share the cores), so the split moves
   * by one feature after every request: toward the caller when it waited for
   * the helper, toward the helper when the helper was already done.
   */
  const rebalance = (ownMs: number, waitedMs: number) => {
    if (waitedMs > ownMs * BALANCE_SLACK && helper.from < shared.features - 1) helper.from++;
    else if (waitedMs < IDLE_WAIT_MS && helper.from > 1) helper.from--;
  };
  return helper;
}

function helperEntry(): string | URL {
  const compiled = import.meta.path.startsWith("/$bunfs/");
  return compiled
    ? "./training/gbdt/histogram-worker.ts"
    : new URL("./histogram-worker.ts", import.meta.url);
}
