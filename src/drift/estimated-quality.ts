// Label-free performance estimation (confidence-based, CBPE as NannyML
// describes it): once calibrated (calibration.ts), a classifier's probability
// for a row is the chance of each class being the true one, so the metric the
// model would score on these rows — were their labels known — has a
// distribution we can sample. Labels are drawn from the calibrated
// probabilities many times; the estimate is the mean of the metric over the
// draws and the band holds the middle 95 % of them, which narrows as the
// window grows. It holds as long as the calibration does: under covariate
// shift (inputs move, the relation to the label stays), not under concept
// drift, which only labels can show.

import { createRandom } from "../data/random.ts";
import { accuracy, averageRanks, macroF1, rocAucFromRanks } from "../training/metrics.ts";
import { type Calibration, calibrate } from "./calibration.ts";

export interface Estimate {
  value: number;
  lower: number;
  upper: number;
}

export interface EstimatedQuality {
  rows: number;
  /** accuracy and macro_f1; roc_auc too for a binary model. */
  metrics: Record<string, Estimate>;
}

export interface EstimateOptions {
  /** Label draws (default 400). */
  draws?: number;
  seed?: number;
  /** Share of the draws outside the band, half on each side (default 0.05). */
  alpha?: number;
}

/**
 * Estimates the metrics of the model whose raw probabilities (`n × k`,
 * row-major) and predicted class codes are given. Undefined for no rows.
 */
export function estimateQuality(
  probabilities: Float64Array,
  predicted: Int32Array,
  calibration: Calibration,
  options: EstimateOptions = {},
): EstimatedQuality | undefined {
  const k = calibration.classes.length;
  const n = predicted.length;
  if (n === 0) return undefined;
  const calibrated = calibrate(calibration, probabilities);
  const draws = options.draws ?? 400;
  const random = createRandom(options.seed ?? 7);
  // The ranking a ROC AUC judges is the model's own score, calibrated or not.
  const ranks = k === 2 ? averageRanks(column(probabilities, k, 1)) : undefined;
  const samples: Record<string, Float64Array> = {
    accuracy: new Float64Array(draws),
    macro_f1: new Float64Array(draws),
    ...(ranks ? { roc_auc: new Float64Array(draws) } : {}),
  };
  const labels = new Int32Array(n);
  let aucDraws = 0;
  for (let d = 0; d < draws; d++) {
    drawLabels(calibrated, k, random, labels);
    samples.accuracy![d] = accuracy(labels, predicted);
    samples.macro_f1![d] = macroF1(labels, predicted, k);
    if (ranks) {
      const auc = rocAucFromRanks(labels, ranks);
      if (Number.isFinite(auc)) samples.roc_auc![aucDraws++] = auc;
    }
  }
  if (samples.roc_auc) samples.roc_auc = samples.roc_auc.subarray(0, aucDraws);
  const alpha = options.alpha ?? 0.05;
  const metrics: Record<string, Estimate> = {};
  for (const [name, values] of Object.entries(samples)) {
    if (values.length > 0) metrics[name] = summarise(values, alpha);
  }
  return { rows: n, metrics };
}

/** One label per row, drawn from its calibrated class probabilities. */
function drawLabels(
  calibrated: Float64Array,
  k: number,
  random: () => number,
  out: Int32Array,
): void {
  for (let i = 0; i < out.length; i++) {
    let u = random();
    let c = 0;
    while (c < k - 1 && u >= calibrated[i * k + c]!) {
      u -= calibrated[i * k + c]!;
      c++;
    }
    out[i] = c;
  }
}

function summarise(values: Float64Array, alpha: number): Estimate {
  const sorted = Float64Array.from(values).sort();
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  let sum = 0;
  for (const v of sorted) sum += v;
  return { value: sum / sorted.length, lower: at(alpha / 2), upper: at(1 - alpha / 2) };
}

function column(values: Float64Array, k: number, c: number): Float64Array {
  return Float64Array.from({ length: values.length / k }, (_, i) => values[i * k + c]!);
}
