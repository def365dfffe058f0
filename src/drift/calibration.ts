// Calibration of a classifier's probabilities, fitted on its holdout at
// training time: the label-free performance estimate (estimated-quality.ts)
// reads a calibrated probability as the chance that the row's class is the
// right one, so the mapping must make them mean that. One isotonic
// regression per class (one-vs-rest, pool-adjacent-violators), as NannyML's
// CBPE does; multiclass rows are renormalised to sum to 1.

/** A rising curve through the points (`x[i]`, `y[i]`), `x` ascending (curveAt reads it). */
export interface IsotonicCurve {
  x: number[];
  y: number[];
}

export interface Calibration {
  classes: string[];
  /** One curve per class; a binary model's single curve maps the second class's probability. */
  curves: IsotonicCurve[];
  /** Holdout rows it was fitted on. */
  rows: number;
}

/**
 * Fits the calibration from holdout probabilities (`n × k`, row-major) and the
 * holdout's true class codes.
 */
export function fitCalibration(
  probabilities: Float64Array,
  labels: Int32Array,
  classes: readonly string[],
): Calibration {
  const k = classes.length;
  const n = labels.length;
  if (probabilities.length !== n * k) {
    throw new Error(`Calibration needs ${n} × ${k} probabilities, got ${probabilities.length}`);
  }
  const fitted = k === 2 ? [1] : classes.map((_, c) => c);
  const curves = fitted.map((c) => {
    const scores = Float64Array.from({ length: n }, (_, i) => probabilities[i * k + c]!);
    const hits = Float64Array.from(labels, (label) => (label === c ? 1 : 0));
    return isotonic(scores, hits);
  });
  return { classes: [...classes], curves, rows: n };
}

/** Calibrated probabilities (`n × k`) for raw ones in the same layout. */
export function calibrate(calibration: Calibration, probabilities: Float64Array): Float64Array {
  const k = calibration.classes.length;
  const n = probabilities.length / k;
  const out = new Float64Array(probabilities.length);
  for (let i = 0; i < n; i++) {
    if (k === 2) {
      const p = curveAt(calibration.curves[0]!, probabilities[i * 2 + 1]!);
      out[i * 2] = 1 - p;
      out[i * 2 + 1] = p;
      continue;
    }
    let sum = 0;
    for (let c = 0; c < k; c++) {
      const p = curveAt(calibration.curves[c]!, probabilities[i * k + c]!);
      out[i * k + c] = p;
      sum += p;
    }
    // A row every curve maps to 0 keeps its raw probabilities: there is nothing to rescale.
    for (let c = 0; c < k; c++) {
      out[i * k + c] = sum > 0 ? out[i * k + c]! / sum : probabilities[i * k + c]!;
    }
  }
  return out;
}

/**
 * Least-squares non-decreasing fit of `hits` (0/1) against `scores` by pool
 * adjacent violators: sort by score, merge neighbouring blocks while a block's
 * mean is not below the next one's, so the fit rises strictly. Equal scores
 * share one block. Each block becomes one point of the curve: its mean score
 * and its hit rate.
 */
export function isotonic(scores: Float64Array, hits: Float64Array): IsotonicCurve {
  const order = Array.from(scores.keys()).sort((a, b) => scores[a]! - scores[b]!);
  const scoreSums: number[] = [];
  const hitSums: number[] = [];
  const counts: number[] = [];
  let previous = Number.NaN;
  for (const i of order) {
    const last = counts.length - 1;
    // The last block always holds the previous score, so a tie joins it.
    if (scores[i] === previous) {
      scoreSums[last]! += scores[i]!;
      hitSums[last]! += hits[i]!;
      counts[last]!++;
    } else {
      scoreSums.push(scores[i]!);
      hitSums.push(hits[i]!);
      counts.push(1);
    }
    previous = scores[i]!;
    while (counts.length > 1) {
      const b = counts.length - 1;
      if (hitSums[b - 1]! / counts[b - 1]! < hitSums[b]! / counts[b]!) break;
      scoreSums[b - 1]! += scoreSums.pop()!;
      hitSums[b - 1]! += hitSums.pop()!;
      counts[b - 1]! += counts.pop()!;
    }
  }
  return {
    x: scoreSums.map((s, b) => s / counts[b]!),
    y: hitSums.map((h, b) => h / counts[b]!),
  };
}

/**
 * The curve at `score`: linear between the points around it, flat beyond the
 * first and last. Interpolating keeps rows inside one block in their order,
 * which a step function would tie (and the estimate of a ranking metric such
 * as ROC AUC would be biased low).
 */
export function curveAt(curve: IsotonicCurve, score: number): number {
  const { x, y } = curve;
  if (x.length === 0) return score;
  if (score <= x[0]!) return y[0]!;
  if (score >= x[x.length - 1]!) return y[y.length - 1]!;
  let lo = 0;
  let hi = x.length - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (x[mid]! <= score) lo = mid;
    else hi = mid;
  }
  const t = (score - x[lo]!) / (x[hi]! - x[lo]!);
  return y[lo]! + t * (y[hi]! - y[lo]!);
}
