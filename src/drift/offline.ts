// Drift between two files, without a server (`keel drift`): the reference
// file plays the training data, the current file the live window. Column types
// come from the spec when given, else from the reference's values; the target
// and time columns are left out.

import { inferFeature } from "../data/schema.ts";
import { readSource } from "../data/source.ts";
import { type DatasetSpec, specFeatures } from "../data/spec.ts";
import { decodeTable, type RawTable } from "../data/table.ts";
import { invalidData } from "../errors.ts";
import { driftOptionsFromSpec } from "./drift-spec.ts";
import { type ColumnShape, columnOf } from "./live-columns.ts";
import { buildReferenceProfile } from "./profile.ts";
import { computeDriftReport, type DriftReport } from "./report.ts";

export interface OfflineDriftInput {
  reference: string;
  current: string;
  spec?: DatasetSpec;
  specOrigin?: string;
  /** Columns to leave out besides the spec's target and time column. */
  exclude?: string[];
  shareThreshold?: number;
}

export async function offlineDrift(input: OfflineDriftInput): Promise<DriftReport> {
  const [reference, current] = await Promise.all([
    readTable(input.reference),
    readTable(input.current),
  ]);
  const excluded = new Set(
    [input.spec?.target, input.spec?.time_column, ...(input.exclude ?? [])].filter(
      (c): c is string => c !== undefined,
    ),
  );
  const shapes = reference.columns
    .filter((name) => !excluded.has(name))
    .map((name) => columnShape(name, reference, input.spec));
  const missing = shapes.filter((s) => !current.columns.includes(s.name)).map((s) => s.name);
  if (missing.length > 0) {
    throw invalidData(
      `${input.current} lacks column ${missing.map((m) => `"${m}"`).join(", ")} of ${input.reference}`,
    );
  }
  const options = driftOptionsFromSpec(input.spec?.drift, input.specOrigin ?? "spec");
  return computeDriftReport(
    buildReferenceProfile({ features: shapes.map((s) => columnOf(s, cellsOf(reference, s.name))) }),
    { features: shapes.map((s) => columnOf(s, cellsOf(current, s.name))) },
    { ...options, shareThreshold: input.shareThreshold ?? options.shareThreshold },
  );
}

async function readTable(source: string): Promise<RawTable> {
  const raw = await readSource(source);
  return decodeTable(raw.bytes, raw.format, raw.source);
}

function cellsOf(table: RawTable, name: string) {
  return table.cells[table.columns.indexOf(name)]!;
}

function columnShape(name: string, table: RawTable, spec: DatasetSpec | undefined): ColumnShape {
  const declared = spec && specFeatures(spec)?.find((f) => f.name === name);
  const cells = cellsOf(table, name);
  const { type, text } =
    declared ??
    inferFeature(
      name,
      cells,
      Uint32Array.from(cells, (_, i) => i),
    );
  return type === "text" ? { name, type, analyzer: text?.analyzer } : { name, type };
}
