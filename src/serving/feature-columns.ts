// Prediction rows as the typed columns a model's input tensors are made of,
// checked and filled in one pass. Numbers (numeric and datetime features) go
// into one Float64Array, feature after feature (NaN is missing); strings
// (categorical and text features) into one array likewise ("" is missing, as the
// graph reads it). A 1,000-row batch is then two arrays instead of 1,000 checked
// row objects, and a float64 input tensor is a view of its column, not a copy.
//
// The pass here only decides, as fast as it can, that every row is clean. At the
// first doubt it hands the rows to validate-rows.ts, which names every bad field
// in row order, so a 422 reads exactly as it always has. The two agree on what is
// clean because they apply the same rules (tested on random rows).

import {
  type FeatureSignature,
  ignoredFields,
  type ModelSignature,
} from "../registry/model-format.ts";
import { asText, checkText, findProblems, invalidRows, readDatetime } from "./validate-rows.ts";

export interface FeatureColumns {
  /** Rows held. */
  count: number;
  /** Numeric and datetime features: number slot k holds rows [k·count, (k+1)·count); NaN is missing. */
  numbers: Float64Array;
  /** Categorical and text features, laid out likewise by string slot; "" is missing. */
  strings: string[];
}

/** Where a feature's values live in FeatureColumns. */
export interface ColumnSlot {
  kind: "number" | "string";
  index: number;
}

/** How a signature's features map onto FeatureColumns; one per signature, made once. */
export interface ColumnPlan {
  features: readonly FeatureSignature[];
  /** Per feature, in signature order. */
  slots: ColumnSlot[];
  /** Input tensors are named after features; their slot by that name. */
  slotOf: ReadonlyMap<string, ColumnSlot>;
  numberWidth: number;
  stringWidth: number;
  /** Feature names plus the fields a request may send and the model ignores. */
  known: ReadonlySet<string>;
  /** Per feature, for the hot loop: its name, its type as a small integer, its slot index. */
  names: string[];
  kinds: number[];
  slotIndex: number[];
}

// Feature types as small integers, so the per-value switch compares numbers.
const NUMERIC = 0;
const CATEGORICAL = 1;
const TEXT = 2;
const DATETIME = 3;
const KIND = { numeric: NUMERIC, categorical: CATEGORICAL, text: TEXT, datetime: DATETIME };

const plans = new WeakMap<ModelSignature, ColumnPlan>();

export function columnPlan(signature: ModelSignature): ColumnPlan {
  let plan = plans.get(signature);
  if (!plan) {
    plan = makePlan(signature.features, ignoredFields(signature));
    plans.set(signature, plan);
  }
  return plan;
}

function makePlan(features: readonly FeatureSignature[], ignored: readonly string[]): ColumnPlan {
  let numberWidth = 0;
  let stringWidth = 0;
  const slots = features.map((feature): ColumnSlot => {
    const numeric = feature.type === "numeric" || feature.type === "datetime";
    return numeric
      ? { kind: "number", index: numberWidth++ }
      : { kind: "string", index: stringWidth++ };
  });
  return {
    features,
    slots,
    slotOf: new Map(features.map((feature, i) => [feature.name, slots[i]!])),
    numberWidth,
    stringWidth,
    known: new Set([...features.map((f) => f.name), ...ignored]),
    names: features.map((f) => f.name),
    // A type this file does not know is checked as a category, as validate-rows.ts checks it.
    kinds: features.map((f) => KIND[f.type] ?? CATEGORICAL),
    slotIndex: slots.map((slot) => slot.index),
  };
}

/**
 * Checks `rows` against the signature's features and returns them as columns, or throws
 * INVALID_INPUT (422) naming each bad field (and its row in a batch). As before columns
 * existed, datetime and text values in the row objects are replaced by what the model
 * reads (seconds since the epoch, trimmed text) once every row is clean: the live window
 * keeps those objects.
 */
export function readFeatureColumns(
  rows: readonly unknown[],
  signature: ModelSignature,
): FeatureColumns {
  const plan = columnPlan(signature);
  const columns = fillColumns(rows, plan);
  if (!columns) throw refusal(rows, plan);
  writeBackReadValues(rows as Record<string, unknown>[], plan, columns);
  return columns;
}

/** The fast pass: the columns, or undefined at the first value or key it does not accept. */
function fillColumns(rows: readonly unknown[], plan: ColumnPlan): FeatureColumns | undefined {
  const count = rows.length;
  const { features, known, names, kinds, slotIndex } = plan;
  const width = features.length;
  const numbers = new Float64Array(plan.numberWidth * count);
  const strings = new Array<string>(plan.stringWidth * count);
  // Rows of one request nearly always list the same keys in the same order; once a key
  // list has been checked, an identical one (compared string by string) needs no lookups.
  let checkedKeys: string[] = [];
  for (let r = 0; r < count; r++) {
    const row = rows[r];
    if (typeof row !== "object" || row === null || Array.isArray(row)) return undefined;
    const record = row as Record<string, unknown>;
    for (let f = 0; f < width; f++) {
      const value = record[names[f]!];
      const at = slotIndex[f]! * count + r;
      switch (kinds[f]) {
        case NUMERIC:
          if (typeof value === "number" && Number.isFinite(value)) numbers[at] = value;
          else if (value === null) numbers[at] = Number.NaN;
          else return undefined;
          break;
        case CATEGORICAL:
          if (typeof value === "string") strings[at] = value;
          else if (value === null) strings[at] = "";
          else return undefined;
          break;
        case TEXT:
          if (value === undefined || (value !== null && checkText(value))) return undefined;
          strings[at] = asText(value);
          break;
        case DATETIME: {
          const { seconds, problem } = readDatetime(features[f]!, value);
          if (problem) return undefined;
          numbers[at] = seconds ?? Number.NaN;
        }
      }
    }
    const keys = Object.keys(record);
    if (!sameStrings(keys, checkedKeys)) {
      for (const key of keys) if (!known.has(key)) return undefined;
      checkedKeys = keys;
    }
  }
  return { count, numbers, strings };
}

function sameStrings(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** The 422 naming every problem; the fast pass only knows that there is one. */
function refusal(rows: readonly unknown[], plan: ColumnPlan) {
  const problems = findProblems(rows, plan.features, plan.known);
  if (problems.length === 0) {
    // The two passes apply the same rules; reaching this is a bug here, not bad input.
    throw new Error("feature-columns refused rows that validate-rows accepts");
  }
  return invalidRows(problems);
}

function writeBackReadValues(
  records: Record<string, unknown>[],
  plan: ColumnPlan,
  columns: FeatureColumns,
): void {
  const { count, numbers, strings } = columns;
  plan.features.forEach((feature, f) => {
    const start = plan.slots[f]!.index * count;
    if (feature.type === "datetime") {
      for (let r = 0; r < count; r++) {
        const seconds = numbers[start + r]!;
        records[r]![feature.name] = Number.isNaN(seconds) ? null : seconds;
      }
    } else if (feature.type === "text") {
      for (let r = 0; r < count; r++) records[r]![feature.name] = strings[start + r];
    }
  });
}

/** Columns of several requests, one after the other (concurrent requests share one model run). */
export function concatColumns(parts: readonly FeatureColumns[]): FeatureColumns {
  if (parts.length === 1) return parts[0]!;
  const first = parts[0]!;
  const numberWidth = first.numbers.length / first.count;
  const stringWidth = first.strings.length / first.count;
  let count = 0;
  for (const part of parts) count += part.count;
  const numbers = new Float64Array(numberWidth * count);
  const strings = new Array<string>(stringWidth * count);
  let offset = 0;
  for (const part of parts) {
    const n = part.count;
    for (let k = 0; k < numberWidth; k++) {
      if (n === 1) numbers[k * count + offset] = part.numbers[k]!;
      else numbers.set(part.numbers.subarray(k * n, (k + 1) * n), k * count + offset);
    }
    for (let k = 0; k < stringWidth; k++) {
      for (let r = 0; r < n; r++) strings[k * count + offset + r] = part.strings[k * n + r]!;
    }
    offset += n;
  }
  return { count, numbers, strings };
}

/** One row every model can run: zeros, and each categorical's first category (warm-up). */
export function sampleColumns(signature: ModelSignature): FeatureColumns {
  const plan = columnPlan(signature);
  const strings = new Array<string>(plan.stringWidth).fill("");
  plan.features.forEach((feature, f) => {
    const slot = plan.slots[f]!;
    if (slot.kind === "string") strings[slot.index] = feature.vocabulary?.[0] ?? "";
  });
  return { count: 1, numbers: new Float64Array(plan.numberWidth), strings };
}
