// Test datasets built directly as `Dataset` objects, from a seeded PRNG so every
// run sees the same numbers.

import type { Dataset, FeatureColumn, Split, Target } from "../../src/data/dataset.ts";
import { createRandom as seeded } from "../../src/data/random.ts";
import { createMatrixBuilder, type DesignMatrix } from "../../src/training/design-matrix.ts";

export { seeded };

/** Standard normal by Box–Muller. */
export function normal(random: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

export const numeric = (name: string, values: ArrayLike<number>): FeatureColumn => ({
  name,
  type: "numeric",
  values: Float64Array.from(values),
});

export const categorical = (
  name: string,
  codes: ArrayLike<number>,
  vocabulary: string[],
): FeatureColumn => ({
  name,
  type: "categorical",
  codes: Int32Array.from(codes),
  vocabulary,
});

export const classes = (name: string, codes: ArrayLike<number>, labels: string[]): Target => ({
  task: "classification",
  name,
  codes: Int32Array.from(codes),
  classes: labels,
});

export const values = (name: string, v: ArrayLike<number>): Target => ({
  task: "regression",
  name,
  values: Float64Array.from(v),
});

export const dataset = (features: FeatureColumn[], target: Target): Dataset => ({
  rows: target.task === "classification" ? target.codes.length : target.values.length,
  features,
  target,
});

export const allRows = (n: number): Uint32Array => Uint32Array.from({ length: n }, (_, i) => i);

/** First `trainShare` of the rows for training, the rest for the holdout. */
export function splitAt(n: number, trainShare = 0.75): Split {
  const cut = Math.round(n * trainShare);
  return {
    train: Uint32Array.from({ length: cut }, (_, i) => i),
    test: Uint32Array.from({ length: n - cut }, (_, i) => cut + i),
  };
}

export type TaskKind = "binary" | "multiclass" | "regression";

/**
 * Random mixed data: 3 numeric columns with ~10% NaN, 2 categorical columns with
 * ~10% missing; the target depends on all of them (plus noise).
 */
export function mixedDataset(n: number, kind: TaskKind, seed = 7): Dataset {
  const random = seeded(seed);
  const x = [0, 1, 2].map(() => new Float64Array(n));
  const colour = new Int32Array(n);
  const size = new Int32Array(n);
  const score = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    for (const column of x) column[i] = normal(random) * 3 + 10;
    colour[i] = Math.floor(random() * 4);
    size[i] = Math.floor(random() * 3);
    score[i] =
      x[0]![i]! -
      10 -
      0.5 * (x[1]![i]! - 10) +
      (colour[i] === 2 ? 2 : 0) -
      size[i]! +
      normal(random);
    for (const column of x) if (random() < 0.1) column[i] = Number.NaN;
    if (random() < 0.1) colour[i] = -1;
    if (random() < 0.1) size[i] = -1;
  }
  const features = [
    numeric("a", x[0]!),
    categorical("colour", colour, ["blue", "green", "red", "yellow"]),
    numeric("b", x[1]!),
    categorical("size", size, ["L", "M", "S"]),
    numeric("c", x[2]!),
  ];
  if (kind === "regression") return dataset(features, values("y", score));
  const codes =
    kind === "binary"
      ? Int32Array.from(score, (s) => (s > 0 ? 1 : 0))
      : Int32Array.from(score, (s) => (s < -1.5 ? 0 : s < 1.5 ? 1 : 2));
  const labels = kind === "binary" ? ["no", "yes"] : ["low", "mid", "high"];
  return dataset(features, classes("y", codes, labels));
}

/** A dense row-major matrix (rows × width) as the trainers' sparse design matrix. */
export function csr(data: ArrayLike<number>, width: number): DesignMatrix {
  const rows = width > 0 ? data.length / width : 0;
  const builder = createMatrixBuilder(width, rows);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < width; j++) builder.push(j, data[i * width + j]!);
    builder.endRow();
  }
  return builder.finish();
}

/** The design matrix written out densely, row-major. */
export function dense(X: DesignMatrix): number[] {
  const out = new Array<number>(X.rows * X.width).fill(0);
  for (let i = 0; i < X.rows; i++) {
    for (let p = X.indptr[i]!; p < X.indptr[i + 1]!; p++)
      out[i * X.width + X.indices[p]!] = X.values[p]!;
  }
  return out;
}
