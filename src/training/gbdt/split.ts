// The best split of a node from its histogram, per feature: numeric features
// scan bin thresholds with the missing values tried on each side; categorical
// features sort their categories by gradient/hessian ratio (as LightGBM does)
// and scan the prefixes, so a split sends any subset of categories left.

import { MISSING_BIN } from "./binning.ts";
import { BINS_PER_FEATURE, type Histogram, SLOT } from "./histogram.ts";

export interface SplitSettings {
  minSamplesLeaf: number;
  l2: number;
  minHessian: number;
}

export interface NodeTotals {
  grad: number;
  hess: number;
  count: number;
}

export interface Split {
  feature: number;
  gain: number;
  /** Bins that go left (for numeric features: 0..threshold). */
  leftBins: Uint8Array;
  /** Numeric: the largest bin that goes left. -1 for categorical splits. */
  thresholdBin: number;
  missingLeft: boolean;
  left: NodeTotals;
  right: NodeTotals;
}

export function findBestSplit(
  histogram: Histogram,
  totals: NodeTotals,
  kinds: readonly ("numeric" | "categorical")[],
  binCounts: readonly number[],
  settings: SplitSettings,
): Split | undefined {
  let best: Split | undefined;
  for (let f = 0; f < kinds.length; f++) {
    // A numeric feature is only built into a Split when it beats the best so far.
    const candidate =
      kinds[f] === "numeric"
        ? numericSplit(histogram, f, binCounts[f]!, totals, settings, best?.gain ?? 0)
        : categoricalSplit(histogram, f, binCounts[f]!, totals, settings);
    if (candidate && (!best || candidate.gain > best.gain)) best = candidate;
  }
  return best;
}

const score = (grad: number, hess: number, l2: number) => (grad * grad) / (hess + l2);

interface Scan {
  gain: number;
  left: NodeTotals;
  missingLeft: boolean;
}

/** Tries a left side (without missing rows) with the missing rows on either side. */
function evaluate(
  left: NodeTotals,
  missing: NodeTotals,
  totals: NodeTotals,
  settings: SplitSettings,
  parentScore: number,
  best: Scan | undefined,
): Scan | undefined {
  let found = best;
  // Missing values on the left, then (when there are any) on the right.
  for (let side = 0; side < (missing.count > 0 ? 2 : 1); side++) {
    const withMissing = side === 0;
    const lg = withMissing ? left.grad + missing.grad : left.grad;
    const lh = withMissing ? left.hess + missing.hess : left.hess;
    const lc = withMissing ? left.count + missing.count : left.count;
    const rc = totals.count - lc;
    const rh = totals.hess - lh;
    if (lc < settings.minSamplesLeaf || rc < settings.minSamplesLeaf) continue;
    if (lh < settings.minHessian || rh < settings.minHessian) continue;
    const rg = totals.grad - lg;
    const gain = (lg * lg) / (lh + settings.l2) + (rg * rg) / (rh + settings.l2) - parentScore;
    if (gain > 1e-12 && (!found || gain > found.gain)) {
      found = { gain, left: { grad: lg, hess: lh, count: lc }, missingLeft: withMissing };
    }
  }
  return found;
}

function missingTotals(histogram: Histogram, feature: number): NodeTotals {
  const slot = feature * BINS_PER_FEATURE + MISSING_BIN;
  return {
    grad: histogram.sums[slot * SLOT]!,
    hess: histogram.sums[slot * SLOT + 1]!,
    count: histogram.sums[slot * SLOT + 2]!,
  };
}

function finish(
  feature: number,
  scan: Scan,
  leftBins: Uint8Array,
  thresholdBin: number,
  totals: NodeTotals,
  noMissing: boolean,
): Split {
  let { missingLeft, left } = scan;
  const right = {
    grad: totals.grad - left.grad,
    hess: totals.hess - left.hess,
    count: totals.count - left.count,
  };
  // With no missing value seen here, unseen missing values follow the larger side.
  if (noMissing) missingLeft = left.count >= right.count;
  if (missingLeft) leftBins[MISSING_BIN] = 1;
  return { feature, gain: scan.gain, leftBins, thresholdBin, missingLeft, left, right };
}

function numericSplit(
  h: Histogram,
  f: number,
  bins: number,
  totals: NodeTotals,
  settings: SplitSettings,
  toBeat: number,
): Split | undefined {
  const missing = missingTotals(h, f);
  const parentScore = score(totals.grad, totals.hess, settings.l2);
  const scan = scanThresholds(
    h,
    f * BINS_PER_FEATURE,
    bins,
    missing,
    totals,
    settings,
    parentScore,
    toBeat,
  );
  if (!scan) return undefined;
  const leftBins = new Uint8Array(BINS_PER_FEATURE);
  leftBins.fill(1, 0, scan.length);
  return finish(f, scan.best, leftBins, scan.length - 1, totals, missing.count === 0);
}

/**
 * scanPrefixes for bins in their natural order, written out flat: this loop
 * runs for every feature of every node (30 million times for a 100k-row fit),
 * so it keeps to locals, allocates only when it finds a better split, and
 * skips empty bins, whose prefix equals the one before (which already won any tie).
 */
function scanThresholds(
  h: Histogram,
  base: number,
  bins: number,
  missing: NodeTotals,
  totals: NodeTotals,
  settings: SplitSettings,
  parentScore: number,
  toBeat: number,
): { best: Scan; length: number } | undefined {
  const { sums } = h;
  const { minSamplesLeaf, minHessian, l2 } = settings;
  const sides = missing.count > 0 ? 2 : 1;
  let lg = 0;
  let lh = 0;
  let lc = 0;
  let bestGain = Math.max(1e-12, toBeat);
  let bestG = 0;
  let bestH = 0;
  let bestC = 0;
  let bestMissingLeft = false;
  let length = 0;
  for (let b = 0; b < bins - 1; b++) {
    const slot = (base + b) * SLOT;
    const count = sums[slot + 2]!;
    if (count === 0 && b > 0) continue;
    lg += sums[slot]!;
    lh += sums[slot + 1]!;
    lc += count;
    for (let side = 0; side < sides; side++) {
      // Missing values on the left first, then (when there are any) on the right.
      const g = side === 0 ? lg + missing.grad : lg;
      const hs = side === 0 ? lh + missing.hess : lh;
      const c = side === 0 ? lc + missing.count : lc;
      const rc = totals.count - c;
      const rh = totals.hess - hs;
      if (c < minSamplesLeaf || rc < minSamplesLeaf || hs < minHessian || rh < minHessian) {
        continue;
      }
      const rg = totals.grad - g;
      const gain = (g * g) / (hs + l2) + (rg * rg) / (rh + l2) - parentScore;
      if (gain > bestGain) {
        bestGain = gain;
        bestG = g;
        bestH = hs;
        bestC = c;
        bestMissingLeft = side === 0;
        length = b + 1;
      }
    }
  }
  if (length === 0) return undefined;
  const best = {
    gain: bestGain,
    left: { grad: bestG, hess: bestH, count: bestC },
    missingLeft: bestMissingLeft,
  };
  return { best, length };
}

/** The best left side among the prefixes of `order` (bins in the order they join the left). */
function scanPrefixes(
  h: Histogram,
  base: number,
  order: readonly number[],
  missing: NodeTotals,
  totals: NodeTotals,
  settings: SplitSettings,
  parentScore: number,
): { best: Scan | undefined; length: number } {
  const left = { grad: 0, hess: 0, count: 0 };
  let best: Scan | undefined;
  let length = 0;
  for (let i = 0; i < order.length - 1; i++) {
    const b = order[i]!;
    left.grad += h.sums[(base + b) * SLOT]!;
    left.hess += h.sums[(base + b) * SLOT + 1]!;
    left.count += h.sums[(base + b) * SLOT + 2]!;
    const found = evaluate(left, missing, totals, settings, parentScore, best);
    if (found !== best) {
      best = found;
      length = i + 1;
    }
  }
  return { best, length };
}

/** LightGBM's smoothing of the category ordering: rare categories sort toward the middle. */
const CATEGORY_SMOOTHING = 10;

function categoricalSplit(
  h: Histogram,
  f: number,
  bins: number,
  totals: NodeTotals,
  settings: SplitSettings,
): Split | undefined {
  const missing = missingTotals(h, f);
  const parentScore = score(totals.grad, totals.hess, settings.l2);
  const base = f * BINS_PER_FEATURE;
  const present: number[] = [];
  for (let b = 0; b < bins; b++) if (h.sums[(base + b) * SLOT + 2]! > 0) present.push(b);
  if (present.length < 2) return undefined;
  const ratio = (b: number) =>
    h.sums[(base + b) * SLOT]! / (h.sums[(base + b) * SLOT + 1]! + CATEGORY_SMOOTHING);
  present.sort((a, b) => ratio(a) - ratio(b));
  const { best, length } = scanPrefixes(h, base, present, missing, totals, settings, parentScore);
  if (!best) return undefined;
  const leftBins = new Uint8Array(BINS_PER_FEATURE);
  for (const b of present.slice(0, length)) leftBins[b] = 1;
  return finish(f, best, leftBins, -1, totals, missing.count === 0);
}
