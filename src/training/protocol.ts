// The typed protocol across the training Worker boundary: what the main thread
// sends (one train request), and what comes back (progress events, then one
// result or one error).

import type { Dataset, Split } from "../data/dataset.ts";

export type ParamValue = number | string | boolean;

export interface TrainOptions {
  algorithm: "linear";
  modelName: string;
  runId: string;
  timeColumn?: string;
  /** Hyper-parameters, e.g. `C`, `alpha`, `max_iter`, `tol`. Unknown keys are ignored. */
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
  stage: "preprocess" | "fit" | "export" | "verify" | "evaluate";
  step?: number;
  loss?: number;
}

export interface TrainResult {
  onnx: Uint8Array;
  algorithm: string;
  /** Effective hyper-parameters, including what the solver did (iterations run). */
  params: Record<string, ParamValue>;
  /** Holdout metrics plus `train_rows` and `test_rows`. */
  metrics: Record<string, number>;
  parityMaxAbsDiff: number;
  curve: { step: number; loss: number }[];
  /** The production model's metrics on the same holdout, when one was sent. */
  championMetrics?: Record<string, number>;
  /** Why the production model could not be scored on this data. */
  championError?: string;
}

export type WorkerMessageIn = { type: "train"; request: TrainRequest };

export type WorkerMessageOut =
  | { type: "progress"; progress: TrainProgress }
  | { type: "result"; result: TrainResult }
  | { type: "error"; message: string };
