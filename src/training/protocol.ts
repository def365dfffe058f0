// The typed protocol across the training Worker boundary: what the main thread
// sends (one train request), and what comes back (progress events, then one
// result or one error).

import type { Dataset, Split } from "../data/dataset.ts";
import type { ErrorCode } from "../errors.ts";

export type ParamValue = number | string | boolean;

export type Algorithm = "linear" | "gbdt" | "auto";

export interface TrainOptions {
  /** auto trains linear and GBDT on the same split and keeps the better on the holdout. */
  algorithm: Algorithm;
  /** Seed of the GBDT's validation split (early stopping). */
  seed?: number;
  modelName: string;
  runId: string;
  timeColumn?: string;
  /** Data columns set aside as uninformative: the model accepts and ignores them. */
  ignoredInputs?: string[];
  /** Fit the chosen configuration again on all rows for the model returned (default true; refit.ts). */
  refit?: boolean;
  /** Hyper-parameters, e.g. `C`, `alpha`, `max_iter`, `learning_rate`, `max_leaf_nodes`. Unknown keys are ignored. */
  params?: Record<string, ParamValue>;
}

export interface TrainRequest {
  dataset: Dataset;
  split: Split;
  options: TrainOptions;
  /** ONNX bytes of the model in production, scored on the same holdout as the challenger. */
  champion?: Uint8Array;
}

export interface TrainProgress {
  /** `refit`: the chosen configuration fitted again on every row (refit.ts). */
  stage: "preprocess" | "fit" | "export" | "verify" | "evaluate" | "refit";
  step?: number;
  loss?: number;
}

export interface TrainResult {
  onnx: Uint8Array;
  algorithm: string;
  /** Effective hyper-parameters, including what the solver did (iterations run). */
  params: Record<string, ParamValue>;
  /** Holdout metrics (of the model fitted on the train rows) plus `train_rows` and `test_rows`. */
  metrics: Record<string, number>;
  /** The returned model was refit on all rows (refit.ts): how many. */
  refitRows?: number;
  parityMaxAbsDiff: number;
  curve: { step: number; loss: number }[];
  /** Every model trained for this run (two under auto) with its holdout metrics. */
  candidates: { algorithm: string; metrics: Record<string, number>; fitSeconds: number }[];
  /** Why the returned model was chosen. */
  selection: string;
  /** Gain-based importance per feature (GBDT), summing to 1. */
  featureImportance?: Record<string, number>;
  /**
   * A classifier's holdout rows and the chosen configuration's probabilities
   * on them (`rows × classes`), fitted without those rows: what the
   * label-free performance estimate is calibrated on (drift/calibration.ts).
   */
  holdout?: { rows: Uint32Array; probabilities: Float64Array };
  /** The production model's metrics on the same holdout, when one was sent. */
  championMetrics?: Record<string, number>;
  /** Why the production model could not be scored on this data. */
  championError?: string;
}

export type WorkerMessageIn = { type: "train"; request: TrainRequest };

export type WorkerMessageOut =
  | { type: "progress"; progress: TrainProgress }
  | { type: "result"; result: TrainResult }
  /** `code` is the AppError's (bad data or parameters); absent for anything else, a failed training. */
  | { type: "error"; message: string; code?: ErrorCode };
