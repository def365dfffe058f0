// One training run, start to finish, in whatever thread calls it (the Worker in
// production): preprocess → fit → evaluate on the holdout → export ONNX →
// verify the ONNX output against the trainer's own predictions.

import type { Dataset, Split } from "../data/dataset.ts";
import { AppError, errorMessage, invalidData, invalidInput } from "../errors.ts";
import type { FeatureSignature, KeelModelMetadata } from "../registry/model-format.ts";
import { expandDatetimes } from "./datetime-features.ts";
import type { DesignMatrix } from "./design-matrix.ts";
import { evaluateOnnxModel } from "./evaluate-onnx.ts";
import { exportLinear } from "./export-linear.ts";
import { DEFAULT_GBDT_PARAMS, fitGbdt, type GbdtModel, type GbdtParams } from "./gbdt/boosting.ts";
import { exportGbdt } from "./gbdt/export-gbdt.ts";
import { predictGbdt } from "./gbdt/predict.ts";
import { expandText } from "./gbdt/text-features.ts";
import { argmaxRows, fitLogistic, type LogisticModel, predictLogistic } from "./logistic.ts";
import { classificationMetrics, regressionMetrics } from "./metrics.ts";
import { onnxParity, PARITY_LIMIT } from "./parity.ts";
import { fitPreprocessor, transform } from "./preprocess.ts";
import type { ParamValue, TrainProgress, TrainRequest, TrainResult } from "./protocol.ts";
import { allRows, refitIterations } from "./refit.ts";
import { CHOLESKY_MAX_WIDTH, fitRidge, predictRidge, type RidgeModel, ridgeLoss } from "./ridge.ts";

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
    throw invalidInput(`Parameter ${name} must be ${rule}, got ${JSON.stringify(raw)}`);
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
  X: DesignMatrix,
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
    const model = fitRidge(X, y, alpha);
    report(1, ridgeLoss(model, X, y, alpha));
    const solver = X.width <= CHOLESKY_MAX_WIDTH ? "cholesky" : "conjugate_gradients";
    return { model, algorithm: "ridge", params: { alpha, solver }, curve };
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
  const fit = fitLogistic(X, y, numClasses, { C, maxIter, tol, onIteration: report });
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
function predict(model: LogisticModel | RidgeModel, X: DesignMatrix): Float64Array {
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
  return dataset.features.map((f): FeatureSignature => {
    if (f.type === "numeric") return { name: f.name, type: "numeric" };
    if (f.type === "text") return { name: f.name, type: "text", text: f.options };
    if (f.type === "datetime") return { name: f.name, type: "datetime", datetime: f.options };
    return { name: f.name, type: "categorical", vocabulary: [...f.vocabulary] };
  });
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
    ignoredInputs: options.ignoredInputs,
  };
}

function checkRequest(request: TrainRequest): Split {
  const { dataset, split, options } = request;
  if (!ALGORITHMS.includes(options.algorithm))
    throw invalidInput(`Unknown algorithm "${options.algorithm}"`);
  if (dataset.features.length === 0) throw invalidData("The dataset has no feature columns");
  const train = labelledRows(dataset, split.train);
  const test = labelledRows(dataset, split.test);
  if (train.length === 0) throw invalidData("The train split has no rows with a target value");
  if (test.length === 0) throw invalidData("The holdout split has no rows with a target value");
  return { train, test };
}

const ALGORITHMS = ["linear", "gbdt", "auto"];

/** One fitted, evaluated, exported and verified model. */
interface Candidate {
  /** Which trainer: "linear" or "gbdt". */
  kind: string;
  algorithm: string;
  onnx: Uint8Array;
  params: Record<string, ParamValue>;
  metrics: Record<string, number>;
  parity: number;
  curve: { step: number; loss: number }[];
  fitSeconds: number;
  importance?: Record<string, number>;
  /** Its predictions on the holdout rows, in the layout of the ONNX output. */
  holdoutPredictions: Float64Array;
  /** The hyper-parameters that fit this configuration again on `rows` rows. */
  refitParams(rows: number): Record<string, ParamValue>;
}

/** Trains, evaluates, exports and verifies one model (or two, for auto). Throws on any failure. */
export async function trainModel(
  request: TrainRequest,
  onProgress: Progress = () => {},
): Promise<TrainResult> {
  const { dataset } = request;
  const { train, test } = checkRequest(request);
  const wanted =
    request.options.algorithm === "auto" ? ["linear", "gbdt"] : [request.options.algorithm];
  // Trainers see a datetime as its calendar parts; the exported graph takes the instant itself.
  const fitting = { ...request, dataset: expandDatetimes(dataset) };
  const candidates: Candidate[] = [];
  for (const algorithm of wanted) {
    candidates.push(await trainCandidate(request, fitting, algorithm, train, test, onProgress));
  }
  const { winner, reason } = pick(candidates, dataset.target.task);
  const champion = request.champion ? await scoreChampion(request.champion, dataset, test) : {};
  const every = allRows(train, test);
  const refit =
    request.options.refit === false
      ? undefined
      : await refitWinner({ request, fitting, winner, rows: every, test, onProgress });
  const registered = refit ?? winner;
  return {
    onnx: registered.onnx,
    algorithm: winner.algorithm,
    params: {
      ...winner.params,
      evaluation: refit
        ? `holdout of ${test.length} rows; the model returned was refit on all ${every.length} rows`
        : `holdout of ${test.length} rows; the model returned was fitted on the other ${train.length}`,
      ...(refit ? refit.recorded : { refit: false }),
    },
    metrics: { ...winner.metrics, train_rows: train.length, test_rows: test.length },
    parityMaxAbsDiff: registered.parity,
    curve: winner.curve,
    ...(refit ? { refitRows: every.length } : {}),
    candidates: candidates.map((c) => ({
      algorithm: c.algorithm,
      metrics: c.metrics,
      fitSeconds: c.fitSeconds,
    })),
    selection: reason,
    ...(registered.importance ? { featureImportance: registered.importance } : {}),
    ...(dataset.target.task === "classification"
      ? { holdout: { rows: test, probabilities: winner.holdoutPredictions } }
      : {}),
    ...champion,
  };
}

/**
 * The winner's configuration fitted again on every row (refit.ts), exported
 * and checked for parity like any candidate; its in-sample metrics are not
 * kept (the holdout metrics describe the configuration).
 */
async function refitWinner(input: {
  request: TrainRequest;
  fitting: TrainRequest;
  winner: Candidate;
  rows: Uint32Array;
  test: Uint32Array;
  onProgress: Progress;
}): Promise<Candidate & { recorded: Record<string, ParamValue> }> {
  const { request, fitting, winner, rows, test, onProgress } = input;
  const params = winner.refitParams(rows.length);
  const withParams = (r: TrainRequest) => ({ ...r, options: { ...r.options, params } });
  const refit = await trainCandidate(
    withParams(request),
    withParams(fitting),
    winner.kind,
    rows,
    test,
    (event) => onProgress(event.stage === "fit" ? { ...event, stage: "refit" } : event),
  );
  const recorded: Record<string, ParamValue> = { refit: true, refit_rows: rows.length };
  if (winner.kind === "gbdt") recorded.refit_iterations = refit.params.iterations!;
  return { ...refit, recorded };
}

/** The candidate with the better primary metric on the holdout (log loss or RMSE), and why. */
function pick(
  candidates: Candidate[],
  task: Dataset["target"]["task"],
): { winner: Candidate; reason: string } {
  if (candidates.length === 1)
    return { winner: candidates[0]!, reason: `${candidates[0]!.algorithm} was asked for` };
  const metric = task === "regression" ? "rmse" : "log_loss";
  const value = (c: Candidate) => c.metrics[metric] ?? Number.POSITIVE_INFINITY;
  const sorted = [...candidates].sort((a, b) => value(a) - value(b));
  const [winner, runnerUp] = sorted as [Candidate, Candidate];
  return {
    winner,
    reason: `${winner.algorithm} has the lower holdout ${metric}: ${round(value(winner))} against ${round(value(runnerUp))} for ${runnerUp.algorithm}`,
  };
}

const round = (x: number) => Math.round(x * 1e6) / 1e6;

/** `fitting` is `request` as the trainers see it (datetime parts as numeric columns). */
async function trainCandidate(
  request: TrainRequest,
  fitting: TrainRequest,
  algorithm: string,
  train: Uint32Array,
  test: Uint32Array,
  onProgress: Progress,
): Promise<Candidate> {
  const { dataset } = request;
  const started = performance.now();
  const fitted =
    algorithm === "gbdt"
      ? fitGradientBoosting(fitting, train, test, onProgress)
      : fitLinearCandidate(fitting, train, test, onProgress);
  const fitSeconds = (performance.now() - started) / 1000;
  onProgress({ stage: "evaluate" });
  const metrics = evaluate(dataset, test, fitted.predictions);
  onProgress({ stage: "export" });
  const onnx = fitted.export(metadataFor(request, fitted.algorithm));
  onProgress({ stage: "verify" });
  const parity = await onnxParity(onnx, dataset, test, fitted.predictions);
  if (!(parity <= PARITY_LIMIT)) {
    throw new AppError(
      "TRAINING_FAILED",
      `ONNX output of ${fitted.algorithm} differs from the trainer's predictions by ${parity} (limit ${PARITY_LIMIT})`,
    );
  }
  return {
    kind: algorithm,
    algorithm: fitted.algorithm,
    onnx,
    params: fitted.params,
    metrics,
    parity,
    curve: fitted.curve,
    fitSeconds,
    importance: fitted.importance,
    holdoutPredictions: fitted.predictions,
    refitParams: fitted.refitParams,
  };
}

interface FittedCandidate {
  algorithm: string;
  params: Record<string, ParamValue>;
  curve: { step: number; loss: number }[];
  /** Holdout predictions in the layout of the ONNX output. */
  predictions: Float64Array;
  export(metadata: KeelModelMetadata): Uint8Array;
  importance?: Record<string, number>;
  refitParams(rows: number): Record<string, ParamValue>;
}

function fitLinearCandidate(
  request: TrainRequest,
  train: Uint32Array,
  test: Uint32Array,
  onProgress: Progress,
): FittedCandidate {
  const { dataset } = request;
  onProgress({ stage: "preprocess" });
  const prep = fitPreprocessor(dataset, train);
  const xTrain = transform(prep, dataset, train);
  const fitted = fitLinear(dataset, xTrain, train, request.options.params ?? {}, onProgress);
  return {
    algorithm: fitted.algorithm,
    params: fitted.params,
    curve: fitted.curve,
    predictions: predict(fitted.model, transform(prep, dataset, test)),
    export: (metadata) => exportLinear({ prep, model: fitted.model, metadata }),
    // The same hyper-parameters on more rows: nothing was learnt from the holdout to carry over.
    refitParams: () => request.options.params ?? {},
  };
}

function fitGradientBoosting(
  request: TrainRequest,
  train: Uint32Array,
  test: Uint32Array,
  onProgress: Progress,
): FittedCandidate {
  const { dataset } = request;
  const params = gbdtParams(request.options.params ?? {}, request.options.seed);
  const expanded = expandText(dataset, train);
  const fit = fitGbdt(expanded.dataset, train, params, (step, loss) =>
    onProgress({ stage: "fit", step, loss }),
  );
  const model: GbdtModel = fit.model;
  const importance: Record<string, number> = {};
  for (const f of dataset.features) importance[f.name] = 0;
  expanded.origin.forEach((name, i) => {
    importance[name] = importance[name]! + model.importance[i]!;
  });
  return {
    algorithm: "gbdt",
    params: {
      learning_rate: params.learningRate,
      max_iter: params.maxIter,
      max_leaf_nodes: params.maxLeafNodes,
      max_depth: Number.isFinite(params.maxDepth) ? params.maxDepth : "none",
      min_samples_leaf: params.minSamplesLeaf,
      l2_regularization: params.l2Regularization,
      early_stopping: String(params.earlyStopping),
      iterations: model.iterations,
      early_stopped: model.earlyStopped,
    },
    curve: fit.curve.map(({ step, loss }) => ({ step, loss })),
    // Through the columns the graph computes: training rows' own text scores are out-of-fold.
    predictions: predictGbdt(model, expanded.serving, test),
    export: (metadata) => exportGbdt(model, metadata, expanded.blocks),
    importance,
    refitParams: (rows) => ({
      ...(request.options.params ?? {}),
      early_stopping: false,
      max_iter: refitIterations({ ...model, fitRows: fit.fitRows }, rows, params.maxIter),
    }),
  };
}

/** GBDT hyper-parameters from the spec/env params (scikit-learn's names), checked. */
function gbdtParams(raw: Record<string, ParamValue>, seed = 42): GbdtParams {
  const positiveInt = (v: number) => Number.isInteger(v) && v >= 1;
  const early = raw.early_stopping;
  return {
    ...DEFAULT_GBDT_PARAMS,
    learningRate: numberParam(
      raw,
      "learning_rate",
      0.1,
      (v) => v > 0 && v <= 10,
      "a number in (0, 10]",
    ),
    maxIter: numberParam(raw, "max_iter", 100, positiveInt, "an integer ≥ 1"),
    maxLeafNodes: numberParam(
      raw,
      "max_leaf_nodes",
      31,
      (v) => Number.isInteger(v) && v >= 2,
      "an integer ≥ 2",
    ),
    maxDepth:
      raw.max_depth === undefined || raw.max_depth === "none"
        ? Number.POSITIVE_INFINITY
        : numberParam(raw, "max_depth", 0, positiveInt, "an integer ≥ 1"),
    minSamplesLeaf: numberParam(raw, "min_samples_leaf", 20, positiveInt, "an integer ≥ 1"),
    l2Regularization: numberParam(raw, "l2_regularization", 0, (v) => v >= 0, "a number ≥ 0"),
    earlyStopping:
      early === undefined || early === "auto" ? "auto" : early === true || early === "true",
    validationFraction: numberParam(
      raw,
      "validation_fraction",
      0.1,
      (v) => v > 0 && v < 0.5,
      "a number in (0, 0.5)",
    ),
    nIterNoChange: numberParam(raw, "n_iter_no_change", 10, positiveInt, "an integer ≥ 1"),
    seed,
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
