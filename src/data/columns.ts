// Typed columns from raw cells: numeric features as Float64Array, categorical
// ones as codes over a sorted vocabulary, and the target as classes or values.
// A feature no model could learn from is not refused: `uninformative` says
// why, and the caller sets it aside. A target no model could learn is refused.

import { invalidData } from "../errors.ts";
import type {
  DatetimeColumn,
  FeatureColumn,
  FeatureType,
  Target,
  Task,
  TextColumn,
} from "./dataset.ts";
import { datetimeOptionsFor, parseDatetime } from "./datetime.ts";
import { type ColumnSchema, inferType, toCategory, toNumber } from "./schema.ts";
import type { Cell } from "./table.ts";
import { defaultTextOptions, toText } from "./text.ts";

/** A numeric target with at most this many distinct integer values is read as classes. */
export const MAX_INTEGER_CLASSES = 10;

export function buildFeature(
  feature: ColumnSchema,
  cells: Cell[],
  rows: Uint32Array,
): FeatureColumn {
  if (feature.type === "numeric") return numericColumn(feature.name, cells, rows);
  if (feature.type === "text") return textColumn(feature, cells, rows);
  if (feature.type === "datetime") return datetimeColumn(feature, cells, rows);
  return categoricalColumn(feature.name, cells, rows);
}

function datetimeColumn(feature: ColumnSchema, cells: Cell[], rows: Uint32Array): DatetimeColumn {
  const epoch = feature.datetime?.epoch;
  const values = Float64Array.from(rows, (r) => parseDatetime(cells[r], epoch));
  const bad = Array.from(rows, (r) => cells[r]).find(
    (cell, i) => Number.isNaN(values[i]!) && toCategory(cell) !== null,
  );
  if (bad !== undefined) {
    const expected = epoch
      ? `a number of ${epoch === "s" ? "seconds" : "milliseconds"} since 1970-01-01`
      : "a date like 2024-05-01 or a date-time like 2024-05-01T13:45:00Z";
    throw invalidData(
      `Feature "${feature.name}" holds ${JSON.stringify(bad)}, which is not ${expected}`,
    );
  }
  const chosen = datetimeOptionsFor(values, epoch);
  const parts = feature.datetime?.parts ?? chosen.parts;
  return { name: feature.name, type: "datetime", values, options: { ...chosen, parts } };
}

function textColumn(feature: ColumnSchema, cells: Cell[], rows: Uint32Array): TextColumn {
  const values = Array.from(rows, (r) => toText(cells[r]));
  const options = feature.text ?? defaultTextOptions();
  return { name: feature.name, type: "text", values, options };
}

function numericColumn(name: string, cells: Cell[], rows: Uint32Array): FeatureColumn {
  return { name, type: "numeric", values: Float64Array.from(rows, (r) => toNumber(cells[r])) };
}

function categoricalColumn(name: string, cells: Cell[], rows: Uint32Array): FeatureColumn {
  const labels = Array.from(rows, (r) => toCategory(cells[r]));
  const vocabulary = distinctSorted(labels);
  return { name, type: "categorical", vocabulary, codes: encode(labels, vocabulary) };
}

/**
 * Why a feature column carries no signal a model could use, or undefined when
 * it does: no row has a value, or every row has the same one. (One value plus
 * missing rows is a signal: whether the value is there.)
 */
export function uninformative(column: FeatureColumn): string | undefined {
  const { present, distinct, example } = valueCounts(column);
  if (present === 0) return "empty: no row has a value";
  if (distinct > 1 || present < rowCount(column)) return undefined;
  const shown = typeof example === "string" ? JSON.stringify(example) : String(example);
  return `constant: every value is ${shown}`;
}

function valueCounts(column: FeatureColumn) {
  if (column.type === "categorical") {
    const present = column.codes.filter((code) => code >= 0).length;
    return { present, distinct: column.vocabulary.length, example: column.vocabulary[0] };
  }
  const values: (number | string)[] =
    column.type === "text"
      ? column.values.filter((v) => v !== "")
      : Array.from(column.values as Float64Array).filter((v) => !Number.isNaN(v));
  return { present: values.length, distinct: new Set(values).size, example: values[0] };
}

const rowCount = (column: FeatureColumn) =>
  column.type === "categorical" ? column.codes.length : column.values.length;

export function buildTarget(name: string, cells: Cell[], rows: Uint32Array, task?: Task): Target {
  const type = inferType(cells, rows);
  const resolved = task ?? inferTask(type, cells, rows);
  if (resolved === "regression") return regressionTarget(name, type, cells, rows);
  const labels = Array.from(rows, (r) =>
    type === "numeric" ? String(toNumber(cells[r])) : toCategory(cells[r])!,
  );
  const classes = distinctSorted(labels, type);
  if (classes.length < 2) {
    throw invalidData(
      `Target "${name}" has only one class (${JSON.stringify(classes[0])}); classification needs at least 2`,
    );
  }
  return { task: "classification", name, classes, codes: encode(labels, classes) };
}

function regressionTarget(
  name: string,
  type: FeatureType,
  cells: Cell[],
  rows: Uint32Array,
): Target {
  if (type !== "numeric") {
    const bad = Array.from(rows, (r) => cells[r]).find((cell) => Number.isNaN(toNumber(cell)));
    throw invalidData(
      `Target "${name}" must be numeric for regression but holds ${JSON.stringify(bad)}`,
    );
  }
  const values = Float64Array.from(rows, (r) => toNumber(cells[r]));
  if (new Set(values).size < 2) {
    throw invalidData(
      `Target "${name}" is constant (every value is ${values[0]}); there is nothing to learn`,
    );
  }
  return { task: "regression", name, values };
}

/** Text → classes; a few distinct integers (0/1, ratings) → classes; other numbers → regression. */
function inferTask(type: FeatureType, cells: Cell[], rows: Uint32Array): Task {
  if (type !== "numeric") return "classification";
  const distinct = new Set<number>();
  for (const r of rows) {
    const value = toNumber(cells[r]);
    if (!Number.isInteger(value)) return "regression";
    distinct.add(value);
    if (distinct.size > MAX_INTEGER_CLASSES) return "regression";
  }
  return "classification";
}

/** Distinct non-null labels in code-unit order (numerically when they are numbers). */
function distinctSorted(labels: (string | null)[], type: FeatureType = "categorical"): string[] {
  const distinct = [...new Set(labels)].filter((label): label is string => label !== null);
  return type === "numeric"
    ? distinct.sort((a, b) => Number(a) - Number(b))
    : distinct.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

function encode(labels: (string | null)[], vocabulary: string[]): Int32Array {
  const index = new Map(vocabulary.map((label, i) => [label, i]));
  return Int32Array.from(labels, (label) => (label === null ? -1 : index.get(label)!));
}
