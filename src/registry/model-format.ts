// keel's ONNX conventions: what a keel model carries in `metadata_props` and
// how its inputs and outputs are laid out. Trainers write this, serving reads it,
// so an ONNX file is a complete model on its own.
//
// Inputs: one tensor per feature, named after the feature, shape [N, 1];
//   numeric → tensor(double) (NaN = missing), datetime → tensor(double) seconds
//   since the epoch (UTC; NaN = missing), categorical and text → tensor(string).
// Outputs: classification → `label` int64 [N] (index into classes) and
//   `probabilities` double [N, C]; regression → `variable` double [N, 1].

import type { FeatureType, Task } from "../data/dataset.ts";
import type { DatetimeOptions } from "../data/datetime.ts";
import type { TextOptions } from "../data/text.ts";

export const METADATA_KEYS = {
  formatVersion: "keel.format_version",
  modelName: "keel.model_name",
  task: "keel.task",
  target: "keel.target",
  features: "keel.features",
  classes: "keel.classes",
  algorithm: "keel.algorithm",
  runId: "keel.run_id",
  trainedAt: "keel.trained_at",
  timeColumn: "keel.time_column",
  ignoredInputs: "keel.ignored_inputs",
} as const;

export const FORMAT_VERSION = "1";

export const OUTPUT_NAMES = {
  label: "label",
  probabilities: "probabilities",
  regression: "variable",
} as const;

export interface FeatureSignature {
  name: string;
  type: FeatureType;
  /** Categories seen in training; others are accepted and encoded as unknown. */
  vocabulary?: string[];
  /** Text features: how the graph turns the string into n-gram weights. */
  text?: TextOptions;
  /** Datetime features: the input is seconds since the epoch, and these parts are derived in the graph. */
  datetime?: DatetimeOptions;
}

/** Everything a model says about itself, as stored in `metadata_props`. */
export interface KeelModelMetadata {
  modelName: string;
  task: Task;
  target: string;
  features: FeatureSignature[];
  /** Class labels in the order of the probability columns (classification only). */
  classes?: string[];
  algorithm: string;
  runId?: string;
  trainedAt: string;
  timeColumn?: string;
  /** Columns of the training data the model does not use (constant, empty): accepted as inputs and ignored. */
  ignoredInputs?: string[];
}

/** Turns metadata into the `metadata_props` key/value list of an ONNX ModelProto. */
export function toMetadataProps(meta: KeelModelMetadata): { key: string; value: string }[] {
  const props: { key: string; value: string }[] = [
    { key: METADATA_KEYS.formatVersion, value: FORMAT_VERSION },
    { key: METADATA_KEYS.modelName, value: meta.modelName },
    { key: METADATA_KEYS.task, value: meta.task },
    { key: METADATA_KEYS.target, value: meta.target },
    { key: METADATA_KEYS.features, value: JSON.stringify(meta.features) },
    { key: METADATA_KEYS.algorithm, value: meta.algorithm },
    { key: METADATA_KEYS.trainedAt, value: meta.trainedAt },
  ];
  if (meta.classes) props.push({ key: METADATA_KEYS.classes, value: JSON.stringify(meta.classes) });
  if (meta.runId) props.push({ key: METADATA_KEYS.runId, value: meta.runId });
  if (meta.timeColumn) props.push({ key: METADATA_KEYS.timeColumn, value: meta.timeColumn });
  if (meta.ignoredInputs?.length) {
    props.push({ key: METADATA_KEYS.ignoredInputs, value: JSON.stringify(meta.ignoredInputs) });
  }
  return props;
}

export type TensorElement = "float32" | "float64" | "int64" | "int32" | "string" | "bool";

/** How request features map onto the model's input tensors. */
export type InputBinding =
  | {
      /** One tensor per feature (keel's own models, most skl2onnx pipelines). */
      layout: "per-feature";
      tensors: { name: string; element: TensorElement; rank: number }[];
    }
  | {
      /** One [N, F] numeric matrix (e.g. skl2onnx's `float_input`, torch.onnx exports). */
      layout: "matrix";
      name: string;
      element: TensorElement;
    };

export interface OutputBinding {
  /** Output holding the predicted label (classification). */
  label?: string;
  /** Whether `label` holds an index into `classes` (keel models) or the class value itself. */
  labelIsIndex: boolean;
  /** Output holding class probabilities [N, C]. */
  probabilities?: string;
  /** Output holding regression values [N] or [N, 1]. */
  value?: string;
}

/** The fields a request may carry besides the features: the time column and the unused columns. */
export function ignoredFields(signature: Pick<ModelSignature, "timeColumn" | "unused">): string[] {
  return [...(signature.timeColumn ? [signature.timeColumn] : []), ...(signature.unused ?? [])];
}

/** What the registry keeps about a model's interface, and what serving validates against. */
export interface ModelSignature {
  task: Task;
  target: string;
  features: FeatureSignature[];
  /** The training data's time column: a request may carry it; the model ignores it. */
  timeColumn?: string;
  /** Data columns set aside as uninformative (constant, empty): a request may carry them; the model ignores them. */
  unused?: string[];
  classes?: string[];
  inputs: InputBinding;
  outputs: OutputBinding;
}
