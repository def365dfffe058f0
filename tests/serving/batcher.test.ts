// The batcher: concurrent submits share one run and each caller gets back its
// own slice, in order.

import { describe, expect, test } from "bun:test";
import { type BatchShape, createBatcher } from "../../src/serving/batcher.ts";

/** Inputs and outputs as arrays of rows: joined end to end, split by position. */
const arrays: BatchShape<number[], number[]> = {
  rows: (input) => input.length,
  concat: (inputs) => inputs.flat(),
  slice: (output, offset, count) => output.slice(offset, offset + count),
};

/** A runner that records every call and answers each row with row * 10. */
function recordingRunner() {
  const calls: number[][] = [];
  const run = async (rows: number[]) => {
    calls.push(rows);
    return rows.map((row) => row * 10);
  };
  return { calls, run };
}

describe("createBatcher", () => {
  test("concurrent submits run together and each caller gets its own results in order", async () => {
    const { calls, run } = recordingRunner();
    const batcher = createBatcher(run, arrays, { maxRows: 100 });
    const results = await Promise.all([
      batcher.submit([1, 2]),
      batcher.submit([3]),
      batcher.submit([4, 5, 6]),
    ]);
    expect(calls).toEqual([[1, 2, 3, 4, 5, 6]]);
    expect(results).toEqual([[10, 20], [30], [40, 50, 60]]);
  });

  test("submits in different event-loop turns run separately", async () => {
    const { calls, run } = recordingRunner();
    const batcher = createBatcher(run, arrays, { maxRows: 100 });
    expect(await batcher.submit([1])).toEqual([10]);
    expect(await batcher.submit([2])).toEqual([20]);
    expect(calls).toEqual([[1], [2]]);
  });

  test("a failing run rejects every caller in it", async () => {
    const failure = new Error("session exploded");
    const batcher = createBatcher<number[], number[]>(
      async () => {
        throw failure;
      },
      arrays,
      { maxRows: 100 },
    );
    const outcomes = await Promise.allSettled([batcher.submit([1]), batcher.submit([2, 3])]);
    expect(outcomes).toEqual([
      { status: "rejected", reason: failure },
      { status: "rejected", reason: failure },
    ]);
  });

  test("a batch never grows past maxRows: the queue is flushed first", async () => {
    const { calls, run } = recordingRunner();
    const batcher = createBatcher(run, arrays, { maxRows: 4 });
    const results = await Promise.all([
      batcher.submit([1, 2]),
      batcher.submit([3]),
      batcher.submit([4, 5]),
    ]);
    expect(calls).toEqual([
      [1, 2, 3],
      [4, 5],
    ]);
    expect(results).toEqual([[10, 20], [30], [40, 50]]);
  });

  test("a submit of maxRows or more runs on its own", async () => {
    const { calls, run } = recordingRunner();
    const batcher = createBatcher(run, arrays, { maxRows: 3 });
    const results = await Promise.all([batcher.submit([1]), batcher.submit([2, 3, 4, 5])]);
    expect(calls.toSorted((a, b) => a.length - b.length)).toEqual([[1], [2, 3, 4, 5]]);
    expect(results).toEqual([[10], [20, 30, 40, 50]]);
  });
});
