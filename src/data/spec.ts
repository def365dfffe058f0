// The dataset spec: a JSON file beside the data (`<name>.spec.json`) saying
// which column is the target, which is time, and how to read the features.
// It is checked strictly so a typo fails loudly instead of training on the
// wrong column.

import { stat } from "node:fs/promises";
import { AppError, errorMessage, invalidData } from "../errors.ts";
import type { FeatureType, Task } from "./dataset.ts";
import { DATE_PARTS, type DatetimePart, type EpochUnit } from "./datetime.ts";
import type { ColumnSchema } from "./schema.ts";
import { defaultTextOptions, type TextOptions } from "./text.ts";

/** How the spec may describe a datetime feature: numbers as epochs, and which parts to learn from. */
export interface DatetimeFeatureSpec {
  type: "datetime";
  epoch?: EpochUnit;
  parts?: DatetimePart[];
}

/** How the spec may describe a text feature; unset fields take the analyzer's defaults. */
export interface TextFeatureSpec {
  type: "text";
  analyzer?: "char" | "word";
  ngram_range?: [number, number];
  max_features?: number;
  idf?: boolean;
  lowercase?: boolean;
}

export interface DatasetSpec {
  name?: string;
  target: string;
  task?: Task;
  time_column?: string;
  features?: Record<string, FeatureType | TextFeatureSpec | DatetimeFeatureSpec>;
  params?: Record<string, number | string | boolean>;
  /** Drift test choices (checked by src/drift/drift-spec.ts, which knows the methods). */
  drift?: Record<string, unknown>;
  description?: string;
  source?: string;
  license?: string;
}

const STRING_FIELDS = ["name", "time_column", "description", "source", "license"] as const;
const KNOWN_FIELDS = new Set<string>([
  "$schema",
  "target",
  "task",
  "features",
  "params",
  "drift",
  ...STRING_FIELDS,
]);
const DATA_EXTENSION = /\.(csv|jsonl|ndjson|json|parquet)$/i;

/** Reads and validates a spec file; errors name the file and the field. */
export async function readSpec(path: string): Promise<DatasetSpec> {
  const file = Bun.file(path);
  if (!(await file.exists())) {
    throw new AppError("DATA_UNAVAILABLE", `Dataset spec ${path} not found`);
  }
  let value: unknown;
  try {
    value = JSON.parse(await file.text());
  } catch (error) {
    throw invalidData(`Dataset spec ${path} is not valid JSON: ${errorMessage(error)}`);
  }
  return validateSpec(value, path);
}

/** Validates an already-parsed spec; `origin` names it in error messages. */
export function validateSpec(value: unknown, origin: string): DatasetSpec {
  const fail = (message: string) => invalidData(`Dataset spec ${origin}: ${message}`);
  if (!isRecord(value)) throw fail("must be a JSON object");
  for (const key of Object.keys(value)) {
    if (!KNOWN_FIELDS.has(key)) {
      throw fail(`unknown field "${key}" (known: ${[...KNOWN_FIELDS].slice(1).join(", ")})`);
    }
  }
  if (!isNonEmptyString(value.target)) throw fail(`"target" must be a non-empty string`);
  for (const field of STRING_FIELDS) {
    if (value[field] !== undefined && !isNonEmptyString(value[field])) {
      throw fail(`"${field}" must be a non-empty string`);
    }
  }
  if (value.task !== undefined && value.task !== "classification" && value.task !== "regression") {
    throw fail(
      `"task" must be "classification" or "regression", got ${JSON.stringify(value.task)}`,
    );
  }
  checkFeatures(value.features, fail);
  checkParams(value.params, fail);
  if (value.drift !== undefined && !isRecord(value.drift)) throw fail(`"drift" must be an object`);
  const { $schema: _ignored, ...spec } = value;
  return spec as unknown as DatasetSpec;
}

const FEATURE_TYPES = ["numeric", "categorical", "text", "datetime"];
const DATETIME_FIELDS = new Set(["type", "epoch", "parts"]);
const ALL_PARTS: readonly string[] = [...DATE_PARTS, "hour"];
const TEXT_FIELDS = new Set([
  "type",
  "analyzer",
  "ngram_range",
  "max_features",
  "idf",
  "lowercase",
]);

function checkFeatures(features: unknown, fail: (message: string) => AppError): void {
  if (features === undefined) return;
  if (!isRecord(features) || Object.keys(features).length === 0) {
    throw fail(
      `"features" must be an object mapping column names to "numeric", "categorical", "text" or "datetime"`,
    );
  }
  for (const [name, type] of Object.entries(features)) {
    if (isRecord(type) && type.type === "datetime") checkDatetimeFeature(name, type, fail);
    else if (isRecord(type)) checkTextFeature(name, type, fail);
    else if (!FEATURE_TYPES.includes(type as string)) {
      throw fail(
        `feature "${name}" must be "numeric", "categorical", "text", "datetime" or {"type": "text" | "datetime", ...}, got ${JSON.stringify(type)}`,
      );
    }
  }
}

function checkDatetimeFeature(
  name: string,
  spec: Record<string, unknown>,
  fail: (message: string) => AppError,
): void {
  const bad = (why: string) => fail(`datetime feature "${name}": ${why}`);
  for (const key of Object.keys(spec)) {
    if (!DATETIME_FIELDS.has(key)) {
      throw bad(`unknown field "${key}" (known: ${[...DATETIME_FIELDS]})`);
    }
  }
  if (spec.epoch !== undefined && spec.epoch !== "s" && spec.epoch !== "ms") {
    throw bad(`"epoch" must be "s" (seconds since 1970-01-01) or "ms"`);
  }
  const parts = spec.parts;
  const valid =
    Array.isArray(parts) &&
    parts.length > 0 &&
    parts.every((p) => ALL_PARTS.includes(p)) &&
    new Set(parts).size === parts.length;
  if (parts !== undefined && !valid) {
    throw bad(`"parts" must be a list of distinct parts among ${ALL_PARTS.join(", ")}`);
  }
}

function checkTextFeature(
  name: string,
  spec: Record<string, unknown>,
  fail: (message: string) => AppError,
): void {
  const bad = (why: string) => fail(`text feature "${name}": ${why}`);
  for (const key of Object.keys(spec)) {
    if (!TEXT_FIELDS.has(key)) throw bad(`unknown field "${key}" (known: ${[...TEXT_FIELDS]})`);
  }
  if (spec.type !== "text") throw bad(`"type" must be "text"`);
  if (spec.analyzer !== undefined && spec.analyzer !== "char" && spec.analyzer !== "word") {
    throw bad(`"analyzer" must be "char" or "word"`);
  }
  const range = spec.ngram_range;
  const validRange =
    Array.isArray(range) &&
    range.length === 2 &&
    range.every((n) => Number.isInteger(n) && n >= 1 && n <= 5) &&
    range[0] <= range[1];
  if (range !== undefined && !validRange) {
    throw bad(`"ngram_range" must be [min, max] with 1 ≤ min ≤ max ≤ 5`);
  }
  const max = spec.max_features;
  if (max !== undefined && !(Number.isInteger(max) && (max as number) >= 1)) {
    throw bad(`"max_features" must be an integer ≥ 1`);
  }
  for (const flag of ["idf", "lowercase"]) {
    if (spec[flag] !== undefined && typeof spec[flag] !== "boolean") {
      throw bad(`"${flag}" must be true or false`);
    }
  }
}

/** The spec's features as column schemas, text options filled in from the analyzer's defaults. */
export function specFeatures(spec: DatasetSpec): ColumnSchema[] | undefined {
  if (!spec.features) return undefined;
  return Object.entries(spec.features).map(([name, type]): ColumnSchema => {
    if (type === "text") return { name, type, text: defaultTextOptions() };
    if (typeof type === "string") return { name, type };
    if (type.type === "datetime") {
      const datetime = {
        ...(type.epoch ? { epoch: type.epoch } : {}),
        ...(type.parts ? { parts: type.parts } : {}),
      };
      return { name, type: "datetime", datetime };
    }
    const defaults = defaultTextOptions(type.analyzer);
    const text: TextOptions = {
      analyzer: defaults.analyzer,
      ngramRange: type.ngram_range ?? defaults.ngramRange,
      maxFeatures: type.max_features ?? defaults.maxFeatures,
      idf: type.idf ?? defaults.idf,
      lowercase: type.lowercase ?? defaults.lowercase,
    };
    return { name, type: "text", text };
  });
}

function checkParams(params: unknown, fail: (message: string) => AppError): void {
  if (params === undefined) return;
  if (!isRecord(params)) throw fail(`"params" must be an object`);
  for (const [name, param] of Object.entries(params)) {
    const ok =
      typeof param === "string" ||
      typeof param === "boolean" ||
      (typeof param === "number" && Number.isFinite(param));
    if (!ok) throw fail(`param "${name}" must be a number, string or boolean`);
  }
}

/**
 * The spec path for a local data file (`data/x.csv` → `data/x.spec.json`) when
 * that file exists; undefined for URLs and for data without a spec.
 */
export async function findSpecFor(dataPath: string): Promise<string | undefined> {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(dataPath) || !DATA_EXTENSION.test(dataPath)) {
    return undefined;
  }
  const specPath = dataPath.replace(DATA_EXTENSION, ".spec.json");
  try {
    return (await stat(specPath)).isFile() ? specPath : undefined;
  } catch {
    return undefined;
  }
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

const isNonEmptyString = (value: unknown): value is string =>
  typeof value === "string" && value.trim() !== "";
