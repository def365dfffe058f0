// `keel drift --reference A.csv --current B.csv [--json] [--spec FILE] [--target COL]
// [--exclude COL,…] [--share 0.5]`: the same report the service computes, for two files.
// Exit 0 whatever the verdict (it is in the output); 2 on bad input.

import { parseArgs } from "node:util";
import { findSpecFor, readSpec } from "../data/spec.ts";
import type { FeatureDrift } from "../drift/drift-result.ts";
import { offlineDrift } from "../drift/offline.ts";
import type { DriftReport } from "../drift/report.ts";
import { UsageError } from "./errors.ts";

export const DRIFT_HELP = `keel drift: compare two datasets feature by feature, as the service's drift check does

Usage:
  keel drift --reference A.csv --current B.csv [options]

Options:
  --reference FILE|URL   the baseline data (CSV, JSON lines or parquet)
  --current FILE|URL     the data to compare with it
  --spec FILE            a dataset spec: feature types, target/time columns, drift overrides
                         (default: <reference>.spec.json beside the reference file, if any)
  --target COL           a column to leave out (the label)
  --exclude COL,COL      more columns to leave out
  --share N              dataset drift when at least this share of features drifted (default 0.5)
  --json                 print the report as JSON
`;

export async function driftCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      reference: { type: "string" },
      current: { type: "string" },
      spec: { type: "string" },
      target: { type: "string" },
      exclude: { type: "string" },
      share: { type: "string" },
      json: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(DRIFT_HELP);
    return 0;
  }
  if (!values.reference || !values.current)
    throw new UsageError("--reference and --current are required");
  const share = values.share === undefined ? undefined : Number(values.share);
  if (share !== undefined && !(share > 0 && share <= 1))
    throw new UsageError("--share must be a number in (0, 1]");
  // As when training: a spec beside a local reference file is used unless --spec names one.
  const specPath = values.spec ?? (await findSpecFor(values.reference));
  const report = await offlineDrift({
    reference: values.reference,
    current: values.current,
    spec: specPath ? await readSpec(specPath) : undefined,
    specOrigin: specPath,
    exclude: [values.target, ...(values.exclude?.split(",") ?? [])].filter((c): c is string => !!c),
    shareThreshold: share,
  });
  process.stdout.write(values.json ? `${JSON.stringify(report, null, 2)}\n` : formatReport(report));
  return 0;
}

function formatReport(report: DriftReport): string {
  const header = [
    "feature",
    "type",
    "method",
    "statistic",
    "p-value/distance",
    "threshold",
    "drifted",
  ];
  const rows = report.features.map((f) => [
    f.feature,
    f.type,
    f.method,
    format(f.statistic),
    format(f.p_value ?? f.distance),
    format(thresholdOf(f)),
    f.drifted ? "yes" : "no",
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join("  ")
      .trimEnd();
  const verdict = report.dataset_drift ? "DRIFT" : "no drift";
  return [
    line(header),
    ...rows.map(line),
    "",
    `dataset: ${verdict} — ${report.drifted_features.length} of ${report.features.length} features drifted (share ${format(report.drift_share)}, threshold ${report.share_threshold}); reference ${report.reference_rows} rows, current ${report.current_rows} rows`,
    "",
  ].join("\n");
}

const thresholdOf = (f: FeatureDrift) => Math.max(f.threshold, f.noise_floor ?? 0);

function format(value: number | undefined): string {
  if (value === undefined || Number.isNaN(value)) return "-";
  if (value !== 0 && Math.abs(value) < 1e-4) return value.toExponential(2);
  return String(Math.round(value * 10_000) / 10_000);
}
