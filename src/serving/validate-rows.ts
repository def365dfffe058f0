// What is wrong with prediction rows, checked against a model's features: every
// bad field at once, so a client can fix its request in one go. The request path
// checks rows in a faster pass (feature-columns.ts) and comes here only to name
// the problems once that pass has found one; the per-value rules live here.

import { parseDatetime } from "../data/datetime.ts";
import { MAX_TEXT_CHARS, toText } from "../data/text.ts";
import { invalidInput } from "../errors.ts";
import type { FeatureSignature } from "../registry/model-format.ts";

export type FeatureValue = number | string | null;
export type Row = Record<string, FeatureValue>;

export interface FieldProblem {
  row?: number;
  field: string;
  problem: string;
}

const MAX_REPORTED = 50;

/**
 * Every problem of every row, in row order (within a row: the features in model order,
 * then the fields the model does not know), for the 422 that names them. `null` means a
 * missing value (imputed by the model); an absent key is a problem. `known` holds the
 * feature names and the fields a request may send and the model ignores (the time
 * column, data columns the model does not use). Reads the rows, never changes them.
 */
export function findProblems(
  rows: readonly unknown[],
  features: readonly FeatureSignature[],
  known: ReadonlySet<string>,
): FieldProblem[] {
  const problems: FieldProblem[] = [];
  rows.forEach((row, index) => {
    const at = rows.length > 1 ? { row: index } : {};
    if (typeof row !== "object" || row === null || Array.isArray(row)) {
      problems.push({ ...at, field: "", problem: "must be an object of feature values" });
      return;
    }
    const record = row as Record<string, unknown>;
    for (const feature of features) {
      const problem =
        feature.type === "datetime"
          ? readDatetime(feature, record[feature.name]).problem
          : checkValue(feature, record[feature.name], feature.name in record);
      if (problem) problems.push({ ...at, field: feature.name, problem });
    }
    for (const key of Object.keys(record)) {
      if (!known.has(key))
        problems.push({ ...at, field: key, problem: "is not a feature of this model" });
    }
  });
  return problems;
}

/** INVALID_INPUT (422): the first problems in the message, up to 50 of them in `details.fields`. */
export function invalidRows(problems: FieldProblem[]) {
  return invalidInput(describe(problems), { fields: problems.slice(0, MAX_REPORTED) });
}

function checkValue(
  feature: FeatureSignature,
  value: unknown,
  present: boolean,
): string | undefined {
  if (!present) return "is missing";
  if (value === null) return undefined;
  if (feature.type === "numeric") {
    if (typeof value !== "number") return `must be a number or null, got ${typeName(value)}`;
    if (!Number.isFinite(value)) return "must be a finite number";
    return undefined;
  }
  if (feature.type === "text") return checkText(value);
  if (typeof value !== "string") return `must be a string or null, got ${typeName(value)}`;
  return undefined;
}

/**
 * A datetime becomes seconds since the epoch. It takes a date string, or a
 * number of seconds (milliseconds when the model was trained on ms epochs);
 * it may be left out or null: the model reads it as missing.
 */
export function readDatetime(
  feature: FeatureSignature,
  value: unknown,
): { seconds: number | null; problem?: string } {
  if (value === undefined || value === null) return { seconds: null };
  const epoch = feature.datetime?.epoch;
  if (typeof value === "number") {
    if (!Number.isFinite(value)) return { seconds: null, problem: "must be a finite number" };
    return { seconds: epoch === "ms" ? value / 1000 : value };
  }
  if (typeof value !== "string") {
    return {
      seconds: null,
      problem: `must be a date string, a number or null, got ${typeName(value)}`,
    };
  }
  const seconds = parseDatetime(value, epoch);
  if (Number.isNaN(seconds)) {
    return {
      seconds: null,
      problem: `must be a date like 2024-05-01 or 2024-05-01T13:45:00Z, got ${JSON.stringify(value.slice(0, 40))}`,
    };
  }
  return { seconds };
}

/** Text takes strings, and numbers or booleans as their string form (as a CSV cell would read). */
export function checkText(value: unknown): string | undefined {
  if (typeof value === "number" || typeof value === "boolean") return undefined;
  if (typeof value !== "string") {
    return `must be a string, a number or null, got ${typeName(value)}`;
  }
  if (value.length > MAX_TEXT_CHARS) {
    return `is ${value.length} characters long; text is limited to ${MAX_TEXT_CHARS}`;
  }
  return undefined;
}

/** The text as training read it (trimmed; "" for missing). */
export function asText(value: unknown): string {
  return toText(value as string | number | boolean | null);
}

function typeName(value: unknown): string {
  if (Array.isArray(value)) return "an array";
  if (value === undefined) return "nothing";
  if (typeof value === "object") return "an object";
  return `a ${typeof value}`;
}

function describe(problems: FieldProblem[]): string {
  const shown = problems.slice(0, 5).map((p) => {
    const where = p.row === undefined ? "" : `row ${p.row}: `;
    return p.field ? `${where}feature "${p.field}" ${p.problem}` : `${where}${p.problem}`;
  });
  const more = problems.length > 5 ? ` (and ${problems.length - 5} more)` : "";
  return `Invalid input: ${shown.join("; ")}${more}`;
}
