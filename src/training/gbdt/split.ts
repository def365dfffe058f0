// The best split of a node from its histogram, per feature: numeric features
// scan bin thresholds with the missing values tried on each side; categorical
// features send a subset of their categories left (categorical-split.ts).

import { categoricalSplit } from "./categorical-split.ts";
import { BINS_PER_FEATURE, type Histogram, SLOT } from "./histogram.ts";
import {
  finish,
  missingTotals,
  type NodeTotals,
  type Scan,
  type Split,
  type SplitSettings,
  score,
} from "./split-gain.ts";

export type { NodeTotals, Split, SplitSettings };

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
