// The rows `keel simulate` sends: a dataset's rows in time order as /predict
// bodies with their true labels, optionally distorted by a drift spec.

import type { Dataset } from "../data/dataset.ts";
import { createRandom } from "../data/random.ts";
import { datasetRows, type FeatureRecord } from "../data/rows.ts";
import { invalidInput } from "../errors.ts";
import type { Distortion } from "./drift-spec.ts";

export interface ReplayRow {
  features: FeatureRecord;
  label: string | number;
}

/** Rows in dataset order (loadDataset orders by the time column) with their labels. */
export function replayRows(dataset: Dataset): ReplayRow[] {
  const indices = Uint32Array.from({ length: dataset.rows }, (_, i) => i);
  const target = dataset.target;
  return datasetRows(dataset, indices).map((features, i) => ({
    features,
    label: target.task === "classification" ? target.classes[target.codes[i]!]! : target.values[i]!,
  }));
}

/** Applies the distortions; numeric ones are sized by the column's own mean and std. */
export function distort(rows: ReplayRow[], distortions: Distortion[], seed = 1): ReplayRow[] {
  const random = createRandom(seed);
  for (const d of distortions) {
    if (rows.length > 0 && !(d.column in rows[0]!.features)) {
      throw invalidInput(`--drift names column "${d.column}", which the data does not have`);
    }
  }
  const moments = new Map(distortions.map((d) => [d.column, columnMoments(rows, d.column)]));
  return rows.map((row) => {
    const features = { ...row.features };
    for (const d of distortions) {
      const value = features[d.column];
      const { mean, std } = moments.get(d.column)!;
      if (d.kind === "mix") {
        if (random() < d.probability) features[d.column] = d.category;
      } else if (typeof value === "number") {
        features[d.column] =
          d.kind === "shift" ? value + d.amount * std : mean + (value - mean) * d.factor;
      }
    }
    return { ...row, features };
  });
}

function columnMoments(rows: ReplayRow[], column: string): { mean: number; std: number } {
  const values = rows
    .map((r) => r.features[column])
    .filter((v): v is number => typeof v === "number");
  if (values.length === 0) return { mean: 0, std: 0 };
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const variance = values.reduce((a, v) => a + (v - mean) ** 2, 0) / values.length;
  return { mean, std: Math.sqrt(variance) };
}
