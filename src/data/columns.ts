// Typed columns from raw cells: numeric features as Float64Array, categorical
// ones as codes over a sorted vocabulary, and the target as classes or values.
// Columns no model could learn from are refused here, naming the column.

import { invalidData } from "../errors.ts";
import type { FeatureColumn, FeatureType, Target, Task, TextColumn } from "./dataset.ts";
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
  return categoricalColumn(feature.name, cells, rows);
}

function textColumn(feature: ColumnSchema, cells: Cell[], rows: Uint32Array): TextColumn {
  const values = Array.from(rows, (r) => toText(cells[r]));
  const present = values.filter((v) => v !== "");
  checkInformative(feature.name, present.length, new Set(present).size, present[0], values.length);
  const options = feature.text ?? defaultTextOptions();
  return { name: feature.name, type: "text", values, options };
}

function numericColumn(name: string, cells: Cell[], rows: Uint32Array): FeatureColumn {
  const values = Float64Array.from(rows, (r) => toNumber(cells[r]));
  const present = values.filter((v) => !Number.isNaN(v));
  checkInformative(name, present.length, new Set(present).size, present[0], values.length);
  return { name, type: "numeric", values };
}

function categoricalColumn(name: string, cells: Cell[], rows: Uint32Array): FeatureColumn {
  const labels = Array.from(rows, (r) => toCategory(cells[r]));
  const vocabulary = distinctSorted(labels);
  const present = labels.filter((label) => label !== null).length;
  checkInformative(name, present, vocabulary.length, vocabulary[0], labels.length);
  return { name, type: "categorical", vocabulary, codes: encode(labels, vocabulary) };
}

/** A column with no value, or only one, carries no signal a model could use. */
function checkInformative(
  name: string,
  present: number,
  distinct: number,
  example: number | string | undefined,
  rows: number,
): void {
  if (present === 0) throw invalidData(`Column "${name}" is empty: no row has a value`);
  if (distinct > 1) return;
  const shown = typeof example === "string" ? JSON.stringify(example) : String(example);
  const every = present === rows ? "every value" : "every non-missing value";
  throw invalidData(
    `Column "${name}" is constant (${every} is ${shown}); it cannot inform a model`,
  );
}

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
