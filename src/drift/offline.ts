// Drift between two files, without a server (`keel drift`): the reference
// file plays the training data, the current file the live window. Column types
// come from the spec when given, else from the reference's values; the target
// and time columns are left out (without a spec, a file's only datetime column
// is its time column, as in training), other datetime columns compare their
// cyclical parts (drift-columns.ts).

import { datetimeOptionsFor, parseDatetime } from "../data/datetime.ts";
import { inferFeature } from "../data/schema.ts";
import { readSource } from "../data/source.ts";
import { type DatasetSpec, specFeatures } from "../data/spec.ts";
import { decodeTable, type RawTable } from "../data/table.ts";
import { invalidData } from "../errors.ts";
import { type DescribedFeature, driftShapes } from "./drift-columns.ts";
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
  const described = reference.columns
    .filter((name) => !excluded.has(name))
    .map((name) => describedFeature(name, reference, input.spec));
  const shapes = driftShapes(withoutTimeColumn(described, input.spec));
  const fieldOf = (s: ColumnShape) => s.part?.from ?? s.name;
  const missing = [
    ...new Set(shapes.map(fieldOf).filter((name) => !current.columns.includes(name))),
  ];
  if (missing.length > 0) {
    throw invalidData(
      `${input.current} lacks column ${missing.map((m) => `"${m}"`).join(", ")} of ${input.reference}`,
    );
  }
  const options = driftOptionsFromSpec(input.spec?.drift, input.specOrigin ?? "spec");
  return computeDriftReport(
    buildReferenceProfile({
      features: shapes.map((s) => columnOf(s, cellsOf(reference, fieldOf(s)))),
    }),
    { features: shapes.map((s) => columnOf(s, cellsOf(current, fieldOf(s)))) },
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

function describedFeature(
  name: string,
  table: RawTable,
  spec: DatasetSpec | undefined,
): DescribedFeature {
  const declared = spec && specFeatures(spec)?.find((f) => f.name === name);
  const cells = cellsOf(table, name);
  const feature =
    declared ??
    inferFeature(
      name,
      cells,
      Uint32Array.from(cells, (_, i) => i),
    );
  if (feature.type !== "datetime") return feature;
  // The hour is compared only when the reference has times of day, as training decides.
  const seconds = Float64Array.from(cells, (c) => parseDatetime(c, feature.datetime?.epoch));
  const chosen = datetimeOptionsFor(seconds, feature.datetime?.epoch);
  return { ...feature, datetime: { ...chosen, ...feature.datetime } };
}

/** As training does without a spec: a file's only datetime column is its time axis, not a feature. */
function withoutTimeColumn(
  features: DescribedFeature[],
  spec: DatasetSpec | undefined,
): DescribedFeature[] {
  if (spec?.time_column) return features;
  const datetimes = features.filter((f) => f.type === "datetime");
  return datetimes.length === 1 ? features.filter((f) => f !== datetimes[0]) : features;
}
