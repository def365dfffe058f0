// Categorical splits as scikit-learn's HistGradientBoosting (1.2) finds them,
// after LightGBM: the categories with enough support in the node are sorted by
// their smoothed gradient/hessian ratio and the prefixes of that order are
// scanned from both ends, up to the middle. Categories with too little support
// take no part and go right, with the child that holds at least half of the
// categories considered; missing values count as one more category.
//
// Without the support rule, a category seen a handful of times in a node sorts
// by noise, and the scan stacks such noise into the split with the best gain:
// on 220-airport data the trees fitted the airports' luck, not their effect.

import { MISSING_BIN } from "./binning.ts";
import { BINS_PER_FEATURE, type Histogram, SLOT } from "./histogram.ts";
import {
  childrenAllowed,
  finish,
  MIN_GAIN,
  type NodeTotals,
  type Scan,
  type Split,
  type SplitSettings,
  score,
} from "./split-gain.ts";

/**
 * A category needs this many rows' worth of hessian in the node to be sorted
 * and split off, and the same number smooths its ratio toward 0: LightGBM's
 * cat_smooth and scikit-learn's MIN_CAT_SUPPORT, both 10.
 */
export const MIN_CATEGORY_SUPPORT = 10;

export function categoricalSplit(
  h: Histogram,
  f: number,
  bins: number,
  totals: NodeTotals,
  settings: SplitSettings,
): Split | undefined {
  const base = f * BINS_PER_FEATURE;
  const order = supportedByRatio(h, base, bins, totals);
  if (order.length < 2) return undefined;
  const parentScore = score(totals.grad, totals.hess, settings.l2);
  // sklearn's two scans: the left child takes at most half the sorted categories.
  const half = (order.length + 1) >> 1;
  const forward = scanFrom(h, base, order, half, 1, totals, settings, parentScore);
  const backward = scanFrom(h, base, order, half - 1, -1, totals, settings, parentScore);
  const best =
    backward && (!forward || backward.scan.gain > forward.scan.gain) ? backward : forward;
  if (!best) return undefined;
  const leftBins = new Uint8Array(BINS_PER_FEATURE);
  for (const b of best.bins) leftBins[b] = 1;
  const missingCount = h.sums[(base + MISSING_BIN) * SLOT + 2]!;
  const scan = { ...best.scan, missingLeft: leftBins[MISSING_BIN] === 1 };
  return finish(f, scan, leftBins, -1, totals, missingCount === 0);
}

/**
 * The node's categories (the missing bin among them) whose hessian, in rows
 * (hessian × rows / total hessian), reaches MIN_CATEGORY_SUPPORT, in
 * increasing order of gradient / (hessian + MIN_CATEGORY_SUPPORT).
 */
export function supportedByRatio(
  h: Histogram,
  base: number,
  bins: number,
  totals: NodeTotals,
): number[] {
  const rowsPerHessian = totals.count / totals.hess;
  const ratio = new Float64Array(BINS_PER_FEATURE);
  const supported: number[] = [];
  const consider = (b: number) => {
    const slot = (base + b) * SLOT;
    const hess = h.sums[slot + 1]!;
    if (h.sums[slot + 2]! === 0 || hess * rowsPerHessian < MIN_CATEGORY_SUPPORT) return;
    ratio[b] = h.sums[slot]! / (hess + MIN_CATEGORY_SUPPORT);
    supported.push(b);
  };
  for (let b = 0; b < bins; b++) consider(b);
  consider(MISSING_BIN);
  return supported.sort((a, b) => ratio[a]! - ratio[b]!);
}

/** The best left side made of the first 1..`steps` categories of `order`, read in `direction`. */
function scanFrom(
  h: Histogram,
  base: number,
  order: readonly number[],
  steps: number,
  direction: 1 | -1,
  totals: NodeTotals,
  settings: SplitSettings,
  parentScore: number,
): { scan: Scan; bins: number[] } | undefined {
  const left = { grad: 0, hess: 0, count: 0 };
  let best: Scan | undefined;
  let length = 0;
  for (let i = 0; i < steps; i++) {
    const b = order[direction === 1 ? i : order.length - 1 - i]!;
    left.grad += h.sums[(base + b) * SLOT]!;
    left.hess += h.sums[(base + b) * SLOT + 1]!;
    left.count += h.sums[(base + b) * SLOT + 2]!;
    if (!childrenAllowed(left, totals, settings)) continue;
    const gain =
      score(left.grad, left.hess, settings.l2) +
      score(totals.grad - left.grad, totals.hess - left.hess, settings.l2) -
      parentScore;
    if (gain > MIN_GAIN && (!best || gain > best.gain)) {
      best = { gain, left: { ...left }, missingLeft: false };
      length = i + 1;
    }
  }
  if (!best) return undefined;
  const bins = direction === 1 ? order.slice(0, length) : order.slice(order.length - length);
  return { scan: best, bins };
}
