// keel's text pipeline against scikit-learn's on the shipped passwords data, in
// the same run and on the same split: keel's TF-IDF (char 1–3-grams, its
// defaults) + ridge / logistic regression against TfidfVectorizer(analyzer=
// "char", ngram_range=(1, 3)) + Ridge() / LogisticRegression(). Two lines:
// `passwords` (regression on Times, R²) and `passwords_strong` (Times > 8 as a
// binary label, ROC AUC); a third, `passwords_same_vocabulary`, gives
// scikit-learn keel's max_features (5000) to compare the implementations
// themselves rather than the defaults. A last line, `passwords_gbdt`, is keel's
// GBDT on the text's linear score and length (scikit-learn has no counterpart):
//   dataset=… keel_metric=… sklearn_metric=… keel_fit_s=… sklearn_fit_s=… fit_ratio=…
// Fit time covers vectorizing and solving on both sides (fit_ratio = keel /
// scikit-learn). Without /usr/bin/python3 + scikit-learn, keel's figures alone.
//
// Run: bun bench/text.ts   (npm run bench:text)

import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { Dataset, TextColumn } from "../src/data/dataset.ts";
import { loadDataset } from "../src/data/load.ts";
import { stratifiedSplit } from "../src/data/split.ts";
import { DEFAULT_GBDT_PARAMS, fitGbdt } from "../src/training/gbdt/boosting.ts";
import { predictGbdt } from "../src/training/gbdt/predict.ts";
import { expandText } from "../src/training/gbdt/text-features.ts";
import { fitLogistic, predictLogistic } from "../src/training/logistic.ts";
import { r2, rocAuc } from "../src/training/metrics.ts";
import { fitPreprocessor, transform } from "../src/training/preprocess.ts";
import { fitRidge, predictRidge } from "../src/training/ridge.ts";

const PYTHON = "/usr/bin/python3";
const SCRIPT = resolve(import.meta.dir, "text_sklearn.py");
const DATA = resolve(import.meta.dir, "../data/passwords.csv");
const SEED = 42;
const STRONG_LOG10_SECONDS = 8;

type Task = "regression" | "binary";

const dir = await mkdtemp(join(tmpdir(), "keel-text-bench-"));
try {
  const sklearn =
    Bun.spawnSync([PYTHON, "-c", "import sklearn"], { stderr: "pipe" }).exitCode === 0;
  if (!sklearn) {
    console.log(
      `# scikit-learn not found for ${PYTHON} (apt-get install python3-sklearn): keel's figures only`,
    );
  }
  const { dataset } = await loadDataset({ source: DATA, target: "Times" });
  console.log(await compare("passwords", "regression", dataset, sklearn));
  console.log(await compare("passwords_strong", "binary", strongLabel(dataset), sklearn));
  console.log(await compare("passwords_same_vocabulary", "regression", dataset, sklearn, 5000));
  console.log(gbdtLine(dataset));
} finally {
  await rm(dir, { recursive: true, force: true });
}

/** keel's GBDT on the text's out-of-fold linear score and length (what auto picks here). */
function gbdtLine(dataset: Dataset): string {
  const split = stratifiedSplit(dataset.target, 0.2, SEED);
  const started = performance.now();
  const expanded = expandText(dataset, split.train);
  const { model } = fitGbdt(expanded.dataset, split.train, { ...DEFAULT_GBDT_PARAMS, seed: SEED });
  const seconds = (performance.now() - started) / 1000;
  const target = dataset.target;
  if (target.task !== "regression") throw new Error("passwords.csv has a numeric target");
  const metric = r2(
    Float64Array.from(split.test, (r) => target.values[r]!),
    predictGbdt(model, expanded.dataset, split.test),
  );
  return `dataset=passwords_gbdt keel_metric=${metric.toFixed(4)} keel_fit_s=${seconds.toFixed(3)}`;
}

/** The same rows with Times > 8 (over three years at 10⁴ guesses/s) as a yes/no class. */
function strongLabel(dataset: Dataset): Dataset {
  if (dataset.target.task !== "regression") throw new Error("passwords.csv has a numeric target");
  const codes = Int32Array.from(dataset.target.values, (v) => (v > STRONG_LOG10_SECONDS ? 1 : 0));
  return {
    ...dataset,
    target: { task: "classification", name: "strong", classes: ["no", "yes"], codes },
  };
}

async function compare(
  name: string,
  task: Task,
  dataset: Dataset,
  sklearn: boolean,
  sklearnMaxFeatures?: number,
) {
  const split = stratifiedSplit(dataset.target, 0.2, SEED);
  const started = performance.now();
  const prep = fitPreprocessor(dataset, split.train);
  const xTrain = transform(prep, dataset, split.train);
  const target = dataset.target;
  const model =
    target.task === "regression"
      ? fitRidge(
          xTrain,
          Float64Array.from(split.train, (r) => target.values[r]!),
        )
      : fitLogistic(
          xTrain,
          Int32Array.from(split.train, (r) => target.codes[r]!),
          2,
        ).model;
  const keelFit = (performance.now() - started) / 1000;
  const xTest = transform(prep, dataset, split.test);
  const keelMetric =
    target.task === "regression"
      ? r2(
          Float64Array.from(split.test, (r) => target.values[r]!),
          predictRidge(model as ReturnType<typeof fitRidge>, xTest),
        )
      : rocAuc(
          Int32Array.from(split.test, (r) => target.codes[r]!),
          Float64Array.from(
            predictLogistic(model as ReturnType<typeof fitLogistic>["model"], xTest).filter(
              (_, i) => i % 2 === 1,
            ),
          ),
        );
  let line = `dataset=${name} keel_metric=${keelMetric.toFixed(4)}`;
  const keelFacts = `keel_vocabulary=${prep.width}`;
  if (!sklearn) return `${line} keel_fit_s=${keelFit.toFixed(3)} ${keelFacts}`;
  const text = dataset.features[0] as TextColumn;
  const label = (r: number) =>
    target.task === "regression" ? target.values[r]! : target.codes[r]!;
  const write = (file: string, rows: Uint32Array) =>
    writeFile(
      file,
      Array.from(rows, (r) => JSON.stringify({ text: text.values[r], y: label(r) })).join("\n"),
    );
  await write(join(dir, "train.jsonl"), split.train);
  await write(join(dir, "test.jsonl"), split.test);
  const run = Bun.spawnSync(
    [
      PYTHON,
      SCRIPT,
      "fit",
      task,
      join(dir, "train.jsonl"),
      join(dir, "test.jsonl"),
      ...(sklearnMaxFeatures ? [String(sklearnMaxFeatures)] : []),
    ],
    {
      stdout: "pipe",
      stderr: "pipe",
    },
  );
  if (run.exitCode !== 0)
    throw new Error(`scikit-learn failed on ${name}: ${run.stderr.toString()}`);
  const theirs = JSON.parse(run.stdout.toString()) as {
    metric: number;
    fit_s: number;
    vocabulary: number;
  };
  line += ` sklearn_metric=${theirs.metric.toFixed(4)} keel_fit_s=${keelFit.toFixed(3)} sklearn_fit_s=${theirs.fit_s.toFixed(3)}`;
  return `${line} fit_ratio=${(keelFit / theirs.fit_s).toFixed(2)} ${keelFacts} sklearn_vocabulary=${theirs.vocabulary}`;
}
