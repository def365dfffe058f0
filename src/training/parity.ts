// Checks an exported model against the trainer: run the ONNX bytes in
// onnxruntime-node on the holdout rows and measure the largest absolute
// difference from the trainer's own float64 predictions.

import { InferenceSession, Tensor } from "onnxruntime-node";
import type { Dataset } from "../data/dataset.ts";
import { OUTPUT_NAMES } from "../registry/model-format.ts";

export const PARITY_LIMIT = 1e-5;

/**
 * One [N, 1] tensor per feature: numeric float64 (NaN = missing), datetime
 * float64 seconds since the epoch, categorical and text string ("" = missing).
 */
export function buildFeeds(dataset: Dataset, rows: Uint32Array): Record<string, Tensor> {
  const feeds: Record<string, Tensor> = {};
  const n = rows.length;
  for (const column of dataset.features) {
    if (column.type === "numeric" || column.type === "datetime") {
      const values = new Float64Array(n);
      for (let i = 0; i < n; i++) values[i] = column.values[rows[i]!]!;
      feeds[column.name] = new Tensor("float64", values, [n, 1]);
    } else if (column.type === "text") {
      const values = Array.from(rows, (r) => column.values[r]!);
      feeds[column.name] = new Tensor("string", values, [n, 1]);
    } else {
      const values = new Array<string>(n);
      for (let i = 0; i < n; i++) {
        const code = column.codes[rows[i]!]!;
        values[i] = code >= 0 ? (column.vocabulary[code] ?? "") : "";
      }
      feeds[column.name] = new Tensor("string", values, [n, 1]);
    }
  }
  return feeds;
}

/** Largest |a - b|; a NaN on one side only counts as infinitely far. */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Number.POSITIVE_INFINITY;
  let max = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x === y) continue;
    if (Number.isNaN(x) || Number.isNaN(y)) {
      if (Number.isNaN(x) !== Number.isNaN(y)) return Number.POSITIVE_INFINITY;
      continue;
    }
    max = Math.max(max, Math.abs(x - y));
  }
  return max;
}

/**
 * Runs `onnx` on `rows` of `dataset` and returns the max abs difference between
 * its `probabilities` (classification) or `variable` (regression) output and
 * `expected` (row-major, same layout).
 */
export async function onnxParity(
  onnx: Uint8Array,
  dataset: Dataset,
  rows: Uint32Array,
  expected: Float64Array,
): Promise<number> {
  const session = await InferenceSession.create(onnx);
  try {
    const output =
      dataset.target.task === "classification"
        ? OUTPUT_NAMES.probabilities
        : OUTPUT_NAMES.regression;
    const results = await session.run(buildFeeds(dataset, rows), [output]);
    const tensor = results[output];
    if (!tensor) throw new Error(`The exported model has no "${output}" output`);
    return maxAbsDiff(tensor.data as Float64Array, expected);
  } finally {
    await session.release();
  }
}
