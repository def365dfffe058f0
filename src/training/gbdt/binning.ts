// Pre-binning for the histogram GBDT: every feature becomes one byte per row.
// Numeric features get at most 255 bins, with scikit-learn's edges: midpoints
// between distinct values, or midpoint percentiles when there are more; categorical features get a
// bin per category seen in training (the rarest share one when there are more
// than 254). Bin 255 is "missing": NaN, an empty cell, or a category never seen
// in training — the same rule the exported graph applies.

import type { CategoricalColumn, Dataset, NumericColumn } from "../../data/dataset.ts";

export const MISSING_BIN = 255;
export const MAX_BINS = 255;
const QUANTILE_SAMPLE = 200_000;

export interface NumericBinning {
  kind: "numeric";
  name: string;
  /** Bin b holds values in (edges[b-1], edges[b]]; the last bin is above every edge. */
  edges: Float64Array;
}

export interface CategoricalBinning {
  kind: "categorical";
  name: string;
  /** Bin → the categories it stands for (one each, except a shared bin for the rarest). */
  categories: string[][];
  /** Dataset vocabulary code → bin (MISSING_BIN for categories not seen in training). */
  binOfCode: Uint8Array;
}

export type FeatureBinning = NumericBinning | CategoricalBinning;

export interface BinnedData {
  binnings: FeatureBinning[];
  /** One Uint8Array per feature, indexed by dataset row. */
  bins: Uint8Array[];
  /** Non-missing bins per feature. */
  binCounts: number[];
}

export function binDataset(dataset: Dataset, trainRows: Uint32Array): BinnedData {
  const binnings = dataset.features.map((f) => {
    if (f.type === "text" || f.type === "datetime") {
      throw new Error(`${f.type} feature "${f.name}" must be expanded first`);
    }
    return f.type === "numeric" ? numericBinning(f, trainRows) : categoricalBinning(f, trainRows);
  });
  // One shared, feature-major block: a histogram helper thread reads the same bytes.
  const block = new SharedArrayBuffer(Math.max(1, dataset.features.length * dataset.rows));
  const bins = dataset.features.map((f, i) =>
    binColumn(f, binnings[i]!, new Uint8Array(block, i * dataset.rows, dataset.rows)),
  );
  const binCounts = binnings.map((b) =>
    b.kind === "numeric" ? b.edges.length + 1 : b.categories.length,
  );
  return { binnings, bins, binCounts };
}

function numericBinning(column: NumericColumn, rows: Uint32Array): NumericBinning {
  const step = Math.max(1, Math.floor(rows.length / QUANTILE_SAMPLE));
  const sample = new Float64Array(Math.ceil(rows.length / step));
  let present = 0;
  for (let i = 0; i < rows.length; i += step) {
    const v = column.values[rows[i]!]!;
    if (!Number.isNaN(v)) sample[present++] = v;
  }
  const sorted = sample.subarray(0, present).sort();
  // Indexed loops, not for…of: iterating a typed array is slow in JavaScriptCore.
  const distinct: number[] = [];
  for (let i = 0; i < sorted.length; i++) {
    if (i === 0 || sorted[i] !== sorted[i - 1]) distinct.push(sorted[i]!);
  }
  if (distinct.length <= MAX_BINS) {
    const edges = new Float64Array(Math.max(0, distinct.length - 1));
    for (let i = 0; i < edges.length; i++) edges[i] = (distinct[i]! + distinct[i + 1]!) * 0.5;
    return { kind: "numeric", name: column.name, edges };
  }
  // More distinct values than bins: scikit-learn's edges, the 254 inner percentiles
  // of the values by the "midpoint" rule (duplicates dropped: they only make empty bins).
  const edges: number[] = [];
  for (let q = 1; q < MAX_BINS; q++) {
    const rank = (q / MAX_BINS) * (sorted.length - 1);
    const edge = (sorted[Math.floor(rank)]! + sorted[Math.ceil(rank)]!) / 2;
    if (edges.length === 0 || edge > edges.at(-1)!) edges.push(edge);
  }
  return { kind: "numeric", name: column.name, edges: Float64Array.from(edges) };
}

function categoricalBinning(column: CategoricalColumn, rows: Uint32Array): CategoricalBinning {
  const counts = new Float64Array(column.vocabulary.length);
  for (const r of rows) {
    const code = column.codes[r]!;
    if (code >= 0) counts[code]!++;
  }
  const seen = [...counts.keys()]
    .filter((c) => counts[c]! > 0)
    .sort((a, b) => counts[b]! - counts[a]! || a - b);
  const own = seen.slice(0, seen.length > MAX_BINS - 1 ? MAX_BINS - 2 : seen.length);
  const shared = seen.slice(own.length);
  const binOfCode = new Uint8Array(column.vocabulary.length).fill(MISSING_BIN);
  const categories: string[][] = own.map((code, bin) => {
    binOfCode[code] = bin;
    return [column.vocabulary[code]!];
  });
  if (shared.length > 0) {
    for (const code of shared) binOfCode[code] = categories.length;
    categories.push(shared.map((code) => column.vocabulary[code]!));
  }
  return { kind: "categorical", name: column.name, categories, binOfCode };
}

function binColumn(
  column: Dataset["features"][number],
  binning: FeatureBinning,
  out: Uint8Array,
): Uint8Array {
  if (column.type === "categorical" && binning.kind === "categorical") {
    for (let i = 0; i < out.length; i++) {
      const code = column.codes[i]!;
      out[i] = code < 0 ? MISSING_BIN : binning.binOfCode[code]!;
    }
    return out;
  }
  if (column.type !== "numeric" || binning.kind !== "numeric")
    throw new Error("binning does not match the column");
  binNumbers(column.values, binning.edges, out);
  return out;
}

/** Cells of the lookup that starts binNumbers' search near the answer. */
const LOOKUP_CELLS = 4096;

/**
 * numericBin for a whole column, without a binary search per value: values map
 * to one of LOOKUP_CELLS equal cells over the edges' range, each cell knowing
 * how many edges lie wholly before it, and a short forward scan finishes. The
 * cell key is monotone in the value (IEEE subtraction and multiplication by a
 * positive constant are), so every edge counted before a value's cell is below
 * the value: the answer is exactly numericBin's.
 */
function binNumbers(values: Float64Array, edges: Float64Array, out: Uint8Array): void {
  const m = edges.length;
  const low = edges[0] ?? 0;
  const span = m > 0 ? edges[m - 1]! - low : 0;
  const scale = span > 0 ? LOOKUP_CELLS / span : 0;
  const before = new Uint8Array(LOOKUP_CELLS + 1);
  for (let b = 0, c = 0; c <= LOOKUP_CELLS; c++) {
    while (b < m && Math.floor((edges[b]! - low) * scale) < c) b++;
    before[c] = b;
  }
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (Number.isNaN(v)) {
      out[i] = MISSING_BIN;
      continue;
    }
    // NaN keys (infinite edges or values) start the scan at 0: slower, still exact.
    const key = (v - low) * scale;
    let b = key >= 0 ? before[Math.min(LOOKUP_CELLS, Math.floor(key))]! : 0;
    while (b < m && edges[b]! < v) b++;
    out[i] = b;
  }
}

/** The bin a raw value falls in: the first edge ≥ value (binary search); NaN → missing. */
export function numericBin(value: number, edges: Float64Array): number {
  if (Number.isNaN(value)) return MISSING_BIN;
  let low = 0;
  let high = edges.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (value <= edges[mid]!) high = mid;
    else low = mid + 1;
  }
  return low;
}
