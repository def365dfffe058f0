// Metrics against values computed by hand (and checked with scikit-learn 1.2.1).

import { describe, expect, test } from "bun:test";
import {
  accuracy,
  averageRanks,
  classificationMetrics,
  logLoss,
  macroF1,
  mae,
  r2,
  regressionMetrics,
  rmse,
  rocAuc,
} from "../../src/training/metrics.ts";

const i32 = (...v: number[]) => Int32Array.from(v);
const f64 = (...v: number[]) => Float64Array.from(v);

describe("classification metrics", () => {
  test("accuracy is the share of exact hits", () => {
    expect(accuracy(i32(0, 1, 1, 0), i32(0, 1, 0, 0))).toBe(0.75);
  });

  test("macro F1 averages per-class F1 (1/2, 4/5, 2/3)", () => {
    expect(macroF1(i32(0, 0, 1, 1, 2, 2), i32(0, 1, 1, 1, 2, 0), 3)).toBeCloseTo(
      0.6555555555555556,
      14,
    );
  });

  test("macro F1 skips classes absent from both truth and predictions", () => {
    expect(macroF1(i32(0, 0, 1, 1), i32(0, 0, 1, 1), 5)).toBe(1);
  });

  test("log loss is the mean negative log-probability of the true class", () => {
    const p = f64(0.7, 0.2, 0.1, 0.1, 0.8, 0.1, 0.3, 0.3, 0.4);
    expect(logLoss(i32(0, 1, 2), p, 3)).toBeCloseTo(0.4987030757090323, 14);
  });

  test("log loss clips probabilities at 1e-15 so a confident miss costs about 34.54", () => {
    expect(logLoss(i32(1), f64(1, 0), 2)).toBeCloseTo(34.538776394910684, 10);
    expect(logLoss(i32(1, 0), f64(0, 1, 0.2, 0.8), 2)).toBeCloseTo(0.8047189562170507, 12);
  });

  test("ROC AUC counts tied positive/negative pairs as one half", () => {
    expect(rocAuc(i32(0, 0, 1, 1), f64(0.1, 0.4, 0.35, 0.8))).toBe(0.75);
    expect(rocAuc(i32(0, 1, 0, 1), f64(0.5, 0.5, 0.2, 0.9))).toBe(0.875);
    expect(rocAuc(i32(0, 0, 1, 1, 1, 0), f64(0.3, 0.3, 0.3, 0.7, 0.3, 0.1))).toBeCloseTo(7 / 9, 14);
  });

  test("ROC AUC is NaN when the holdout has a single class", () => {
    expect(rocAuc(i32(1, 1), f64(0.2, 0.9))).toBeNaN();
  });

  test("tied values share their average rank", () => {
    expect(Array.from(averageRanks(f64(3, 1, 3, 2, 3)))).toEqual([4, 1, 4, 2, 4]);
  });

  test("the bundle adds roc_auc only for two classes", () => {
    const binary = classificationMetrics(i32(0, 1), f64(0.9, 0.1, 0.2, 0.8), 2, i32(0, 1));
    expect(Object.keys(binary).sort()).toEqual(["accuracy", "log_loss", "macro_f1", "roc_auc"]);
    const three = classificationMetrics(i32(0, 2), f64(1, 0, 0, 0, 0, 1), 3, i32(0, 2));
    expect(Object.keys(three).sort()).toEqual(["accuracy", "log_loss", "macro_f1"]);
  });
});

describe("regression metrics", () => {
  const truth = f64(1, 2, 3);
  const predicted = f64(1, 2, 5);

  test("rmse, mae and r2 on a hand-checked example", () => {
    expect(rmse(truth, predicted)).toBeCloseTo(Math.sqrt(4 / 3), 14);
    expect(mae(truth, predicted)).toBeCloseTo(2 / 3, 14);
    expect(r2(truth, predicted)).toBe(-1);
    expect(regressionMetrics(truth, truth)).toEqual({ rmse: 0, mae: 0, r2: 1 });
  });

  test("r2 of a constant target is 1 when fitted exactly, else 0", () => {
    expect(r2(f64(2, 2), f64(2, 2))).toBe(1);
    expect(r2(f64(2, 2), f64(2, 3))).toBe(0);
  });
});
