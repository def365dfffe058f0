// Gradient/hessian histograms per node: for every feature, the sums of the
// rows' gradients and hessians and their count in each of the 256 bins. A
// child's histogram is built only for the smaller child; the larger one is
// the parent minus it (histogram subtraction).

export const BINS_PER_FEATURE = 256;

/** Each slot ([feature][bin]) holds three doubles: gradient sum, hessian sum, row count. */
export const SLOT = 3;

export interface Histogram {
  /** [feature][bin] → (grad, hess, count) interleaved; one array, so one cache line serves a row's update. */
  sums: Float64Array;
}

/**
 * Histograms are large (features × 256 bins) and a tree needs a few dozen:
 * released ones are reused instead of reallocated, which spares the GC.
 */
const pool: Histogram[] = [];

export function emptyHistogram(features: number): Histogram {
  const size = features * BINS_PER_FEATURE * SLOT;
  const reused = pool.pop();
  if (reused && reused.sums.length === size) {
    reused.sums.fill(0);
    return reused;
  }
  return { sums: new Float64Array(size) };
}

/** Gives a histogram no longer needed back for reuse. */
export function releaseHistogram(histogram: Histogram): void {
  if (pool.length < 64) pool.push(histogram);
}

/**
 * Sums the rows `rows[start..end)` into a fresh histogram; with a helper and a
 * large node, the second core sums the later features meanwhile.
 */
export function buildHistogram(
  bins: Uint8Array[],
  rows: Uint32Array,
  start: number,
  end: number,
  grad: Float64Array,
  hess: Float64Array,
  helper?: HistogramHelper,
): Histogram {
  const histogram = emptyHistogram(bins.length);
  if (helper?.alive && end - start >= PARALLEL_MIN_ROWS) {
    helper.request(start, end);
    fillHistogram(histogram.sums, bins, 0, helper.from, rows, start, end, grad, hess);
    // Each feature is summed by one thread in row order, so the result is the
    // same to the bit as one thread's. A helper that stopped answering is
    // dropped and its features summed here.
    if (!helper.collect(histogram.sums)) {
      fillHistogram(histogram.sums, bins, helper.from, bins.length, rows, start, end, grad, hess);
    }
  } else {
    fillHistogram(histogram.sums, bins, 0, bins.length, rows, start, end, grad, hess);
  }
  return histogram;
}

/** Nodes with fewer rows than this are not worth waking the second core for. */
export const PARALLEL_MIN_ROWS = 8192;

/** The interface histogram-helper.ts implements (kept here so this file imports nothing). */
export interface HistogramHelper {
  /** The first feature the helper sums; the caller sums those before it. */
  from: number;
  /** False once the helper missed a deadline: it is not asked again. */
  alive: boolean;
  request(start: number, end: number): void;
  /** Waits for the helper and copies its features into `sums`; false if it did not answer in time. */
  collect(sums: Float64Array): boolean;
}

/** Adds features [from, to) of rows `rows[start..end)` into `sums` (laid out as a Histogram's). */
export function fillHistogram(
  sums: Float64Array,
  bins: Uint8Array[],
  from: number,
  to: number,
  rows: Uint32Array,
  start: number,
  end: number,
  grad: Float64Array,
  hess: Float64Array,
): void {
  // Gather the node's gradients once, in row order, so every feature pass reads them sequentially.
  const n = end - start;
  const g = scratch(2 * n);
  const h = g.subarray(n, 2 * n);
  const order = rows.subarray(start, end);
  for (let i = 0; i < n; i++) {
    const row = order[i]!;
    g[i] = grad[row]!;
    h[i] = hess[row]!;
  }
  for (let f = from; f < to; f++) {
    const column = bins[f]!;
    const base = f * BINS_PER_FEATURE;
    for (let i = 0; i < n; i++) {
      const slot = (base + column[order[i]!]!) * SLOT;
      sums[slot] += g[i]!;
      sums[slot + 1] += h[i]!;
      sums[slot + 2]++;
    }
  }
}

/** A reusable gather buffer, grown to the largest node seen: no allocation per histogram. */
let gathered = new Float64Array(0);

function scratch(size: number): Float64Array {
  if (gathered.length < size) gathered = new Float64Array(size);
  return gathered;
}

/** parent − child, computed in place: the parent's histogram becomes the larger child's. */
export function subtractHistogram(parent: Histogram, child: Histogram): Histogram {
  const { sums } = parent;
  for (let i = 0; i < sums.length; i++) sums[i] = sums[i]! - child.sums[i]!;
  return parent;
}
