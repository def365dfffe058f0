// What the numeric and categorical split finders share: a node's totals, the
// limits a child must meet, the gain of a cut, and turning the best cut into
// a Split (the bins that go left, and where missing values go).

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

/** The best cut found so far: its gain, its left child, and whether missing values went left. */
export interface Scan {
  gain: number;
  left: NodeTotals;
  missingLeft: boolean;
}

/** A leaf's share of the loss reduction: G² / (H + λ). */
export const score = (grad: number, hess: number, l2: number) => (grad * grad) / (hess + l2);

/** Gains at or below this are rounding noise, not a split. */
export const MIN_GAIN = 1e-12;

/** Whether both children of a cut have enough rows and hessian. */
export function childrenAllowed(
  left: NodeTotals,
  totals: NodeTotals,
  settings: SplitSettings,
): boolean {
  return (
    left.count >= settings.minSamplesLeaf &&
    totals.count - left.count >= settings.minSamplesLeaf &&
    left.hess >= settings.minHessian &&
    totals.hess - left.hess >= settings.minHessian
  );
}

export function missingTotals(histogram: Histogram, feature: number): NodeTotals {
  const slot = feature * BINS_PER_FEATURE + MISSING_BIN;
  return {
    grad: histogram.sums[slot * SLOT]!,
    hess: histogram.sums[slot * SLOT + 1]!,
    count: histogram.sums[slot * SLOT + 2]!,
  };
}

export function finish(
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
  leftBins[MISSING_BIN] = missingLeft ? 1 : 0;
  return { feature, gain: scan.gain, leftBins, thresholdBin, missingLeft, left, right };
}
