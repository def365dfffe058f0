// Predictions of a fitted GBDT from raw dataset values, routed exactly as the
// exported ONNX graph routes them: numeric x ≤ edge goes left, NaN follows the
// learned missing side, a category goes left when its bin is in the left set,
// and a category never seen in training counts as missing.

import type { Dataset } from "../../data/dataset.ts";
import { MISSING_BIN, numericBin } from "./binning.ts";
import type { GbdtModel } from "./boosting.ts";

/** Probabilities [rows × classes] for classifiers, values [rows] for regression. */
export function predictGbdt(model: GbdtModel, dataset: Dataset, rows: Uint32Array): Float64Array {
  const k = model.outputs;
  const binOf = model.binnings.map((binning, f) => {
    const column = dataset.features[f]!;
    if (binning.kind === "numeric" && column.type === "numeric") {
      return (row: number) => numericBin(column.values[row]!, binning.edges);
    }
    if (binning.kind === "categorical" && column.type === "categorical") {
      const byName = new Map<string, number>();
      binning.categories.forEach((names, bin) => {
        for (const name of names) byName.set(name, bin);
      });
      return (row: number) => {
        const code = column.codes[row]!;
        return code < 0 ? MISSING_BIN : (byName.get(column.vocabulary[code]!) ?? MISSING_BIN);
      };
    }
    throw new Error(`Feature ${binning.name} changed type since training`);
  });
  const raw = new Float64Array(rows.length * k);
  rows.forEach((row, i) => {
    for (let c = 0; c < k; c++) raw[i * k + c] = model.baseScores[c]!;
    model.trees.forEach((tree, t) => {
      let node = 0;
      let leaf = 0;
      if (tree.feature.length > 0) {
        for (;;) {
          const next =
            tree.leftBins[node]![binOf[tree.feature[node]!]!(row)] === 1
              ? tree.left[node]!
              : tree.right[node]!;
          if (next < 0) {
            leaf = ~next;
            break;
          }
          node = next;
        }
      }
      raw[i * k + (t % k)] += tree.leafValues[leaf]!;
    });
  });
  return toOutputs(model, raw, rows.length);
}

function toOutputs(model: GbdtModel, raw: Float64Array, n: number): Float64Array {
  if (model.task === "regression") return raw;
  if (model.outputs === 1) {
    const out = new Float64Array(n * 2);
    for (let i = 0; i < n; i++) {
      const p = 1 / (1 + Math.exp(-raw[i]!));
      out[i * 2] = 1 - p;
      out[i * 2 + 1] = p;
    }
    return out;
  }
  const k = model.outputs;
  const out = new Float64Array(n * k);
  for (let i = 0; i < n; i++) {
    let max = Number.NEGATIVE_INFINITY;
    for (let c = 0; c < k; c++) max = Math.max(max, raw[i * k + c]!);
    let sum = 0;
    for (let c = 0; c < k; c++) {
      out[i * k + c] = Math.exp(raw[i * k + c]! - max);
      sum += out[i * k + c]!;
    }
    for (let c = 0; c < k; c++) out[i * k + c]! /= sum;
  }
  return out;
}
