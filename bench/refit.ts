// What refitting on all rows buys (training/refit.ts). Each dataset is cut
// into an outer 80 % that keel is given and an outer 20 % it never sees; keel
// trains on its 80 % exactly as a run does (its own 80/20 holdout, auto
// algorithm), once with the refit and once without, and both ONNX models are
// scored on the unseen 20 %. Twenty outer seeds per dataset; one line each:
//   dataset=… metric=log_loss|rmse refit=… holdout_fitted=… ratio=… refit_wins=…/20
// (means over the seeds; ratio = refit / holdout_fitted, below 1 is better
// for both metrics; binary sets add both models' ROC AUC). scikit-learn's sets need /usr/bin/python3 + scikit-learn;
// without it the bench runs on the bundled data alone.
//
// Run: bun bench/refit.ts   (npm run bench:refit)

import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { BUNDLED_DATA } from "../src/config.ts";
import type { Split, Target } from "../src/data/dataset.ts";
import { loadDataset } from "../src/data/load.ts";
import { stratifiedSplit } from "../src/data/split.ts";
import { evaluateOnnxModel } from "../src/training/evaluate-onnx.ts";
import { trainModel } from "../src/training/train.ts";

const PYTHON = "/usr/bin/python3";
const SKLEARN_SETS = resolve(import.meta.dir, "train_sklearn.py");
const SEEDS = Array.from({ length: 20 }, (_, i) => i + 1);

interface BenchSet {
  name: string;
  source: string;
  target: string;
  regression?: boolean;
}

const dir = await mkdtemp(join(tmpdir(), "keel-refit-bench-"));
try {
  const sets: BenchSet[] = [
    ...sklearnSets(dir),
    { name: "seattle_weather", source: BUNDLED_DATA, target: "weather" },
  ];
  for (const set of sets) console.log(await compare(set));
} finally {
  await rm(dir, { recursive: true, force: true });
}

function sklearnSets(into: string): BenchSet[] {
  const exported = Bun.spawnSync([PYTHON, SKLEARN_SETS, "export", into], { stderr: "pipe" });
  if (exported.exitCode !== 0) {
    console.log(`# scikit-learn not found for ${PYTHON}: the bundled data only`);
    return [];
  }
  return [
    { name: "breast_cancer", source: join(into, "breast_cancer.csv"), target: "target" },
    { name: "wine", source: join(into, "wine.csv"), target: "target" },
    {
      name: "diabetes",
      source: join(into, "diabetes.csv"),
      target: "target",
      regression: true,
    },
  ];
}

async function compare(set: BenchSet): Promise<string> {
  const { dataset } = await loadDataset({
    source: set.source,
    target: set.target,
    ...(set.regression ? { spec: { target: set.target, task: "regression" } } : {}),
  });
  const metric = set.regression ? "rmse" : "log_loss";
  const refit: number[] = [];
  const fitted: number[] = [];
  // Binary sets also report ROC AUC on the hidden rows (higher is better).
  const refitAuc: number[] = [];
  const fittedAuc: number[] = [];
  for (const seed of SEEDS) {
    const outer = stratifiedSplit(dataset.target, 0.2, seed);
    const inner = splitWithin(dataset.target, outer.train, seed);
    for (const [doRefit, scores, aucs] of [
      [true, refit, refitAuc],
      [false, fitted, fittedAuc],
    ] as const) {
      const result = await trainModel({
        dataset,
        split: inner,
        options: { algorithm: "auto", seed, modelName: set.name, runId: "bench", refit: doRefit },
      });
      const unseen = await evaluateOnnxModel(result.onnx, dataset, outer.test);
      scores.push(unseen[metric]!);
      if (unseen.roc_auc !== undefined) aucs.push(unseen.roc_auc);
    }
  }
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const wins = refit.filter((score, i) => score < fitted[i]!).length;
  return [
    `dataset=${set.name} rows=${dataset.rows} metric=${metric}`,
    `refit=${mean(refit).toFixed(4)} holdout_fitted=${mean(fitted).toFixed(4)}`,
    `ratio=${(mean(refit) / mean(fitted)).toFixed(3)} refit_wins=${wins}/${SEEDS.length}`,
    ...(refitAuc.length > 0
      ? [
          `refit_roc_auc=${mean(refitAuc).toFixed(4)} holdout_fitted_roc_auc=${mean(fittedAuc).toFixed(4)}`,
        ]
      : []),
  ].join(" ");
}

/** keel's own stratified 80/20 split of `rows` (the outer train part), as row indices of the dataset. */
function splitWithin(target: Target, rows: Uint32Array, seed: number): Split {
  const subset: Target =
    target.task === "classification"
      ? { ...target, codes: Int32Array.from(rows, (r) => target.codes[r]!) }
      : { ...target, values: Float64Array.from(rows, (r) => target.values[r]!) };
  const split = stratifiedSplit(subset, 0.2, seed);
  return { train: split.train.map((i) => rows[i]!), test: split.test.map((i) => rows[i]!) };
}
