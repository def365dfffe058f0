// Turns a data source into the typed, columnar Dataset trainers use, applying
// the spec (target, time column, features) and rejecting data no model could
// learn from with a message that names the column and the value.

import { invalidData } from "../errors.ts";
import { buildFeature, buildTarget } from "./columns.ts";
import type { Dataset, Task } from "./dataset.ts";
import { type ColumnUse, createFingerprint, type DatasetFingerprint } from "./fingerprint.ts";
import { type ColumnSchema, inferFeature, inferType, toCategory, toNumber } from "./schema.ts";
import { readSource, redactSource } from "./source.ts";
import { type DatasetSpec, findSpecFor, readSpec, specFeatures } from "./spec.ts";
import { type Cell, decodeTable, type RawTable } from "./table.ts";
import { defaultTextOptions } from "./text.ts";

export const MIN_ROWS = 10;

export interface BuildOptions {
  /** Names the data in messages and gives the default dataset name. */
  source?: string;
  spec?: DatasetSpec;
  /** Overrides spec.target. */
  target?: string;
  /** Overrides spec.time_column. */
  timeColumn?: string;
  /** The production model's features: exactly these are used, each must exist. */
  features?: ColumnSchema[];
}

export interface LoadOptions extends BuildOptions {
  source: string;
  timeoutMs?: number;
  maxBytes?: number;
}

export interface ResolvedSpec {
  name: string;
  target: string;
  task: Task;
  timeColumn?: string;
  features: ColumnSchema[];
  params: Record<string, number | string | boolean>;
}

export interface BuiltDataset {
  dataset: Dataset;
  spec: ResolvedSpec;
  /** The time column's values in row order, when there is one. */
  time?: string[];
  droppedRows: number;
  schema: ColumnUse[];
}

export interface LoadedDataset {
  dataset: Dataset;
  fingerprint: DatasetFingerprint;
  spec: ResolvedSpec;
  time?: string[];
}

/**
 * Reads, parses and types a dataset. Without `spec`, a `<name>.spec.json`
 * beside a local file is used when present.
 */
export async function loadDataset(options: LoadOptions): Promise<LoadedDataset> {
  const specPath = options.spec ? undefined : await findSpecFor(options.source);
  const spec = options.spec ?? (specPath ? await readSpec(specPath) : undefined);
  const raw = await readSource(options.source, options);
  const table = await decodeTable(raw.bytes, raw.format, raw.source, options.maxBytes);
  const built = buildDataset(table, { ...options, source: raw.source, spec });
  const fingerprint = createFingerprint({
    source: raw.source,
    format: raw.format,
    bytes: raw.bytes,
    rows: built.dataset.rows,
    droppedRows: built.droppedRows,
    columns: table.columns,
    schema: built.schema,
  });
  const { dataset, spec: resolved, time } = built;
  return time
    ? { dataset, fingerprint, spec: resolved, time }
    : { dataset, fingerprint, spec: resolved };
}

/** The pure part of loadDataset: a parsed table in, a typed Dataset out. */
export function buildDataset(table: RawTable, options: BuildOptions = {}): BuiltDataset {
  const where = redactSource(options.source ?? "data");
  if (table.rows === 0) throw invalidData(`Dataset ${where} is empty: it has no rows`);
  const targetName = options.target ?? options.spec?.target;
  if (!targetName) {
    throw invalidData(
      `No target column given for ${where}: set one, or write a spec file with "target"`,
    );
  }
  const column = (name: string) => table.cells[table.columns.indexOf(name)];
  const targetCells = column(targetName);
  if (!targetCells) {
    throw invalidData(
      `Target column "${targetName}" not found in ${where}; the columns are: ${table.columns.join(", ")}`,
    );
  }
  const timeName = options.timeColumn ?? options.spec?.time_column;
  const timeCells = timeName ? column(timeName) : undefined;
  const kept = keptRows(table.rows, targetCells);
  const order = timeCells ? orderByTime(timeCells, kept) : { rows: kept, kind: "" };
  const rows = order.rows;
  const droppedRows = table.rows - rows.length;
  if (rows.length < MIN_ROWS) {
    throw invalidData(
      `Dataset ${where} has only ${rows.length} usable rows (${droppedRows} dropped for a missing "${targetName}"); at least ${MIN_ROWS} are needed`,
    );
  }
  const usedTime = timeCells ? timeName : undefined;
  const featureSchema = resolveFeatures(table, rows, options, targetName, usedTime, where);
  const features = featureSchema.map((f) => buildFeature(f, column(f.name)!, rows));
  const target = buildTarget(targetName, targetCells, rows, options.spec?.task);
  const spec: ResolvedSpec = {
    name: options.spec?.name ?? datasetName(where),
    target: targetName,
    task: target.task,
    ...(usedTime ? { timeColumn: usedTime } : {}),
    features: featureSchema,
    params: { ...options.spec?.params },
  };
  const dataset: Dataset = { rows: rows.length, features, target };
  const schema = describeColumns(table, rows, spec, order.kind);
  const built: BuiltDataset = { dataset, spec, droppedRows, schema };
  if (timeCells) built.time = Array.from(rows, (r) => toCategory(timeCells[r]) ?? "");
  return built;
}

/** Each column's role and the type it was read as, for the fingerprint. */
function describeColumns(
  table: RawTable,
  rows: Uint32Array,
  spec: ResolvedSpec,
  timeKind: string,
): ColumnUse[] {
  return table.columns.map((name, c): ColumnUse => {
    if (name === spec.target) {
      const type = spec.task === "classification" ? "categorical" : "numeric";
      return { name, type, role: "target" };
    }
    if (name === spec.timeColumn) return { name, type: timeKind, role: "time" };
    const feature = spec.features.find((f) => f.name === name);
    if (feature) return { name, type: feature.type, role: "feature" };
    return { name, type: inferType(table.cells[c]!, rows), role: "ignored" };
  });
}

function keptRows(count: number, targetCells: Cell[]): Uint32Array {
  const rows = new Uint32Array(count);
  let kept = 0;
  for (let r = 0; r < count; r++) {
    if (toCategory(targetCells[r]) !== null) rows[kept++] = r;
  }
  return rows.slice(0, kept);
}

type TimeKey = number | string | null;

/** Stable sort by time: numbers numerically, dates by instant, else as text; missing last. */
function orderByTime(cells: Cell[], rows: Uint32Array): { rows: Uint32Array; kind: string } {
  const numeric = inferType(cells, rows) === "numeric";
  const dates = numeric ? [] : Array.from(rows, (r) => toCategory(cells[r]));
  const instants = dates.map((d) => (d === null ? null : Date.parse(d)));
  const datetime = !numeric && instants.every((t) => t === null || !Number.isNaN(t));
  const key = (r: number, i: number): TimeKey => {
    if (numeric) return Number.isNaN(toNumber(cells[r])) ? null : toNumber(cells[r]);
    return datetime ? instants[i]! : dates[i]!;
  };
  const keyed = Array.from(rows, (r, i) => ({ r, k: key(r, i) }));
  keyed.sort((a, b) => compareKeys(a.k, b.k) || a.r - b.r);
  const kind = numeric ? "numeric" : datetime ? "datetime" : "text";
  return { rows: Uint32Array.from(keyed, (entry) => entry.r), kind };
}

function compareKeys(a: TimeKey, b: TimeKey): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  return a < b ? -1 : 1;
}

function resolveFeatures(
  table: RawTable,
  rows: Uint32Array,
  options: BuildOptions,
  target: string,
  time: string | undefined,
  where: string,
): ColumnSchema[] {
  const requested = options.features ?? (options.spec && specFeatures(options.spec));
  const features = requested
    ? requested.map((f, i) => checkRequested(table, rows, f, requested.slice(0, i), where))
    : table.columns
        .map((name, c) => inferFeature(name, table.cells[c]!, rows))
        .filter((f) => f.name !== target && f.name !== time);
  for (const feature of features) {
    if (feature.name === target) throw invalidData(`Feature "${target}" is also the target`);
    if (feature.name === time) {
      throw invalidData(`Column "${time}" is the time column and cannot also be a feature`);
    }
  }
  if (features.length === 0) {
    throw invalidData(
      `No features left in ${where}: every column is the target or the time column`,
    );
  }
  return features;
}

function checkRequested(
  table: RawTable,
  rows: Uint32Array,
  feature: ColumnSchema,
  before: ColumnSchema[],
  where: string,
): ColumnSchema {
  const { name, type } = feature;
  if (before.some((f) => f.name === name)) throw invalidData(`Feature "${name}" is listed twice`);
  const c = table.columns.indexOf(name);
  if (c < 0) {
    throw invalidData(
      `Feature "${name}" is missing from ${where}; the columns are: ${table.columns.join(", ")}`,
    );
  }
  if (type === "numeric" && inferType(table.cells[c]!, rows) !== "numeric") {
    const cells = table.cells[c]!;
    const bad = cells.find((cell) => toCategory(cell) !== null && Number.isNaN(toNumber(cell)));
    throw invalidData(
      `Feature "${name}" must be numeric but column "${name}" holds non-numeric values such as ${JSON.stringify(bad)}`,
    );
  }
  if (type === "text") return { name, type, text: feature.text ?? defaultTextOptions() };
  return { name, type };
}

function datasetName(source: string): string {
  const path = source.replace(/[?#].*$/, "");
  const base = path.slice(path.lastIndexOf("/") + 1).replace(/\.[^.]*$/, "");
  return base || "dataset";
}
