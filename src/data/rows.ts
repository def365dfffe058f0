// Turns Dataset rows back into feature records, the shape clients send to
// /predict, so any servable model can be evaluated on a dataset.

import type { Dataset } from "./dataset.ts";

export type FeatureRecord = Record<string, number | string | null>;

export function datasetRows(dataset: Dataset, indices: ArrayLike<number>): FeatureRecord[] {
  const out: FeatureRecord[] = new Array(indices.length);
  for (let i = 0; i < indices.length; i++) out[i] = {};
  for (const column of dataset.features) {
    for (let i = 0; i < indices.length; i++) {
      const row = indices[i]!;
      if (column.type === "numeric" || column.type === "datetime") {
        // A datetime as its seconds since the epoch, which /predict takes as well as a date string.
        const value = column.values[row]!;
        out[i]![column.name] = Number.isNaN(value) ? null : value;
      } else if (column.type === "text") {
        out[i]![column.name] = column.values[row] === "" ? null : column.values[row]!;
      } else {
        const code = column.codes[row]!;
        out[i]![column.name] = code < 0 ? null : column.vocabulary[code]!;
      }
    }
  }
  return out;
}
