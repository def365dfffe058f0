// The columnar, typed-array form every trainer and the drift maths work on.
// Rows are never objects here: one typed array per column.

import type { DatetimeOptions } from "./datetime.ts";
import type { TextOptions } from "./text.ts";

export type FeatureType = "numeric" | "categorical" | "text" | "datetime";
export type Task = "classification" | "regression";

export interface NumericColumn {
  name: string;
  type: "numeric";
  /** NaN marks a missing value. */
  values: Float64Array;
}

export interface CategoricalColumn {
  name: string;
  type: "categorical";
  /** Index into `vocabulary`; -1 marks a missing value. */
  codes: Int32Array;
  /** Distinct non-empty values, sorted, as seen in this dataset. */
  vocabulary: string[];
}

export interface TextColumn {
  name: string;
  type: "text";
  /** One string per row; "" marks a missing value. */
  values: string[];
  /** How the trainers turn the text into n-gram features. */
  options: TextOptions;
}

export interface DatetimeColumn {
  name: string;
  type: "datetime";
  /** Seconds since the epoch (UTC); NaN marks a missing value. */
  values: Float64Array;
  /** Which calendar parts the trainers learn from (datetime.ts). */
  options: DatetimeOptions;
}

export type FeatureColumn = NumericColumn | CategoricalColumn | TextColumn | DatetimeColumn;

export type Target =
  | { task: "classification"; name: string; codes: Int32Array; classes: string[] }
  | { task: "regression"; name: string; values: Float64Array };

export interface Dataset {
  rows: number;
  features: FeatureColumn[];
  target: Target;
}

/** Row indices of a train/holdout split. */
export interface Split {
  train: Uint32Array;
  test: Uint32Array;
}
