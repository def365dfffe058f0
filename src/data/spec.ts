// The dataset spec: a JSON file beside the data (`<name>.spec.json`) saying
// which column is the target, which is time, and how to read the features.
// It is checked strictly so a typo fails loudly instead of training on the
// wrong column.

import { stat } from "node:fs/promises";
import { AppError, errorMessage, invalidData } from "../errors.ts";
import type { FeatureType, Task } from "./dataset.ts";

export interface DatasetSpec {
  name?: string;
  target: string;
  task?: Task;
  time_column?: string;
  features?: Record<string, FeatureType>;
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
const DATA_EXTENSION = /\.(csv|jsonl|ndjson|json)$/i;

/** Reads and validates a spec file; errors name the file and the field. */
export async function readSpec(path: string): Promise<DatasetSpec> {
  const file = Bun.file(path);
  if (!(await file.exists())) {
    throw new AppError("DATA_UNAVAILABLE", 422, `Dataset spec ${path} not found`);
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

function checkFeatures(features: unknown, fail: (message: string) => AppError): void {
  if (features === undefined) return;
  if (!isRecord(features) || Object.keys(features).length === 0) {
    throw fail(`"features" must be an object mapping column names to "numeric" or "categorical"`);
  }
  for (const [name, type] of Object.entries(features)) {
    if (type !== "numeric" && type !== "categorical") {
      throw fail(
        `feature "${name}" must be "numeric" or "categorical", got ${JSON.stringify(type)}`,
      );
    }
  }
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
