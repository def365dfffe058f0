// A reference profile: what the drift tests need to know about the data a
// version was trained on, built once and stored with the version. Numeric
// columns keep their values sorted (subsampled, seeded, to `maxValues`) so KS
// and Wasserstein are exact at check time without re-sorting; categorical
// columns keep counts per category. Text columns keep both: counts of their
// most frequent tokens (characters or words) and their sorted lengths.

import type { FeatureColumn, TextColumn } from "../data/dataset.ts";
import { createRandom, shuffleInPlace } from "../data/random.ts";
import { characterCount, type TextAnalyzer, tokenize } from "../data/text.ts";
import type { Calibration } from "./calibration.ts";

export const DEFAULT_MAX_VALUES = 100_000;

export interface NumericProfile {
  name: string;
  type: "numeric";
  /** Rows including missing ones. */
  rows: number;
  missing: number;
  mean: number;
  /** Population standard deviation (ddof 0), as Evidently normalises by. */
  std: number;
  /** Smallest and largest present value (exact, whatever the sample; absent in older profiles). */
  min?: number;
  max?: number;
  /** Present values, sorted ascending (a seeded sample when there were more than maxValues). */
  values: Float64Array;
}

export interface CategoricalProfile {
  name: string;
  type: "categorical";
  rows: number;
  missing: number;
  /** Count per category, by category string. */
  counts: Record<string, number>;
}

export interface TextProfile {
  name: string;
  type: "text";
  analyzer: TextAnalyzer;
  rows: number;
  missing: number;
  /** Occurrences of the TEXT_TOKENS most frequent tokens; the rest are summed under OTHER_TOKENS. */
  tokens: Record<string, number>;
  /** Character counts of the present values, as a numeric profile. */
  lengths: NumericProfile;
}

export type ColumnProfile = NumericProfile | CategoricalProfile | TextProfile;

/** How many distinct tokens a text profile keeps by name. */
export const TEXT_TOKENS = 100;
export const OTHER_TOKENS = "(other)";

export interface ReferenceProfile {
  version: 1;
  rows: number;
  columns: ColumnProfile[];
  prediction?: ColumnProfile;
  /** A trained classifier's holdout calibration (calibration.ts), for the label-free estimate. */
  calibration?: Calibration;
}

export interface ProfileOptions {
  maxValues?: number;
  seed?: number;
}

export function buildReferenceProfile(
  input: { features: FeatureColumn[]; prediction?: FeatureColumn },
  options: ProfileOptions = {},
): ReferenceProfile {
  const rows = input.features[0] ? columnLength(input.features[0]) : 0;
  const profile = (column: FeatureColumn) => profileColumn(column, options);
  return {
    version: 1,
    rows,
    columns: input.features.map(profile),
    ...(input.prediction ? { prediction: profile(input.prediction) } : {}),
  };
}

export function profileColumn(column: FeatureColumn, options: ProfileOptions = {}): ColumnProfile {
  if (column.type === "text") return profileText(column, options);
  if (column.type === "categorical") {
    const counts: Record<string, number> = {};
    let missing = 0;
    for (const code of column.codes) {
      if (code < 0) missing++;
      else {
        const label = column.vocabulary[code]!;
        counts[label] = (counts[label] ?? 0) + 1;
      }
    }
    return { name: column.name, type: "categorical", rows: column.codes.length, missing, counts };
  }
  return profileNumbers(column.name, column.values, options);
}

function profileNumbers(name: string, all: Float64Array, options: ProfileOptions): NumericProfile {
  const present = presentSorted(all);
  const values = subsample(present, options.maxValues ?? DEFAULT_MAX_VALUES, options.seed ?? 42);
  const { mean, std } = moments(present);
  return {
    name,
    type: "numeric",
    rows: all.length,
    missing: all.length - present.length,
    mean,
    std,
    // Kept only when finite: JSON, the stored header, has no infinities.
    ...finiteBounds(present),
    values,
  };
}

function profileText(column: TextColumn, options: ProfileOptions): TextProfile {
  const { analyzer } = column.options;
  const lengths = textLengths(column.values);
  const missing = column.values.filter((v) => v === "").length;
  return {
    name: column.name,
    type: "text",
    analyzer,
    rows: column.values.length,
    missing,
    tokens: topTokens(tokenCounts(column.values, analyzer)),
    lengths: profileNumbers(`${column.name} (length)`, lengths, options),
  };
}

/** Length in code points of each value; NaN for a missing one. */
export function textLengths(values: readonly string[]): Float64Array {
  return Float64Array.from(values, (v) => (v === "" ? Number.NaN : characterCount(v)));
}

/** Occurrences of every token (lowercased) over all values. */
export function tokenCounts(
  values: readonly string[],
  analyzer: TextAnalyzer,
): Map<string, number> {
  const counts = new Map<string, number>();
  for (const value of values) {
    for (const token of tokenize(value, { analyzer, lowercase: true })) {
      counts.set(token, (counts.get(token) ?? 0) + 1);
    }
  }
  return counts;
}

function topTokens(counts: Map<string, number>): Record<string, number> {
  const sorted = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  const kept: Record<string, number> = Object.fromEntries(sorted.slice(0, TEXT_TOKENS));
  const rest = sorted.slice(TEXT_TOKENS).reduce((sum, [, count]) => sum + count, 0);
  if (rest > 0) kept[OTHER_TOKENS] = rest;
  return kept;
}

/** The column's non-missing values, sorted ascending. */
export function presentSorted(values: Float64Array): Float64Array {
  return values.filter((v) => !Number.isNaN(v)).sort();
}

function finiteBounds(sorted: Float64Array): { min?: number; max?: number } {
  const min = sorted[0];
  const max = sorted[sorted.length - 1];
  return {
    ...(min !== undefined && Number.isFinite(min) ? { min } : {}),
    ...(max !== undefined && Number.isFinite(max) ? { max } : {}),
  };
}

function subsample(sorted: Float64Array, maxValues: number, seed: number): Float64Array {
  if (sorted.length <= maxValues) return sorted;
  const indices = Uint32Array.from({ length: sorted.length }, (_, i) => i);
  shuffleInPlace(indices, createRandom(seed));
  return Float64Array.from(indices.subarray(0, maxValues), (i) => sorted[i]!).sort();
}

function moments(values: Float64Array): { mean: number; std: number } {
  if (values.length === 0) return { mean: Number.NaN, std: Number.NaN };
  let sum = 0;
  for (const v of values) sum += v;
  const mean = sum / values.length;
  let squares = 0;
  for (const v of values) squares += (v - mean) * (v - mean);
  return { mean, std: Math.sqrt(squares / values.length) };
}

function columnLength(column: FeatureColumn): number {
  return column.type === "categorical" ? column.codes.length : column.values.length;
}

// Stored form: "KEELPROF" + header length (uint32 LE) + JSON header, padded to 8 bytes,
// then each numeric column's values (a text column's lengths) as raw float64 in column order.
const MAGIC = "KEELPROF";

export function encodeProfile(profile: ReferenceProfile): Uint8Array {
  const all = [...profile.columns, ...(profile.prediction ? [profile.prediction] : [])];
  const numeric = all.flatMap((c) => numbersOf(c));
  const strip = (c: ColumnProfile): unknown => {
    if (c.type === "numeric") return { ...c, values: c.values.length };
    if (c.type === "text") return { ...c, lengths: strip(c.lengths) };
    return c;
  };
  const header = new TextEncoder().encode(
    JSON.stringify({
      ...profile,
      columns: profile.columns.map(strip),
      prediction: profile.prediction && strip(profile.prediction),
    }),
  );
  const start = align8(MAGIC.length + 4 + header.length);
  const size = start + numeric.reduce((n, c) => n + c.values.length * 8, 0);
  const bytes = new Uint8Array(size);
  bytes.set(new TextEncoder().encode(MAGIC), 0);
  new DataView(bytes.buffer).setUint32(MAGIC.length, header.length, true);
  bytes.set(header, MAGIC.length + 4);
  let offset = start;
  for (const c of numeric) {
    bytes.set(new Uint8Array(c.values.buffer, c.values.byteOffset, c.values.byteLength), offset);
    offset += c.values.byteLength;
  }
  return bytes;
}

export function decodeProfile(bytes: Uint8Array): ReferenceProfile {
  const fail = (why: string) => new Error(`Corrupt reference profile: ${why}`);
  if (bytes.length < MAGIC.length + 4 || new TextDecoder().decode(bytes.subarray(0, 8)) !== MAGIC) {
    throw fail("it does not start with the profile marker");
  }
  const headerLength = new DataView(bytes.buffer, bytes.byteOffset).getUint32(MAGIC.length, true);
  let parsed: ReferenceProfile & { columns: ColumnProfile[] };
  try {
    parsed = JSON.parse(new TextDecoder().decode(bytes.subarray(12, 12 + headerLength)));
  } catch {
    throw fail("its header is not JSON");
  }
  let offset = align8(12 + headerLength);
  const restore = <T extends ColumnProfile>(c: T): T => {
    if (c.type === "text") return { ...c, lengths: restore(c.lengths) };
    if (c.type !== "numeric") return c;
    const count = c.values as unknown as number;
    if (offset + count * 8 > bytes.length) throw fail("its values are cut short");
    const values = new Float64Array(bytes.slice(offset, offset + count * 8).buffer);
    offset += count * 8;
    return { ...c, values };
  };
  const columns = parsed.columns.map(restore);
  const prediction = parsed.prediction ? restore(parsed.prediction) : undefined;
  return { ...parsed, columns, ...(prediction ? { prediction } : {}) };
}

const align8 = (n: number) => Math.ceil(n / 8) * 8;

function numbersOf(c: ColumnProfile): NumericProfile[] {
  if (c.type === "numeric") return [c];
  return c.type === "text" ? [c.lengths] : [];
}
