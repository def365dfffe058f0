// runTraining through the real Worker: results and progress come back across
// the thread boundary, failures come back as values, and the worker never
// outlives the call.

import { afterEach, beforeEach, expect, test } from "bun:test";
import { AppError } from "../../src/errors.ts";
import type { TrainProgress, TrainRequest } from "../../src/training/protocol.ts";
import { runTraining } from "../../src/training/run-training.ts";
import { mixedDataset, splitAt } from "./fixtures.ts";

const request = (params?: TrainRequest["options"]["params"]): TrainRequest => ({
  dataset: mixedDataset(600, "binary"),
  split: splitAt(600),
  options: { algorithm: "linear", modelName: "weather", runId: "run-w", params },
});

/** Records every Worker the code under test starts, and whether it has closed. */
const RealWorker = globalThis.Worker;
let started: { closed: boolean }[] = [];
beforeEach(() => {
  started = [];
  globalThis.Worker = class extends RealWorker {
    constructor(url: string | URL, options?: Bun.WorkerOptions) {
      super(url, options);
      const record = { closed: false };
      started.push(record);
      this.addEventListener("close", () => {
        record.closed = true;
      });
    }
  } as typeof Worker;
});
afterEach(() => {
  globalThis.Worker = RealWorker;
});

test("a run in the worker returns the result and streams progress", async () => {
  const events: TrainProgress[] = [];
  const req = request();
  const outcome = await runTraining(req, { onProgress: (p) => events.push(p) });
  if (!outcome.ok) throw outcome.error;
  expect(outcome.value.onnx).toBeInstanceOf(Uint8Array);
  expect(outcome.value.onnx.byteLength).toBeGreaterThan(100);
  expect(outcome.value.parityMaxAbsDiff).toBeLessThanOrEqual(1e-5);
  expect(events.some((e) => e.stage === "fit" && typeof e.loss === "number")).toBe(true);
  expect(events.at(-1)!.stage).toBe("verify");
  // The caller's dataset is still intact: only copies crossed the boundary.
  expect(req.split.train.length).toBe(450);
  expect(
    req.dataset.features[0]!.type === "numeric" && req.dataset.features[0]!.values.length,
  ).toBe(600);
  expect(started).toEqual([{ closed: true }]);
});

/** The code and message of a failed run; fails the test when the run succeeded. */
function failure(outcome: Awaited<ReturnType<typeof runTraining>>) {
  if (outcome.ok) throw new Error("expected the training to fail");
  expect(outcome.error).toBeInstanceOf(AppError);
  return { code: outcome.error.code as string, message: outcome.error.message };
}

test("a request that makes training throw comes back as an error and the worker is gone", async () => {
  // A bad parameter keeps its code across the Worker boundary: it is the input's fault.
  expect(failure(await runTraining(request({ C: 0 })))).toEqual({
    code: "INVALID_INPUT",
    message: "Parameter C must be a number > 0, got 0",
  });
  expect(started).toEqual([{ closed: true }]);
});

test("a run that exceeds its timeout fails and the worker is gone", async () => {
  expect(failure(await runTraining(request(), { timeoutMs: 1 }))).toEqual({
    code: "TRAINING_FAILED",
    message: "Training timed out after 1 ms",
  });
  expect(started).toEqual([{ closed: true }]);
});

test("aborting a run fails it; an already aborted signal starts no worker", async () => {
  const controller = new AbortController();
  const pending = runTraining(request(), { signal: controller.signal });
  controller.abort();
  const aborted = { code: "TRAINING_FAILED", message: "Training was aborted" };
  expect(failure(await pending)).toEqual(aborted);
  expect(started).toEqual([{ closed: true }]);
  expect(failure(await runTraining(request(), { signal: controller.signal }))).toEqual(aborted);
  expect(started).toHaveLength(1);
});

test("a throwing progress observer does not break the run", async () => {
  const outcome = await runTraining(request(), {
    onProgress: () => {
      throw new Error("observer bug");
    },
  });
  expect(outcome.ok).toBe(true);
});
