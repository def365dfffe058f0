// Gradient/hessian histograms per node: for every feature, the sums of the
// rows' gradients and hessians and their count in each of the 256 bins. A
// child's histogram is built only for the smaller child; the larger one is
// the parent minus it (histogram subtraction).

export const BINS_PER_FEATURE = 256;

export interface Histogram {
  /** [feature][bin] → (grad, hess) interleaved. */
  sums: Float64Array;
  counts: Uint32Array;
}

export function emptyHistogram(features: number): Histogram {
  return {
    sums: new Float64Array(features * BINS_PER_FEATURE * 2),
    counts: new Uint32Array(features * BINS_PER_FEATURE),
  };
}

/** Sums the rows `rows[start..end)` into a fresh histogram. */
export function buildHistogram(
  bins: Uint8Array[],
  rows: Uint32Array,
  start: number,
  end: number,
  grad: Float64Array,
  hess: Float64Array,
): Histogram {
  const histogram = emptyHistogram(bins.length);
  const { sums, counts } = histogram;
  for (let f = 0; f < bins.length; f++) {
    const column = bins[f]!;
    const base = f * BINS_PER_FEATURE;
    for (let i = start; i < end; i++) {
      const row = rows[i]!;
      const slot = base + column[row]!;
      sums[slot * 2] += grad[row]!;
      sums[slot * 2 + 1] += hess[row]!;
      counts[slot]++;
    }
  }
  return histogram;
}

/** parent − child, in place into a new histogram. */
export function subtractHistogram(parent: Histogram, child: Histogram): Histogram {
  const sums = new Float64Array(parent.sums.length);
  const counts = new Uint32Array(parent.counts.length);
  for (let i = 0; i < sums.length; i++) sums[i] = parent.sums[i]! - child.sums[i]!;
  for (let i = 0; i < counts.length; i++) counts[i] = parent.counts[i]! - child.counts[i]!;
  return { sums, counts };
}
