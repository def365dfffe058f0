// One training run, start to finish, in whatever thread calls it (the Worker in
// production): preprocess → fit → evaluate on the holdout → export ONNX →
// verify the ONNX output against the trainer's own predictions.

import type { Dataset, Split } from "../data/dataset.ts";
import { errorMessage } from "../errors.ts";
import type { FeatureSignature, KeelModelMetadata } from "../registry/model-format.ts";
import { evaluateOnnxModel } from "./evaluate-onnx.ts";
import { exportLinear } from "./export-linear.ts";
import { argmaxRows, fitLogistic, type LogisticModel, predictLogistic } from "./logistic.ts";
import { classificationMetrics, regressionMetrics } from "./metrics.ts";
import { onnxParity, PARITY_LIMIT } from "./parity.ts";
import { fitPreprocessor, type Preprocessor, transform } from "./preprocess.ts";
import type { ParamValue, TrainProgress, TrainRequest, TrainResult } from "./protocol.ts";
import { fitRidge, predictRidge, type RidgeModel, ridgeLoss } from "./ridge.ts";

type Progress = (event: TrainProgress) => void;

interface Fitted {
  model: LogisticModel | RidgeModel;
  algorithm: string;
  params: Record<string, ParamValue>;
  curve: { step: number; loss: number }[];
}

/** Reads a numeric hyper-parameter (numbers or numeric strings), checking its range. */
function numberParam(
  params: Record<string, ParamValue>,
  name: string,
  fallback: number,
  valid: (v: number) => boolean,
  rule: string,
): number {
  const raw = params[name];
  if (raw === undefined) return fallback;
  const value = typeof raw === "string" && raw.trim() !== "" ? Number(raw) : raw;
  if (typeof value !== "number" || !Number.isFinite(value) || !valid(value)) {
    throw new Error(`Parameter ${name} must be ${rule}, got ${JSON.stringify(raw)}`);
  }
  return value;
}

/** Rows of `rows` whose target is present (a valid class code or a finite value). */
function labelledRows(dataset: Dataset, rows: Uint32Array): Uint32Array {
  const t = dataset.target;
  return rows.filter((r) =>
    t.task === "classification"
      ? t.codes[r]! >= 0 && t.codes[r]! < t.classes.length
      : Number.isFinite(t.values[r]!),
  );
}

function classTargets(dataset: Dataset, rows: Uint32Array): Int32Array {
  const t = dataset.target;
  if (t.task !== "classification") throw new Error("Expected a classification target");
  return Int32Array.from(rows, (r) => t.codes[r]!);
}

function valueTargets(dataset: Dataset, rows: Uint32Array): Float64Array {
  const t = dataset.target;
  if (t.task !== "regression") throw new Error("Expected a regression target");
  return Float64Array.from(rows, (r) => t.values[r]!);
}

function fitLinear(
  dataset: Dataset,
  X: Float64Array,
  prep: Preprocessor,
  rows: Uint32Array,
  raw: Record<string, ParamValue>,
  onProgress: Progress,
): Fitted {
  const curve: { step: number; loss: number }[] = [];
  const report = (step: number, loss: number) => {
    curve.push({ step, loss });
    onProgress({ stage: "fit", step, loss });
  };
  if (dataset.target.task === "regression") {
    const alpha = numberParam(raw, "alpha", 1, (v) => v >= 0, "a number ≥ 0");
    const y = valueTargets(dataset, rows);
    const model = fitRidge(X, prep.width, y, alpha);
    report(1, ridgeLoss(model, X, y, alpha));
    return { model, algorithm: "ridge", params: { alpha, solver: "cholesky" }, curve };
  }
  const C = numberParam(raw, "C", 1, (v) => v > 0, "a number > 0");
  const maxIter = numberParam(
    raw,
    "max_iter",
    100,
    (v) => Number.isInteger(v) && v >= 1,
    "an integer ≥ 1",
  );
  const tol = numberParam(raw, "tol", 1e-4, (v) => v > 0, "a number > 0");
  const y = classTargets(dataset, rows);
  const numClasses = dataset.target.classes.length;
  const fit = fitLogistic(X, prep.width, y, numClasses, { C, maxIter, tol, onIteration: report });
  const params = {
    C,
    max_iter: maxIter,
    tol,
    solver: "lbfgs",
    multi_class: numClasses === 2 ? "binary" : "multinomial",
    iterations: fit.iterations,
    converged: fit.converged,
  };
  return { model: fit.model, algorithm: "logistic_regression", params, curve };
}

/** Holdout predictions in the layout of the ONNX output (probabilities or values). */
function predict(model: LogisticModel | RidgeModel, X: Float64Array): Float64Array {
  return model.kind === "logistic" ? predictLogistic(model, X) : predictRidge(model, X);
}

function evaluate(dataset: Dataset, rows: Uint32Array, predictions: Float64Array) {
  let metrics: Record<string, number>;
  if (dataset.target.task === "classification") {
    const k = dataset.target.classes.length;
    const y = classTargets(dataset, rows);
    metrics = classificationMetrics(y, predictions, k, argmaxRows(predictions, k));
  } else {
    metrics = regressionMetrics(valueTargets(dataset, rows), predictions);
  }
  // NaN (e.g. roc_auc on a one-class holdout) is left out rather than stored.
  return Object.fromEntries(Object.entries(metrics).filter(([, v]) => Number.isFinite(v)));
}

function signature(dataset: Dataset): FeatureSignature[] {
  return dataset.features.map((f) =>
    f.type === "numeric"
      ? { name: f.name, type: "numeric" }
      : { name: f.name, type: "categorical", vocabulary: [...f.vocabulary] },
  );
}

function metadataFor(request: TrainRequest, algorithm: string): KeelModelMetadata {
  const { dataset, options } = request;
  return {
    modelName: options.modelName,
    task: dataset.target.task,
    target: dataset.target.name,
    features: signature(dataset),
    classes: dataset.target.task === "classification" ? [...dataset.target.classes] : undefined,
    algorithm,
    runId: options.runId,
    trainedAt: new Date().toISOString(),
    timeColumn: options.timeColumn,
  };
}

function checkRequest(request: TrainRequest): Split {
  const { dataset, split, options } = request;
  if (options.algorithm !== "linear") throw new Error(`Unknown algorithm "${options.algorithm}"`);
  if (dataset.features.length === 0) throw new Error("The dataset has no feature columns");
  const train = labelledRows(dataset, split.train);
  const test = labelledRows(dataset, split.test);
  if (train.length === 0) throw new Error("The train split has no rows with a target value");
  if (test.length === 0) throw new Error("The holdout split has no rows with a target value");
  return { train, test };
}

/** Trains, evaluates, exports and verifies one model. Throws on any failure. */
export async function trainModel(
  request: TrainRequest,
  onProgress: Progress = () => {},
): Promise<TrainResult> {
  const { dataset } = request;
  const { train, test } = checkRequest(request);
  onProgress({ stage: "preprocess" });
  const prep = fitPreprocessor(dataset, train);
  const xTrain = transform(prep, dataset, train);
  const fitted = fitLinear(dataset, xTrain, prep, train, request.options.params ?? {}, onProgress);
  onProgress({ stage: "evaluate" });
  const predictions = predict(fitted.model, transform(prep, dataset, test));
  const metrics = evaluate(dataset, test, predictions);
  onProgress({ stage: "export" });
  const metadata = metadataFor(request, fitted.algorithm);
  const onnx = exportLinear({ prep, model: fitted.model, metadata });
  onProgress({ stage: "verify" });
  const parity = await onnxParity(onnx, dataset, test, predictions);
  if (!(parity <= PARITY_LIMIT)) {
    throw new Error(
      `ONNX output differs from the trainer's predictions by ${parity} (limit ${PARITY_LIMIT})`,
    );
  }
  const champion = request.champion ? await scoreChampion(request.champion, dataset, test) : {};
  return {
    onnx,
    algorithm: fitted.algorithm,
    params: fitted.params,
    metrics: { ...metrics, train_rows: train.length, test_rows: test.length },
    parityMaxAbsDiff: parity,
    curve: fitted.curve,
    ...champion,
  };
}

/**
 * Scores the model in production on the challenger's holdout so the gate
 * compares like with like. A champion that cannot run on this data is
 * reported, not fatal: the challenger is then the only usable model.
 */
async function scoreChampion(
  bytes: Uint8Array,
  dataset: Dataset,
  rows: Uint32Array,
): Promise<Pick<TrainResult, "championMetrics" | "championError">> {
  try {
    return { championMetrics: await evaluateOnnxModel(bytes, dataset, rows) };
  } catch (error) {
    return { championError: errorMessage(error) };
  }
}
