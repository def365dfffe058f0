// The categorical split rule on hand-made histograms of one feature, with
// gains worked out by hand (gain = G_L²/H_L + G_R²/H_R − G²/H, no L2): which
// categories have the support to take part, their smoothed order, the left
// child taking at most half of them, and missing values as one more category.

import { describe, expect, test } from "bun:test";
import { MISSING_BIN } from "../../../src/training/gbdt/binning.ts";
import {
  categoricalSplit,
  supportedByRatio,
} from "../../../src/training/gbdt/categorical-split.ts";
import { BINS_PER_FEATURE, type Histogram, SLOT } from "../../../src/training/gbdt/histogram.ts";
import type { NodeTotals } from "../../../src/training/gbdt/split-gain.ts";

/** bin → [gradient sum, hessian sum, rows]; a histogram of one feature and the node's totals. */
function node(bins: Record<number, [number, number, number]>): {
  h: Histogram;
  totals: NodeTotals;
} {
  const sums = new Float64Array(BINS_PER_FEATURE * SLOT);
  const totals = { grad: 0, hess: 0, count: 0 };
  for (const [bin, [grad, hess, count]] of Object.entries(bins)) {
    sums.set([grad, hess, count], Number(bin) * SLOT);
    totals.grad += grad;
    totals.hess += hess;
    totals.count += count;
  }
  return { h: { sums }, totals };
}

const settings = { minSamplesLeaf: 1, l2: 0, minHessian: 1e-3 };
const leftOf = (leftBins: Uint8Array) => [...leftBins.keys()].filter((b) => leftBins[b] === 1);
const [A, B, C, D, E] = [0, 1, 2, 3, 4];

describe("support", () => {
  test("a category with 9 rows is never split off, however extreme; with 10 it is", () => {
    // A and B: 30 rows of gradient −1 each; C: gradient +3 per row.
    const nine = node({ [A]: [-30, 30, 30], [B]: [-30, 30, 30], [C]: [27, 9, 9] });
    expect(supportedByRatio(nine.h, 0, 3, nine.totals)).toEqual([A, B]);
    // Only A | B,C is left: 30²/30 + 3²/39 − 33²/69 = 14.45 (missing values: right, the larger).
    const without = categoricalSplit(nine.h, 0, 3, nine.totals, settings)!;
    expect(leftOf(without.leftBins)).toEqual([A]);
    expect(without.gain).toBeCloseTo(30 + 9 / 39 - (33 * 33) / 69, 10);

    // A,B | C: 60²/60 + 30²/10 − 30²/70 = 137.1, the best cut once C takes part (found
    // first as the prefix A,B; unseen missing values follow the larger side, left).
    const ten = node({ [A]: [-30, 30, 30], [B]: [-30, 30, 30], [C]: [30, 10, 10] });
    const split = categoricalSplit(ten.h, 0, 3, ten.totals, settings)!;
    expect(leftOf(split.leftBins)).toEqual([A, B, MISSING_BIN]);
    expect(split.right.count).toBe(10);
    expect(split.gain).toBeCloseTo(90 + 60 - 900 / 70, 10);
  });

  test("support is counted in rows of the node's average hessian, not in rows", () => {
    // B has 12 rows but a fifth of A's and C's hessian per row: 0.6 × 92 / 20.6 = 2.7 rows' worth.
    const { h, totals } = node({ [A]: [-4, 10, 40], [B]: [1, 0.6, 12], [C]: [4, 10, 40] });
    expect(supportedByRatio(h, 0, 3, totals)).toEqual([A, C]);
  });
});

test("categories sort by gradient / (hessian + 10): a small category's ratio shrinks toward 0", () => {
  // Raw ratios A −1, B −0.6; smoothed A −10/20 = −0.5, B −60/110 = −0.545: B first.
  const { h, totals } = node({ [A]: [-10, 10, 10], [B]: [-60, 100, 100], [C]: [50, 50, 50] });
  expect(supportedByRatio(h, 0, 3, totals)).toEqual([B, A, C]);
});

describe("the left child", () => {
  // Four alike categories and one apart, 20 rows each: the best cut is E | A,B,C,D,
  // 20²/20 + 80²/80 − 60²/100 = 64, against 24 for A,B,C | D,E.
  const five: Record<number, [number, number, number]> = {
    [A]: [-20, 20, 20],
    [B]: [-20, 20, 20],
    [C]: [-20, 20, 20],
    [D]: [-20, 20, 20],
  };

  test("takes at most half of the categories: E goes left, not A, B, C and D", () => {
    const { h, totals } = node({ ...five, [E]: [20, 20, 20] });
    const split = categoricalSplit(h, 0, 5, totals, settings)!;
    expect(leftOf(split.leftBins)).toEqual([E]);
    expect(split.left.count).toBe(20);
    expect(split.gain).toBeCloseTo(64, 10);
  });

  test("missing values are one more category: they can be split off on their own", () => {
    const { h, totals } = node({ ...five, [MISSING_BIN]: [20, 20, 20] });
    const split = categoricalSplit(h, 0, 4, totals, settings)!;
    expect(leftOf(split.leftBins)).toEqual([MISSING_BIN]);
    expect(split.missingLeft).toBe(true);
  });

  test("missing values with too little support go right, with the other side", () => {
    const { h, totals } = node({ ...five, [E]: [20, 20, 20], [MISSING_BIN]: [15, 5, 5] });
    const split = categoricalSplit(h, 0, 5, totals, settings)!;
    expect(leftOf(split.leftBins)).toEqual([E]);
    expect(split.missingLeft).toBe(false);
  });
});
