// Data quality: what a version's training data says a feature's values look
// like — its range, its categories, how often it is missing — as rules that
// a live row can break one at a time. A pipeline that starts sending nulls or
// a new category shows here at once, per row and in the window's table, long
// before a distribution distance moves. The rules come from the reference
// profile (profile.ts), so every version carries its own.

import type { FeatureColumn } from "../data/dataset.ts";
import type { DescribedFeature } from "./drift-columns.ts";
import type { ColumnProfile, ReferenceProfile } from "./profile.ts";

/** A value this far outside the training range, as a share of that range, is out of range. */
export const RANGE_MARGIN = 0.1;

export type ViolationKind = "out_of_range" | "unseen_category" | "missing" | "type_coerced";

export interface QualityRule {
  feature: string;
  type: DescribedFeature["type"];
  /** Share of training rows missing the feature; a missing value breaks the rule only when this is 0. */
  missingRate: number;
  /** Numeric features: the training range widened by RANGE_MARGIN on each side. */
  range?: { low: number; high: number };
  /** Categorical features: the categories training saw. */
  categories?: ReadonlySet<string>;
}

/** The rules of the model's features, from its reference profile (features the profile lacks get none). */
export function qualityRules(
  profile: ReferenceProfile,
  features: readonly DescribedFeature[],
): QualityRule[] {
  const byName = new Map(profile.columns.map((c) => [c.name, c]));
  return features.flatMap((f): QualityRule[] => {
    // A datetime feature is profiled as its calendar parts; any of them counts its missing rows.
    const column =
      f.type === "datetime"
        ? profile.columns.find((c) => c.name.startsWith(`${f.name}.`))
        : byName.get(f.name);
    if (!column) return [];
    const rule: QualityRule = {
      feature: f.name,
      type: f.type,
      missingRate: column.rows > 0 ? column.missing / column.rows : 0,
    };
    if (f.type === "numeric" && column.type === "numeric") {
      const range = rangeOf(column);
      if (range) rule.range = range;
    }
    if (f.type === "categorical" && column.type === "categorical") {
      rule.categories = new Set(Object.keys(column.counts));
    }
    return [rule];
  });
}

function rangeOf(column: ColumnProfile & { type: "numeric" }) {
  const { values } = column;
  if (values.length === 0) return undefined;
  const min = column.min ?? values[0]!;
  const max = column.max ?? values[values.length - 1]!;
  const margin = (max - min) * RANGE_MARGIN;
  return { low: min - margin, high: max + margin };
}

/** One feature's line of the window's data-quality table. */
export interface FeatureQuality {
  feature: string;
  type: DescribedFeature["type"];
  reference_missing_rate: number;
  current_missing_rate: number;
  /** Numeric: share of the window's present values outside the range. */
  out_of_range_share?: number;
  range?: { low: number; high: number };
  /** Categorical: share of the window's present values training never saw, and the most frequent of them. */
  unseen_share?: number;
  unseen_categories?: { value: string; count: number }[];
}

const UNSEEN_SHOWN = 10;

/**
 * The window's data quality against the rules, from the window's columns as
 * drift reads them (live-columns.ts: numbers as NaN when missing, categories
 * with their own vocabulary).
 */
export function dataQualityTable(
  rules: readonly QualityRule[],
  columns: readonly FeatureColumn[],
): FeatureQuality[] {
  const byName = new Map(columns.map((c) => [c.name, c]));
  return rules.flatMap((rule): FeatureQuality[] => {
    const column =
      rule.type === "datetime" ? partColumn(columns, rule.feature) : byName.get(rule.feature);
    if (!column) return [];
    const line: FeatureQuality = {
      feature: rule.feature,
      type: rule.type,
      reference_missing_rate: rule.missingRate,
      current_missing_rate: missingShare(column),
    };
    if (rule.range && column.type === "numeric") {
      const { low, high } = rule.range;
      let present = 0;
      let outside = 0;
      for (const v of column.values) {
        if (Number.isNaN(v)) continue;
        present++;
        if (v < low || v > high) outside++;
      }
      line.range = rule.range;
      line.out_of_range_share = present > 0 ? outside / present : 0;
    }
    if (rule.categories && column.type === "categorical") {
      Object.assign(line, unseen(rule.categories, column));
    }
    return [line];
  });
}

function partColumn(columns: readonly FeatureColumn[], feature: string) {
  return columns.find((c) => c.name.startsWith(`${feature}.`));
}

function missingShare(column: FeatureColumn): number {
  const n =
    column.type === "numeric"
      ? column.values.length
      : column.type === "categorical"
        ? column.codes.length
        : column.values.length;
  if (n === 0) return 0;
  let missing = 0;
  if (column.type === "numeric") for (const v of column.values) missing += Number.isNaN(v) ? 1 : 0;
  else if (column.type === "categorical") for (const c of column.codes) missing += c < 0 ? 1 : 0;
  else if (column.type === "text") for (const v of column.values) missing += v === "" ? 1 : 0;
  return missing / n;
}

function unseen(categories: ReadonlySet<string>, column: FeatureColumn & { type: "categorical" }) {
  const counts = new Map<string, number>();
  let present = 0;
  let outside = 0;
  for (const code of column.codes) {
    if (code < 0) continue;
    present++;
    const value = column.vocabulary[code]!;
    if (categories.has(value)) continue;
    outside++;
    counts.set(value, (counts.get(value) ?? 0) + 1);
  }
  const top = [...counts.entries()]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, UNSEEN_SHOWN)
    .map(([value, count]) => ({ value, count }));
  return { unseen_share: present > 0 ? outside / present : 0, unseen_categories: top };
}
