// Turns a data source into the typed, columnar Dataset trainers use, applying
// the spec (target, time column, features). Feature columns that carry no
// signal (empty, or one value) are set aside with the reason, never refused;
// data no model could learn from (no target, one class, too few rows) is
// refused with a message that names the column and the value.

import { invalidData } from "../errors.ts";
import { buildFeature, buildTarget, uninformative } from "./columns.ts";
import type { Dataset, FeatureColumn, Task } from "./dataset.ts";
import { parseDatetime } from "./datetime.ts";
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
  /**
   * Columns the production model set aside (constant or empty then): they are
   * read again, typed from the data, and used when they carry a signal now.
   */
  reconsidered?: string[];
}

export interface LoadOptions extends BuildOptions {
  source: string;
  timeoutMs?: number;
  maxBytes?: number;
}

/** A column set aside because it cannot inform a model, and why. */
export interface UnusedColumn {
  name: string;
  reason: string;
}

export interface ResolvedSpec {
  name: string;
  target: string;
  task: Task;
  timeColumn?: string;
  /** The features the model uses. */
  features: ColumnSchema[];
  /** Feature columns set aside: a model accepts them as inputs and ignores them. */
  unused: UnusedColumn[];
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
    warnings: built.spec.unused.map(
      (u) =>
        `Column "${u.name}" is set aside (${u.reason}): the model does not use it; requests may still send it`,
    ),
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
  const kept = keptRows(table.rows, targetCells);
  const timeName =
    options.timeColumn ??
    options.spec?.time_column ??
    soleDatetimeColumn(table, kept, options, targetName);
  const timeCells = timeName ? column(timeName) : undefined;
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
  const built = featureSchema.map((f) => buildFeature(f, column(f.name)!, rows));
  const unused = built.flatMap((c): UnusedColumn[] => {
    const reason = uninformative(c);
    return reason ? [{ name: c.name, reason }] : [];
  });
  const features = built.filter((c) => !unused.some((u) => u.name === c.name));
  if (features.length === 0) {
    throw invalidData(
      `No features left in ${where}: ${unused.map((u) => `"${u.name}" is ${u.reason}`).join("; ")}`,
    );
  }
  const target = buildTarget(targetName, targetCells, rows, options.spec?.task);
  const spec: ResolvedSpec = {
    name: options.spec?.name ?? datasetName(where),
    target: targetName,
    task: target.task,
    ...(usedTime ? { timeColumn: usedTime } : {}),
    features: features.map((c) => schemaOf(c, featureSchema)),
    unused,
    params: { ...options.spec?.params },
  };
  const dataset: Dataset = { rows: rows.length, features, target };
  const detectedTime = usedTime !== undefined && !options.timeColumn && !options.spec?.time_column;
  const schema = describeColumns(table, rows, spec, order.kind, features, detectedTime);
  const result: BuiltDataset = { dataset, spec, droppedRows, schema };
  if (timeCells) result.time = Array.from(rows, (r) => toCategory(timeCells[r]) ?? "");
  return result;
}

/**
 * Without a spec, a table's only datetime column (other than the target, and
 * not a feature asked for) is its time column: it orders the rows and is no
 * input. Several are features instead: which one orders the rows is for the
 * spec to say.
 */
function soleDatetimeColumn(
  table: RawTable,
  rows: Uint32Array,
  options: BuildOptions,
  target: string,
): string | undefined {
  if (options.spec) return undefined;
  const requested = new Set(options.features?.map((f) => f.name));
  const datetimes = table.columns.filter(
    (name, c) =>
      name !== target &&
      !requested.has(name) &&
      inferFeature(name, table.cells[c]!, rows).type === "datetime",
  );
  return datetimes.length === 1 ? datetimes[0] : undefined;
}

/** Each column's role and the type it was read as, and why when keel decided it, for the fingerprint. */
function describeColumns(
  table: RawTable,
  rows: Uint32Array,
  spec: ResolvedSpec,
  timeKind: string,
  features: FeatureColumn[],
  detectedTime: boolean,
): ColumnUse[] {
  return table.columns.map((name, c): ColumnUse => {
    if (name === spec.target) {
      const type = spec.task === "classification" ? "categorical" : "numeric";
      return { name, type, role: "target" };
    }
    if (name === spec.timeColumn) {
      const note = detectedTime
        ? "the only date column: it orders the rows, the holdout is the latest rows, and it is no model input"
        : undefined;
      return { name, type: timeKind, role: "time", ...(note ? { note } : {}) };
    }
    const feature = features.find((f) => f.name === name);
    if (feature?.type === "datetime") {
      const note = `dates: the model learns from their ${feature.options.parts.join(", ")}`;
      return { name, type: "datetime", role: "feature", note };
    }
    if (feature) return { name, type: feature.type, role: "feature" };
    const unused = spec.unused.find((u) => u.name === name);
    if (unused) {
      const type = inferType(table.cells[c]!, rows);
      return { name, type, role: "unused", note: `${unused.reason}; not used by the model` };
    }
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
  const instants = dates.map((d) => (d === null ? null : instantOf(d)));
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

/** keel's date formats first (datetime.ts), then whatever else JavaScript reads as a date. */
function instantOf(text: string): number {
  const seconds = parseDatetime(text);
  return Number.isNaN(seconds) ? Date.parse(text) : seconds * 1000;
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
    ? [
        ...requested.map((f, i) => checkRequested(table, rows, f, requested.slice(0, i), where)),
        ...reconsideredFeatures(table, rows, options.reconsidered, requested, target, time),
      ]
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

/** The production model's set-aside columns that the data has, typed from their values. */
function reconsideredFeatures(
  table: RawTable,
  rows: Uint32Array,
  names: readonly string[] | undefined,
  requested: ColumnSchema[],
  target: string,
  time: string | undefined,
): ColumnSchema[] {
  return (names ?? [])
    .filter((name) => name !== target && name !== time && !requested.some((f) => f.name === name))
    .filter((name) => table.columns.includes(name))
    .map((name) => inferFeature(name, table.cells[table.columns.indexOf(name)]!, rows));
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
  if (type === "datetime")
    return { name, type, ...(feature.datetime ? { datetime: feature.datetime } : {}) };
  return { name, type };
}

/** A used feature's schema, with the options its column settled on (datetime parts, text n-grams). */
function schemaOf(column: FeatureColumn, schema: ColumnSchema[]): ColumnSchema {
  const declared = schema.find((f) => f.name === column.name)!;
  if (column.type === "datetime") return { ...declared, datetime: column.options };
  if (column.type === "text") return { ...declared, text: column.options };
  return declared;
}

function datasetName(source: string): string {
  const path = source.replace(/[?#].*$/, "");
  const base = path.slice(path.lastIndexOf("/") + 1).replace(/\.[^.]*$/, "");
  return base || "dataset";
}
