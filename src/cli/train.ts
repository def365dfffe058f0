// `keel train`: trains a model from a data file without a server (CI,
// notebooks) with the same trainer, split, ONNX export and parity check the
// service uses, and writes the ONNX file and a JSON report.

import { writeFile } from "node:fs/promises";
import { basename, extname } from "node:path";
import { parseArgs } from "node:util";
import type { DatasetFingerprint } from "../data/fingerprint.ts";
import { loadDataset } from "../data/load.ts";
import { readSpec } from "../data/spec.ts";
import { holdoutSplit } from "../data/split.ts";
import { AppError } from "../errors.ts";
import type { TrainProgress } from "../training/protocol.ts";
import { runTraining } from "../training/run-training.ts";
import { UsageError } from "./errors.ts";
import { round } from "./output.ts";
import { createProgress } from "./progress.ts";

export const TRAIN_HELP = `keel train: train a model from a data file, without a server

Usage:
  keel train --data FILE_OR_URL --target COL [options]

Options:
  --data FILE|URL     training data, CSV, JSON lines or parquet (a <name>.spec.json beside a local file is used)
  --target COL        the column to predict (default: the spec's)
  --algorithm A       auto | linear | gbdt (default auto: train both, keep the better on the holdout)
  --time-column COL   a time column: orders the rows, never a feature
  --spec FILE         a dataset spec
  --name NAME         the model name written into the file (default: the spec's, else the file's)
  --test-fraction F   share of rows held out for evaluation (default 0.2)
  --seed N            seed of the split and the trainer (default 42)
  --refit, --no-refit after the holdout judged it, fit the chosen model again on all rows
                      (default --refit; the report keeps the holdout metrics)
  --out FILE          where the ONNX model goes (default model.onnx)
  --report FILE       also write a JSON report: metrics, params, dataset fingerprint, training curve
`;

export async function trainCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      data: { type: "string" },
      target: { type: "string" },
      algorithm: { type: "string", default: "auto" },
      "time-column": { type: "string" },
      spec: { type: "string" },
      name: { type: "string" },
      "test-fraction": { type: "string", default: "0.2" },
      seed: { type: "string", default: "42" },
      refit: { type: "boolean" },
      "no-refit": { type: "boolean" },
      out: { type: "string", default: "model.onnx" },
      report: { type: "string" },
      help: { type: "boolean", short: "h", default: false },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(TRAIN_HELP);
    return 0;
  }
  if (!values.data) throw new UsageError("--data is required");
  const algorithm = values.algorithm;
  if (algorithm !== "auto" && algorithm !== "linear" && algorithm !== "gbdt") {
    throw new UsageError(`--algorithm must be auto, linear or gbdt, got "${algorithm}"`);
  }
  const testFraction = Number(values["test-fraction"]);
  const seed = Number(values.seed);
  if (!(testFraction >= 0.05 && testFraction <= 0.5))
    throw new UsageError("--test-fraction must be from 0.05 to 0.5");
  if (!Number.isInteger(seed) || seed < 0)
    throw new UsageError("--seed must be a whole number ≥ 0");
  if (values.refit && values["no-refit"])
    throw new UsageError("--refit and --no-refit exclude each other");
  const refit = !values["no-refit"];

  const loaded = await loadDataset({
    source: values.data,
    spec: values.spec ? await readSpec(values.spec) : undefined,
    target: values.target,
    timeColumn: values["time-column"],
  });
  const modelName =
    values.name ?? (values.spec || loaded.spec.name ? loaded.spec.name : nameOf(values.data));
  for (const line of dataNotes(loaded.fingerprint)) process.stderr.write(`keel: ${line}\n`);
  const split = holdoutSplit(loaded.dataset.target, {
    testFraction,
    seed,
    timeOrdered: loaded.spec.timeColumn !== undefined,
  });
  const progress = createProgress();
  const started = performance.now();
  const outcome = await runTraining(
    {
      dataset: loaded.dataset,
      split,
      options: {
        algorithm,
        seed,
        modelName,
        runId: `cli-${Date.now().toString(36)}`,
        timeColumn: loaded.spec.timeColumn,
        ignoredInputs: loaded.spec.unused.map((u) => u.name),
        refit,
        params: loaded.spec.params,
      },
    },
    { onProgress: (p) => progress.update(describe(p)) },
  );
  if (!outcome.ok) {
    // Bad data or parameters exit 2 as any input error; a failed training exits 1.
    const { code, message } = outcome.error;
    throw new AppError(code, `training failed: ${message}`);
  }
  const result = outcome.value;
  const seconds = (performance.now() - started) / 1000;
  progress.done(`trained ${result.algorithm} in ${seconds.toFixed(2)} s`);
  await writeFile(values.out, result.onnx);
  if (values.report) {
    const report = {
      model: modelName,
      algorithm: result.algorithm,
      task: loaded.spec.task,
      target: loaded.spec.target,
      features: loaded.spec.features,
      metrics: result.metrics,
      params: { ...result.params, test_fraction: testFraction, seed },
      onnx_parity_max_abs_diff: result.parityMaxAbsDiff,
      fit_seconds: round(seconds),
      dataset: loaded.fingerprint,
      curve: result.curve,
      candidates: result.candidates,
      selection: result.selection,
      feature_importance: result.featureImportance ?? null,
      onnx: values.out,
    };
    await writeFile(values.report, `${JSON.stringify(report, null, 2)}\n`);
  }
  const shown = Object.entries(result.metrics)
    .filter(([k]) => !k.endsWith("_rows"))
    .map(([k, v]) => `${k}=${round(v)}`)
    .join(" ");
  const fitted = result.refitRows
    ? `refit on all ${result.refitRows} rows`
    : `fitted on ${result.metrics.train_rows} rows`;
  process.stdout.write(`${values.out}: ${result.algorithm} ${fitted}, holdout ${shown}\n`);
  return 0;
}

/** What keel decided about the data and why: the time column, date features, columns set aside. */
function dataNotes(fingerprint: DatasetFingerprint): string[] {
  return fingerprint.schema
    .filter((c) => c.note && c.role !== "unused")
    .map((c) => `${c.name} (${c.type}, ${c.role}): ${c.note}`)
    .concat(fingerprint.warnings);
}

function describe(p: TrainProgress): string {
  const step = p.step === undefined ? "" : ` step ${p.step}`;
  const loss = p.loss === undefined ? "" : ` loss ${p.loss.toFixed(5)}`;
  return `training: ${p.stage}${step}${loss}`;
}

function nameOf(source: string): string {
  const file = basename(source.split("?")[0]!);
  return (
    file.slice(0, file.length - extname(file).length).replace(/[^A-Za-z0-9._-]/g, "-") || "model"
  );
}
