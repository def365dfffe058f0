// The test of one feature: the reference profile against the current window's
// column, by the feature's type (numeric, categorical, or text: its tokens and
// its length), with noise floors so a small window does not read as drift.

import type { FeatureColumn } from "../data/dataset.ts";
import { createRandom, shuffleInPlace } from "../data/random.ts";
import { invalidData } from "../errors.ts";
import {
  type ColumnDriftOverride,
  DEFAULT_THRESHOLDS,
  type Distribution,
  type DriftMethod,
  defaultMethod,
  type FeatureDrift,
  type LengthDrift,
} from "./drift-result.ts";
import {
  type CategoricalProfile,
  type ColumnProfile,
  type NumericProfile,
  OTHER_TOKENS,
  presentSorted,
  TEXT_TOKENS,
  type TextProfile,
  textLengths,
  tokenCounts,
} from "./profile.ts";
import { chiSquare } from "./stats/chi-square.ts";
import { jensenShannon } from "./stats/jensen-shannon.ts";
import { KS_MAX_EXACT_N, ksTwoSampleSorted } from "./stats/ks.ts";
import { populationStabilityIndex } from "./stats/psi.ts";
import { chiSquareUpperQuantile } from "./stats/special.ts";
import { wassersteinSorted } from "./stats/wasserstein.ts";

/** Categories expected fewer times than this in the current window are pooled. */
export const MIN_EXPECTED_COUNT = 5;
/** Upper-tail probability of the sampling-noise floor a Jensen–Shannon distance must clear. */
export const NOISE_FLOOR_P = 0.001;
/**
 * How many times its expected size under no drift a Wasserstein distance must
 * reach (about the 99.9th percentile of the limiting law, ∫|B(F(x))|dx).
 */
export const WASSERSTEIN_NOISE_MULTIPLE = 3;
export const OTHER = "(other)";

const DISTRIBUTION_BINS = 20;
const PSI_BINS = 10;

/** One feature's test and verdict; `override` is the spec's choice of method or threshold. */
export function columnDrift(
  ref: ColumnProfile,
  column: FeatureColumn,
  override: ColumnDriftOverride | undefined,
): FeatureDrift {
  if (ref.type === "text") return textDrift(ref, column, override);
  const method = override?.method ?? defaultMethod(ref.type, ref.rows - ref.missing);
  const threshold = override?.threshold ?? DEFAULT_THRESHOLDS[method];
  if (ref.type === "numeric") return numericDrift(ref, asNumbers(column), method, threshold);
  return categoricalDrift(ref, categoryCounts(column), lengthOf(column), method, threshold);
}

const NUMERIC_METHODS: readonly DriftMethod[] = ["ks", "wasserstein"];

/**
 * A text feature is drifted when the mix of its tokens (characters or words)
 * or its length moved. Token counts are rescaled so each text weighs one row:
 * tokens of one string are not independent draws, and counting them as such
 * would make every test far too sure of itself.
 */
function textDrift(
  ref: TextProfile,
  column: FeatureColumn,
  override: ColumnDriftOverride | undefined,
): FeatureDrift {
  const values = column.type === "text" ? column.values : [];
  const present = ref.rows - ref.missing;
  const lengthOverride = override?.method && NUMERIC_METHODS.includes(override.method);
  const tokenMethod =
    (!lengthOverride && override?.method) || defaultMethod("categorical", present);
  const lengthMethod = (lengthOverride && override?.method) || defaultMethod("numeric", present);
  const tokenProfile: CategoricalProfile = {
    name: ref.name,
    type: "categorical",
    rows: ref.rows,
    missing: ref.missing,
    counts: perRow(ref.tokens, present),
  };
  const currentLengths = textLengths(values);
  const currentPresent = currentLengths.filter((v) => !Number.isNaN(v)).length;
  const tokens = categoricalDrift(
    tokenProfile,
    new Map(Object.entries(perRow(currentTokens(values, ref), currentPresent))),
    values.length,
    tokenMethod,
    (!lengthOverride && override?.threshold) || DEFAULT_THRESHOLDS[tokenMethod],
  );
  const length = numericDrift(
    ref.lengths,
    currentLengths,
    lengthMethod,
    (lengthOverride && override?.threshold) || DEFAULT_THRESHOLDS[lengthMethod],
  );
  const { method, statistic, p_value, distance, threshold, noise_floor, drifted, distribution } =
    length;
  const lengthFields: LengthDrift = {
    method,
    statistic,
    ...(p_value === undefined ? {} : { p_value }),
    ...(distance === undefined ? {} : { distance }),
    threshold,
    ...(noise_floor === undefined ? {} : { noise_floor }),
    drifted,
    distribution,
  };
  return {
    ...tokens,
    type: "text",
    current_missing_share: values.length === 0 ? 0 : 1 - currentPresent / values.length,
    drifted: tokens.drifted || length.drifted,
    note: `tokens: the ${TEXT_TOKENS} most frequent ${ref.analyzer === "char" ? "characters" : "words"}${length.note ? `; length: ${length.note}` : ""}`,
    length: lengthFields,
  };
}

/** Token counts of the current texts, on the reference's tokens (others under OTHER_TOKENS). */
function currentTokens(values: readonly string[], ref: TextProfile): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const [token, count] of tokenCounts(values, ref.analyzer)) {
    const key = token in ref.tokens && token !== OTHER_TOKENS ? token : OTHER_TOKENS;
    counts[key] = (counts[key] ?? 0) + count;
  }
  return counts;
}

/** Counts scaled to sum to `rows` (each text weighs one row). */
function perRow(counts: Record<string, number>, rows: number): Record<string, number> {
  const total = sumValues(Object.values(counts));
  if (total === 0) return {};
  return Object.fromEntries(Object.entries(counts).map(([k, v]) => [k, (v * rows) / total]));
}

function numericDrift(
  ref: NumericProfile,
  values: Float64Array,
  method: DriftMethod,
  threshold: number,
): FeatureDrift {
  const current = presentSorted(values);
  const base = {
    feature: ref.name,
    type: "numeric" as const,
    method,
    threshold,
    reference_rows: ref.rows,
    current_rows: values.length,
    current_missing_share: values.length === 0 ? 0 : 1 - current.length / values.length,
    distribution: numericDistribution(ref.values, current),
  };
  if (current.length === 0 || ref.values.length === 0) {
    return {
      ...base,
      statistic: Number.NaN,
      drifted: current.length !== ref.values.length,
      note: "no values to compare on one side",
    };
  }
  switch (method) {
    case "ks": {
      const { statistic, pValue } = ksTwoSampleSorted(capped(ref.values), capped(current));
      return { ...base, statistic, p_value: pValue, drifted: pValue < threshold };
    }
    case "wasserstein": {
      const scale = Math.max(ref.std, 1e-12);
      const distance = wassersteinSorted(ref.values, current) / scale;
      return {
        ...base,
        ...distanceVerdict(
          distance,
          threshold,
          wassersteinNoiseFloor(ref.values, current.length) / scale,
        ),
      };
    }
    case "psi": {
      const [r, c] = binCounts(ref.values, current, PSI_BINS);
      return { ...base, ...distanceVerdict(populationStabilityIndex(r, c), threshold) };
    }
    default:
      throw invalidData(`Method ${method} does not apply to numeric feature "${ref.name}"`);
  }
}

function categoricalDrift(
  ref: CategoricalProfile,
  counts: Map<string, number>,
  rows: number,
  method: DriftMethod,
  threshold: number,
): FeatureDrift {
  const currentPresent = sumValues(counts.values());
  const refPresent = ref.rows - ref.missing;
  const base = {
    feature: ref.name,
    type: "categorical" as const,
    method,
    threshold,
    reference_rows: ref.rows,
    current_rows: rows,
    current_missing_share: rows === 0 ? 0 : 1 - currentPresent / rows,
    distribution: categoricalDistribution(ref.counts, counts),
  };
  if (currentPresent === 0 || refPresent === 0) {
    return {
      ...base,
      statistic: Number.NaN,
      drifted: currentPresent !== refPresent,
      note: "no values to compare on one side",
    };
  }
  const { observed, referenceCounts } = pooledCounts(
    ref.counts,
    refPresent,
    counts,
    currentPresent,
  );
  switch (method) {
    case "chisquare": {
      const expected = referenceCounts.map((r) => (r * currentPresent) / refPresent);
      const { statistic, pValue } = chiSquare(observed, expected);
      return { ...base, statistic, p_value: pValue, drifted: pValue < threshold };
    }
    case "jensenshannon": {
      const distance = jensenShannon(referenceCounts, observed);
      return {
        ...base,
        ...distanceVerdict(
          distance,
          threshold,
          noiseFloor(observed.length, refPresent, currentPresent),
        ),
      };
    }
    case "psi": {
      return {
        ...base,
        ...distanceVerdict(populationStabilityIndex(referenceCounts, observed), threshold),
      };
    }
    default:
      throw invalidData(`Method ${method} does not apply to categorical feature "${ref.name}"`);
  }
}

/** A distance method's fields: drifted above the threshold, and above the noise floor when there is one. */
function distanceVerdict(distance: number, threshold: number, floor?: number) {
  return {
    statistic: distance,
    distance,
    ...(floor === undefined ? {} : { noise_floor: floor }),
    drifted: distance > Math.max(threshold, floor ?? 0),
  };
}

/**
 * Categories (including ones the reference never saw) are pooled into one
 * bucket when the reference expects fewer than MIN_EXPECTED_COUNT of them in a
 * window this size: with hundreds of categories and a few hundred rows, most
 * cells would otherwise hold 0 or 1 rows and sampling noise alone would read
 * as drift.
 */
function pooledCounts(
  reference: Record<string, number>,
  refPresent: number,
  current: Map<string, number>,
  currentPresent: number,
): { observed: number[]; referenceCounts: number[] } {
  const observed: number[] = [];
  const referenceCounts: number[] = [];
  let pooledRef = 0;
  let pooledCur = 0;
  const categories = new Set([...Object.keys(reference), ...current.keys()]);
  for (const category of [...categories].sort()) {
    const r = reference[category] ?? 0;
    const c = current.get(category) ?? 0;
    if ((r * currentPresent) / refPresent < MIN_EXPECTED_COUNT) {
      pooledRef += r;
      pooledCur += c;
    } else {
      observed.push(c);
      referenceCounts.push(r);
    }
  }
  if (pooledRef > 0 || pooledCur > 0) {
    observed.push(pooledCur);
    referenceCounts.push(pooledRef);
  }
  return { observed, referenceCounts };
}

/**
 * Under no drift, 8·n·JS² is close to a chi-square on k − 1 degrees of freedom
 * (n the effective sample size of the two samples), so a distance below this
 * quantile is what sampling alone produces.
 */
function noiseFloor(categories: number, refRows: number, currentRows: number): number {
  if (categories < 2) return 0;
  const n = (refRows * currentRows) / (refRows + currentRows);
  return Math.sqrt(chiSquareUpperQuantile(NOISE_FLOOR_P, categories - 1) / (8 * n));
}

/**
 * A window of n rows drawn from the reference itself lies at a Wasserstein
 * distance of about √(2/π)·∫√(F(1−F))dx / √n (del Barrio, Giné & Matrán 1999);
 * below a multiple of that, a "drift" is only the window being small.
 */
function wassersteinNoiseFloor(reference: Float64Array, currentRows: number): number {
  const n = reference.length;
  if (n < 2 || currentRows === 0) return 0;
  let integral = 0;
  for (let i = 0; i < n - 1; i++) {
    const f = (i + 1) / n;
    integral += Math.sqrt(f * (1 - f)) * (reference[i + 1]! - reference[i]!);
  }
  const effective = (n * currentRows) / (n + currentRows);
  return (WASSERSTEIN_NOISE_MULTIPLE * Math.sqrt(2 / Math.PI) * integral) / Math.sqrt(effective);
}

/** KS stays on its exact path: a larger sample is thinned to an even spread of KS_MAX_EXACT_N values. */
function capped(sorted: Float64Array): Float64Array {
  if (sorted.length <= KS_MAX_EXACT_N) return sorted;
  const indices = Uint32Array.from({ length: sorted.length }, (_, i) => i);
  shuffleInPlace(indices, createRandom(7));
  return Float64Array.from(indices.subarray(0, KS_MAX_EXACT_N), (i) => sorted[i]!).sort();
}

function numericDistribution(ref: Float64Array, current: Float64Array): Distribution {
  const [reference, cur, edges] = binCounts(ref, current, DISTRIBUTION_BINS);
  return { kind: "numeric", edges, reference: shares(reference), current: shares(cur) };
}

/** Counts of both sorted samples in `bins` equal-width bins over their joint range. */
function binCounts(
  ref: Float64Array,
  current: Float64Array,
  bins: number,
): [number[], number[], number[]] {
  const low = Math.min(ref[0] ?? Number.POSITIVE_INFINITY, current[0] ?? Number.POSITIVE_INFINITY);
  const high = Math.max(
    ref.at(-1) ?? Number.NEGATIVE_INFINITY,
    current.at(-1) ?? Number.NEGATIVE_INFINITY,
  );
  const width = high > low ? (high - low) / bins : 1;
  const edges = Array.from({ length: bins + 1 }, (_, i) => low + i * width);
  const count = (values: Float64Array) => {
    const counts = new Array<number>(bins).fill(0);
    for (const v of values) counts[Math.min(bins - 1, Math.floor((v - low) / width))]!++;
    return counts;
  };
  return [count(ref), count(current), edges];
}

function categoricalDistribution(
  reference: Record<string, number>,
  current: Map<string, number>,
): Distribution {
  const weight = (c: string) => (reference[c] ?? 0) + (current.get(c) ?? 0);
  const all = [...new Set([...Object.keys(reference), ...current.keys()])].sort(
    (a, b) => weight(b) - weight(a),
  );
  const shown = all.slice(0, DISTRIBUTION_BINS);
  const rest = all.slice(DISTRIBUTION_BINS);
  const refCounts = shown.map((c) => reference[c] ?? 0);
  const curCounts = shown.map((c) => current.get(c) ?? 0);
  if (rest.length > 0) {
    refCounts.push(sumValues(rest.map((c) => reference[c] ?? 0)));
    curCounts.push(sumValues(rest.map((c) => current.get(c) ?? 0)));
  }
  return {
    kind: "categorical",
    categories: rest.length > 0 ? [...shown, OTHER] : shown,
    reference: shares(refCounts),
    current: shares(curCounts),
  };
}

function categoryCounts(column: FeatureColumn): Map<string, number> {
  const counts = new Map<string, number>();
  if (column.type === "categorical") {
    for (const code of column.codes) {
      if (code >= 0) {
        const label = column.vocabulary[code]!;
        counts.set(label, (counts.get(label) ?? 0) + 1);
      }
    }
  } else {
    for (const v of column.values)
      if (!Number.isNaN(v)) counts.set(String(v), (counts.get(String(v)) ?? 0) + 1);
  }
  return counts;
}

function asNumbers(column: FeatureColumn): Float64Array {
  if (column.type === "numeric" || column.type === "datetime") return column.values;
  if (column.type === "text") return Float64Array.from(column.values, Number);
  return Float64Array.from(column.codes, (code) =>
    code < 0 ? Number.NaN : Number(column.vocabulary[code]),
  );
}

function shares(counts: number[]): number[] {
  const total = sumValues(counts);
  return counts.map((c) => (total === 0 ? 0 : c / total));
}

function sumValues(values: Iterable<number>): number {
  let sum = 0;
  for (const v of values) sum += v;
  return sum;
}

export function lengthOf(column: FeatureColumn): number {
  return column.type === "categorical" ? column.codes.length : column.values.length;
}
