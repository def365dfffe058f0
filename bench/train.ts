// keel's GBDT against scikit-learn's HistGradientBoosting (defaults, same
// split, same seed) in the same run, on a generated 100,000 × 20 binary set,
// scikit-learn's breast cancer, wine and diabetes sets, the bundled Seattle
// weather, and a generated 16,000-row flight-delay set with two 220-category
// airport columns (flights.ts; scikit-learn gets them as native categorical
// features). One line per dataset:
//   dataset=… keel_metric=… sklearn_metric=… keel_fit_s=… sklearn_fit_s=… fit_ratio=…
// (metric: ROC AUC for binary, accuracy for multiclass, R² for regression;
// fit_ratio = keel / scikit-learn; keel_one_core_fit_s is keel's fit again
// without its second-core histogram helper, which large sets use). Without /usr/bin/python3 + scikit-learn the
// bench says so and prints keel's figures alone (scikit-learn's sets need it).
//
// Run: bun bench/train.ts [dataset …]   (npm run bench:train; names pick sets)

import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { BUNDLED_DATA } from "../src/config.ts";
import type { Dataset } from "../src/data/dataset.ts";
import { loadDataset } from "../src/data/load.ts";
import { datasetRows } from "../src/data/rows.ts";
import { stratifiedSplit } from "../src/data/split.ts";
import { DEFAULT_GBDT_PARAMS, fitGbdt } from "../src/training/gbdt/boosting.ts";
import { predictGbdt } from "../src/training/gbdt/predict.ts";
import { accuracy, r2, rocAuc } from "../src/training/metrics.ts";
import { writeFlights } from "./flights.ts";
import { writeGenerated } from "./generated.ts";

const PYTHON = "/usr/bin/python3";
const SCRIPT = resolve(import.meta.dir, "train_sklearn.py");
const SEED = 42;

type Task = "binary" | "multiclass" | "regression";

interface BenchSet {
  name: string;
  source: string;
  target: string;
  task: Task;
  /** Columns scikit-learn is told are categorical (keel infers them from the text). */
  categorical?: string[];
}

const dir = await mkdtemp(join(tmpdir(), "keel-train-bench-"));
try {
  const sklearn =
    Bun.spawnSync([PYTHON, "-c", "import sklearn"], { stderr: "pipe" }).exitCode === 0;
  if (!sklearn)
    console.log(
      `# scikit-learn not found for ${PYTHON} (apt-get install python3-sklearn): keel's figures only`,
    );
  else Bun.spawnSync([PYTHON, SCRIPT, "export", dir]);
  const sets: BenchSet[] = [
    {
      name: "generated_100k_x20",
      source: await writeGenerated(join(dir, "generated.csv"), SEED),
      target: "target",
      task: "binary",
    },
    ...(sklearn
      ? [
          {
            name: "breast_cancer",
            source: join(dir, "breast_cancer.csv"),
            target: "target",
            task: "binary" as const,
          },
          {
            name: "wine",
            source: join(dir, "wine.csv"),
            target: "target",
            task: "multiclass" as const,
          },
          {
            name: "diabetes",
            source: join(dir, "diabetes.csv"),
            target: "target",
            task: "regression" as const,
          },
        ]
      : []),
    { name: "seattle_weather", source: BUNDLED_DATA, target: "weather", task: "multiclass" },
    {
      name: "flights_16k",
      source: await writeFlights(join(dir, "flights.csv"), SEED),
      target: "delayed",
      task: "binary",
      categorical: ["origin", "dest"],
    },
  ];
  const picked = process.argv.slice(2);
  for (const set of sets) {
    if (picked.length === 0 || picked.includes(set.name)) console.log(await compare(set, sklearn));
  }
} finally {
  await rm(dir, { recursive: true, force: true });
}

async function compare(set: BenchSet, sklearn: boolean): Promise<string> {
  const { dataset } = await loadDataset({
    source: set.source,
    target: set.target,
    ...(set.task === "regression" ? { spec: { target: set.target, task: "regression" } } : {}),
  });
  const split = stratifiedSplit(dataset.target, 0.2, SEED);
  const started = performance.now();
  const { model } = fitGbdt(dataset, split.train, { ...DEFAULT_GBDT_PARAMS, seed: SEED });
  const keelFit = (performance.now() - started) / 1000;
  // The same fit without the second core's histogram helper (run second, so with a warm JIT).
  const oneCoreStarted = performance.now();
  fitGbdt(dataset, split.train, { ...DEFAULT_GBDT_PARAMS, seed: SEED, secondCore: false });
  const oneCoreFit = (performance.now() - oneCoreStarted) / 1000;
  const keelMetric = metricOf(
    set.task,
    dataset,
    split.test,
    predictGbdt(model, dataset, split.test),
  );
  let line = `dataset=${set.name} keel_metric=${keelMetric.toFixed(4)}`;
  const cores = `keel_one_core_fit_s=${oneCoreFit.toFixed(3)}`;
  if (!sklearn) {
    return `${line} keel_fit_s=${keelFit.toFixed(3)} ${cores} iterations=${model.iterations}`;
  }
  await writeCsv(join(dir, `${set.name}.train.csv`), dataset, split.train);
  await writeCsv(join(dir, `${set.name}.test.csv`), dataset, split.test);
  const run = Bun.spawnSync(
    [
      PYTHON,
      SCRIPT,
      "fit",
      set.task,
      join(dir, `${set.name}.train.csv`),
      join(dir, `${set.name}.test.csv`),
      (set.categorical ?? []).join(","),
    ],
    { stdout: "pipe", stderr: "pipe" },
  );
  if (run.exitCode !== 0)
    throw new Error(`scikit-learn failed on ${set.name}: ${run.stderr.toString()}`);
  const theirs = JSON.parse(run.stdout.toString()) as { metric: number; fit_s: number };
  line += ` sklearn_metric=${theirs.metric.toFixed(4)} keel_fit_s=${keelFit.toFixed(3)} sklearn_fit_s=${theirs.fit_s.toFixed(3)}`;
  return `${line} fit_ratio=${(keelFit / theirs.fit_s).toFixed(2)} ${cores} iterations=${model.iterations}`;
}

function metricOf(
  task: Task,
  dataset: Dataset,
  rows: Uint32Array,
  predictions: Float64Array,
): number {
  const target = dataset.target;
  if (target.task === "regression")
    return r2(
      Float64Array.from(rows, (r) => target.values[r]!),
      predictions,
    );
  const k = target.classes.length;
  const yTrue = Int32Array.from(rows, (r) => target.codes[r]!);
  if (task === "binary")
    return rocAuc(
      yTrue,
      Float64Array.from(rows, (_, i) => predictions[i * k + 1]!),
    );
  const yPred = Int32Array.from(rows, (_, i) => {
    let best = 0;
    for (let c = 1; c < k; c++) if (predictions[i * k + c]! > predictions[i * k + best]!) best = c;
    return best;
  });
  return accuracy(yTrue, yPred);
}

/** The rows as CSV for scikit-learn: features in keel's order, the target last. */
async function writeCsv(path: string, dataset: Dataset, rows: Uint32Array): Promise<void> {
  const records = datasetRows(dataset, rows);
  const names = dataset.features.map((f) => f.name);
  const target = dataset.target;
  const label = (r: number) =>
    target.task === "regression" ? String(target.values[r]) : target.classes[target.codes[r]!]!;
  const lines = records.map((record, i) =>
    [...names.map((n) => (record[n] === null ? "" : String(record[n]))), label(rows[i]!)].join(","),
  );
  await writeFile(path, `${[...names, "target"].join(",")}\n${lines.join("\n")}\n`);
}
