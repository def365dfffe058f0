import { describe, expect, test } from "bun:test";
import { createRandom } from "../../src/data/random.ts";
import { type Calibration, fitCalibration } from "../../src/drift/calibration.ts";
import { estimateQuality } from "../../src/drift/estimated-quality.ts";
import { accuracy, macroF1, rocAuc } from "../../src/training/metrics.ts";

/** Rows of a binary model whose true chance of "yes" is `truth(i)`; it shows `shown(truth)`. */
function binaryRows(
  n: number,
  seed: number,
  truth: (random: () => number) => number,
  shown: (p: number) => number = (p) => p,
) {
  const random = createRandom(seed);
  const probabilities = new Float64Array(n * 2);
  const labels = new Int32Array(n);
  const predicted = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const p = truth(random);
    labels[i] = random() < p ? 1 : 0;
    const q = shown(p);
    probabilities[i * 2] = 1 - q;
    probabilities[i * 2 + 1] = q;
    predicted[i] = q >= 0.5 ? 1 : 0;
  }
  return { probabilities, labels, predicted };
}

const overconfident = (p: number) => (p < 0.5 ? (p * 2) ** 3 / 2 : 1 - ((1 - p) * 2) ** 3 / 2);

/** A calibration fitted on a holdout of the same model on undrifted rows. */
function holdoutCalibration(shown: (p: number) => number): Calibration {
  const holdout = binaryRows(3000, 99, (r) => r(), shown);
  return fitCalibration(holdout.probabilities, holdout.labels, ["no", "yes"]);
}

describe("label-free estimate of a binary model", () => {
  // The band is the spread of the metric over label draws, given the
  // calibration; the calibration's own error (3,000 holdout rows here) is not
  // in it, so the realized value falls inside a little less often than 95 %,
  // ROC AUC (a narrow band) the least.
  test("the realized metrics fall inside the band on most windows", () => {
    const calibration = holdoutCalibration(overconfident);
    const inside = { accuracy: 0, macro_f1: 0, roc_auc: 0 };
    const windows = 40;
    for (let w = 0; w < windows; w++) {
      const rows = binaryRows(500, 1000 + w, (r) => r(), overconfident);
      const estimate = estimateQuality(rows.probabilities, rows.predicted, calibration, {
        draws: 200,
        seed: w,
      })!;
      const scores = Float64Array.from({ length: 500 }, (_, i) => rows.probabilities[i * 2 + 1]!);
      const realized = {
        accuracy: accuracy(rows.labels, rows.predicted),
        macro_f1: macroF1(rows.labels, rows.predicted, 2),
        roc_auc: rocAuc(rows.labels, scores),
      };
      for (const m of ["accuracy", "macro_f1", "roc_auc"] as const) {
        const e = estimate.metrics[m]!;
        if (realized[m] >= e.lower && realized[m] <= e.upper) inside[m]++;
      }
    }
    expect(inside.accuracy / windows).toBeGreaterThanOrEqual(0.85);
    expect(inside.macro_f1 / windows).toBeGreaterThanOrEqual(0.8);
    expect(inside.roc_auc / windows).toBeGreaterThanOrEqual(0.75);
  });

  test("under covariate shift toward the boundary the estimate falls with the realized accuracy", () => {
    const calibration = holdoutCalibration(overconfident);
    const undrifted = binaryRows(2000, 5, (r) => r(), overconfident);
    // Shifted inputs: the true chance now sits near 0.5, where the model is often wrong.
    const shifted = binaryRows(2000, 6, (r) => 0.3 + 0.4 * r(), overconfident);
    const before = estimateQuality(undrifted.probabilities, undrifted.predicted, calibration)!;
    const after = estimateQuality(shifted.probabilities, shifted.predicted, calibration)!;
    const realizedBefore = accuracy(undrifted.labels, undrifted.predicted);
    const realizedAfter = accuracy(shifted.labels, shifted.predicted);
    expect(realizedBefore - realizedAfter).toBeGreaterThan(0.15);
    expect(Math.abs(before.metrics.accuracy!.value - realizedBefore)).toBeLessThan(0.03);
    expect(Math.abs(after.metrics.accuracy!.value - realizedAfter)).toBeLessThan(0.04);
    expect(after.metrics.accuracy!.upper).toBeLessThan(before.metrics.accuracy!.lower);
  });

  test("the band narrows as the window grows", () => {
    const calibration = holdoutCalibration((p) => p);
    const width = (n: number) => {
      const rows = binaryRows(n, 8, (r) => r());
      const e = estimateQuality(rows.probabilities, rows.predicted, calibration)!.metrics.accuracy!;
      return e.upper - e.lower;
    };
    expect(width(4000)).toBeLessThan(width(250) / 2.5);
  });

  test("the same rows give the same estimate; no rows give none", () => {
    const calibration = holdoutCalibration((p) => p);
    const rows = binaryRows(300, 2, (r) => r());
    const a = estimateQuality(rows.probabilities, rows.predicted, calibration);
    const b = estimateQuality(rows.probabilities, rows.predicted, calibration);
    expect(a).toEqual(b!);
    expect(estimateQuality(new Float64Array(0), new Int32Array(0), calibration)).toBeUndefined();
  });
});

test("a multiclass model gets accuracy and macro F1, no ROC AUC", () => {
  const random = createRandom(4);
  const n = 1200;
  const k = 3;
  const probabilities = new Float64Array(n * k);
  const labels = new Int32Array(n);
  const predicted = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const raw = [random() + 0.2, random(), random() * 0.5];
    const sum = raw.reduce((a, b) => a + b, 0);
    let u = random();
    labels[i] = 2;
    for (let c = 0; c < k; c++) {
      probabilities[i * k + c] = raw[c]! / sum;
      if (u < raw[c]! / sum && labels[i] === 2 && c < 2) labels[i] = c;
      else if (labels[i] === 2) u -= raw[c]! / sum;
    }
    predicted[i] = raw.indexOf(Math.max(...raw));
  }
  const calibration = fitCalibration(probabilities, labels, ["a", "b", "c"]);
  const estimate = estimateQuality(probabilities, predicted, calibration)!;
  expect(Object.keys(estimate.metrics).sort()).toEqual(["accuracy", "macro_f1"]);
  expect(Math.abs(estimate.metrics.accuracy!.value - accuracy(labels, predicted))).toBeLessThan(
    0.04,
  );
});
