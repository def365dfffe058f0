// The GBDT on categorical columns of 200 categories with a long tail of rare
// ones, where a split finder that lets a category seen a few times take part
// fits the noise: the holdout ROC AUC must come near what the true log-odds
// reach, a column of pure noise must take a small share of the gain, and the
// ONNX graph must still agree with the trainer.

import { expect, test } from "bun:test";
import type { Dataset } from "../../../src/data/dataset.ts";
import { DEFAULT_GBDT_PARAMS, fitGbdt } from "../../../src/training/gbdt/boosting.ts";
import { exportGbdt } from "../../../src/training/gbdt/export-gbdt.ts";
import { predictGbdt } from "../../../src/training/gbdt/predict.ts";
import { rocAuc } from "../../../src/training/metrics.ts";
import { onnxParity } from "../../../src/training/parity.ts";
import { categorical, classes, dataset, normal, numeric, seeded, splitAt } from "../fixtures.ts";

const ROWS = 16_000;
const CATEGORIES = 200;
const vocabulary = Array.from({ length: CATEGORIES }, (_, i) => `c${i}`);

/**
 * Two Zipf-distributed 200-category columns and a numeric one; `effects`
 * scales the categories' share of the true log-odds (0: pure noise).
 */
function longTailSet(seed: number, effects: number): { data: Dataset; logit: Float64Array } {
  const random = seeded(seed);
  const weights = Array.from({ length: CATEGORIES }, (_, i) => 1 / (i + 1) ** 1.1);
  const total = weights.reduce((a, b) => a + b, 0);
  const draw = () => {
    let u = random() * total;
    let c = 0;
    while (c < CATEGORIES - 1 && u > weights[c]!) u -= weights[c++]!;
    return c;
  };
  const effect = [0, 1].map(() => Array.from({ length: CATEGORIES }, () => normal(random)));
  const codes = [new Int32Array(ROWS), new Int32Array(ROWS)];
  const x = new Float64Array(ROWS);
  const logit = new Float64Array(ROWS);
  const y = new Int32Array(ROWS);
  for (let i = 0; i < ROWS; i++) {
    codes[0]![i] = draw();
    codes[1]![i] = draw();
    x[i] = normal(random);
    logit[i] =
      -1.2 +
      effects * (0.4 * effect[0]![codes[0]![i]!]! + 0.3 * effect[1]![codes[1]![i]!]!) +
      0.5 * x[i]!;
    y[i] = random() < 1 / (1 + Math.exp(-logit[i]!)) ? 1 : 0;
  }
  const features = [
    categorical("from", codes[0]!, vocabulary),
    categorical("to", codes[1]!, vocabulary),
    numeric("x", x),
  ];
  return { data: dataset(features, classes("y", y, ["on time", "late"])), logit };
}

function holdoutAuc(data: Dataset, rows: Uint32Array, scores: (i: number) => number): number {
  if (data.target.task !== "classification") throw new Error("expected a classifier");
  const { codes } = data.target;
  return rocAuc(
    Int32Array.from(rows, (r) => codes[r]!),
    Float64Array.from(rows, (_, i) => scores(i)),
  );
}

// 12,000 training rows: early stopping is on, as in the reported flight-delay fit.
const { train, test: holdout } = splitAt(ROWS);

test("category effects are learnt, not the rare categories' luck, and the graph agrees", async () => {
  const { data, logit } = longTailSet(1, 1);
  const { model } = fitGbdt(data, train, DEFAULT_GBDT_PARAMS);
  const predictions = predictGbdt(model, data, holdout);
  const auc = holdoutAuc(data, holdout, (i) => predictions[2 * i + 1]!);
  const truth = holdoutAuc(data, holdout, (i) => logit[holdout[i]!]!);
  // Measured: 0.023 below the truth; 0.055 below when every category took part.
  expect(truth - auc).toBeLessThan(0.035);
  const signature = [
    { name: "from", type: "categorical" as const, vocabulary },
    { name: "to", type: "categorical" as const, vocabulary },
    { name: "x", type: "numeric" as const },
  ];
  const onnx = exportGbdt(model, {
    modelName: "t",
    task: "classification",
    target: "y",
    features: signature,
    classes: ["on time", "late"],
    algorithm: "gbdt",
    trainedAt: "2026-01-01T00:00:00Z",
  });
  expect(await onnxParity(onnx, data, holdout, predictions)).toBeLessThanOrEqual(1e-9);
});

test("two 200-category columns of pure noise take a small share of the gain", () => {
  const { data, logit } = longTailSet(2, 0);
  const { model } = fitGbdt(data, train, DEFAULT_GBDT_PARAMS);
  const predictions = predictGbdt(model, data, holdout);
  const auc = holdoutAuc(data, holdout, (i) => predictions[2 * i + 1]!);
  const truth = holdoutAuc(data, holdout, (i) => logit[holdout[i]!]!);
  // Measured: half of the gain, 0.029 below the truth; when every category took part,
  // 0.82 of the gain and 0.063 below.
  expect(model.importance[0]! + model.importance[1]!).toBeLessThan(0.65);
  expect(truth - auc).toBeLessThan(0.045);
});
