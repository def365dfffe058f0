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
  /** Per feature, for the compiled row filler: its type as a small integer, its slot index. */
  kinds: number[];
  slotIndex: number[];
}

// Feature types as small integers.
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
  const numbers = new Float64Array(plan.numberWidth * count);
  const strings = new Array<string>(plan.stringWidth * count);
  const fillRow = rowFiller(plan);
  // Rows of one request nearly always list the same keys in the same order; once a key
  // list has been checked, an identical one (compared string by string) needs no lookups.
  let checkedKeys: string[] = [];
  for (let r = 0; r < count; r++) {
    const row = rows[r];
    if (typeof row !== "object" || row === null || Array.isArray(row)) return undefined;
    const record = row as Record<string, unknown>;
    if (!fillRow(record, r, count, numbers, strings)) return undefined;
    const keys = Object.keys(record);
    if (!sameStrings(keys, checkedKeys)) {
      for (const key of keys) if (!plan.known.has(key)) return undefined;
      checkedKeys = keys;
    }
  }
  return { count, numbers, strings };
}

/** Checks one row's features and writes them at row `r`; false at the first value it refuses. */
type RowFiller = (
  record: Record<string, unknown>,
  r: number,
  count: number,
  numbers: Float64Array,
  strings: string[],
) => boolean;

const fillers = new WeakMap<ColumnPlan, RowFiller>();

function rowFiller(plan: ColumnPlan): RowFiller {
  let filler = fillers.get(plan);
  if (!filler) {
    filler = compileRowFiller(plan);
    fillers.set(plan, filler);
  }
  return filler;
}

/**
 * The row filler for one plan, compiled once as a function with one statement per
 * feature. Reading `record[name]` with the name in a variable looks the name up in
 * every row (about 8 ns a value); written as a literal, each feature's read has its
 * own inline cache and costs about 1 ns, which made checking a 1,000 × 20 batch
 * ~3 times faster. Names enter the source only as JSON string literals; the
 * rules are those of validate-rows.ts, whose helpers the text and datetime
 * statements call.
 */
function compileRowFiller(plan: ColumnPlan): RowFiller {
  const statements = plan.features.map((feature, f) => {
    const read = `record[${JSON.stringify(feature.name)}]`;
    const at = `${plan.slotIndex[f]} * count + r`;
    switch (plan.kinds[f]) {
      case NUMERIC:
        return `v = ${read};
          if (typeof v === "number" && Number.isFinite(v)) numbers[${at}] = v;
          else if (v === null) numbers[${at}] = NaN;
          else return false;`;
      case TEXT:
        return `v = ${read};
          if (v === undefined || (v !== null && checkText(v) !== undefined)) return false;
          strings[${at}] = asText(v);`;
      case DATETIME:
        return `d = readDatetime(features[${f}], ${read});
          if (d.problem) return false;
          numbers[${at}] = d.seconds ?? NaN;`;
      default:
        return `v = ${read};
          if (typeof v === "string") strings[${at}] = v;
          else if (v === null) strings[${at}] = "";
          else return false;`;
    }
  });
  const source = `return function fillRow(record, r, count, numbers, strings) {
    let v;
    let d;
    ${statements.join("\n")}
    return true;
  };`;
  const make = new Function("checkText", "asText", "readDatetime", "features", source);
  return make(checkText, asText, readDatetime, plan.features) as RowFiller;
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
