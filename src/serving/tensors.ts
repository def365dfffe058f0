// Turns checked feature columns into the input tensors a model's signature asks
// for, and the model's output tensors back into predictions, kept as columns too:
// one array of predicted values and a view of the probability tensor, so a
// 1,000-row answer needs no per-row objects until something asks for them.

import { Tensor } from "onnxruntime-node";
import type { ModelSignature, TensorElement } from "../registry/model-format.ts";
import { columnPlan, type FeatureColumns } from "./feature-columns.ts";

export interface Prediction {
  prediction: string | number;
  probabilities?: Record<string, number>;
}

export interface PredictionColumns {
  count: number;
  /** Per row: the predicted class (classification) or value (regression). */
  values: (string | number)[];
  /** Classifiers with a probability output. */
  probabilities?: ClassProbabilities;
}

export interface ClassProbabilities {
  classes: string[];
  /** Row i's probability of `classes[c]` is `data[i * classes.length + c]` (a view of the output). */
  data: Float32Array | Float64Array;
}

type Feeds = Record<string, Tensor>;
type NumberArray = Float32Array | Float64Array | BigInt64Array | Int32Array;

export function encodeColumns(signature: ModelSignature, columns: FeatureColumns): Feeds {
  const { count: n, numbers, strings } = columns;
  const plan = columnPlan(signature);
  const binding = signature.inputs;
  if (binding.layout === "matrix") {
    const width = plan.features.length;
    const data = allocate(binding.element, n * width);
    plan.slots.forEach((slot, c) => {
      for (let r = 0; r < n; r++) {
        // A string feature has no place in a numeric matrix: it reads as missing.
        setNumber(data, r * width + c, slot.kind === "number" ? numbers[slot.index * n + r]! : NaN);
      }
    });
    return {
      [binding.name]: new Tensor(binding.element as "float32", data as Float32Array, [n, width]),
    };
  }
  const feeds: Feeds = {};
  for (const input of binding.tensors) {
    const dims = input.rank === 1 ? [n] : [n, 1];
    const slot = plan.slotOf.get(input.name);
    if (input.element === "string") {
      const data =
        slot?.kind === "string"
          ? strings.slice(slot.index * n, (slot.index + 1) * n)
          : new Array<string>(n).fill("");
      feeds[input.name] = new Tensor("string", data, dims);
      continue;
    }
    const column =
      slot?.kind === "number"
        ? numbers.subarray(slot.index * n, (slot.index + 1) * n)
        : new Float64Array(n).fill(NaN);
    feeds[input.name] = new Tensor(
      input.element as "float64",
      // keel's own models take float64: the column itself, no copy.
      (input.element === "float64" ? column : convert(input.element, column)) as Float64Array,
      dims,
    );
  }
  return feeds;
}

function allocate(element: TensorElement, size: number): NumberArray {
  switch (element) {
    case "float32":
      return new Float32Array(size);
    case "int64":
      return new BigInt64Array(size);
    case "int32":
      return new Int32Array(size);
    default:
      return new Float64Array(size);
  }
}

function convert(element: TensorElement, column: Float64Array): NumberArray {
  const data = allocate(element, column.length);
  for (let i = 0; i < column.length; i++) setNumber(data, i, column[i]!);
  return data;
}

/** NaN is missing: NaN in float tensors, 0 in int32 (as a typed array stores it) and in int64. */
function setNumber(data: NumberArray, index: number, value: number) {
  if (data instanceof BigInt64Array)
    data[index] = BigInt(Number.isNaN(value) ? 0 : Math.round(value));
  else data[index] = value;
}

/** Decodes every row of a run's outputs. */
export function decodeOutputs(
  signature: ModelSignature,
  outputs: Record<string, Tensor>,
  count: number,
): PredictionColumns {
  const { outputs: binding } = signature;
  const values = new Array<string | number>(count);
  if (signature.task === "regression" || (!binding.label && !binding.probabilities)) {
    const tensor = outputs[binding.value ?? ""]!;
    const width = tensor.dims.length > 1 ? Number(tensor.dims[1]) : 1;
    for (let i = 0; i < count; i++) values[i] = Number(tensor.data[i * width]);
    return { count, values };
  }
  const probs = binding.probabilities ? outputs[binding.probabilities] : undefined;
  const labels = binding.label ? outputs[binding.label] : undefined;
  const width = probs ? Number(probs.dims[1] ?? 1) : 0;
  const classes = signature.classes ?? Array.from({ length: width }, (_, i) => String(i));
  const probabilities = probs ? { classes, data: floatData(probs) } : undefined;
  if (labels) {
    const raw = labels.data;
    for (let i = 0; i < count; i++) {
      values[i] = signature.outputs.labelIsIndex
        ? (classes[Number(raw[i])] ?? String(raw[i]))
        : String(raw[i]);
    }
  } else {
    // No label output: the most probable class, first on ties.
    const objects = toPredictionObjects({ count, values, probabilities });
    for (let i = 0; i < count; i++) values[i] = mostProbable(classes, objects[i]!.probabilities!);
  }
  return probabilities ? { count, values, probabilities } : { count, values };
}

function floatData(tensor: Tensor): Float32Array | Float64Array {
  const data = tensor.data;
  if (data instanceof Float32Array || data instanceof Float64Array) return data;
  return Float64Array.from(data as ArrayLike<number | bigint>, Number);
}

function mostProbable(classes: string[], probabilities: Record<string, number>): string {
  let best = classes[0]!;
  for (const name of classes) if (probabilities[name]! > probabilities[best]!) best = name;
  return best;
}

/** Rows [offset, offset + count) of `predictions`, sharing their probability data. */
export function slicePredictions(
  predictions: PredictionColumns,
  offset: number,
  count: number,
): PredictionColumns {
  if (offset === 0 && count === predictions.count) return predictions;
  const values = predictions.values.slice(offset, offset + count);
  const probabilities = predictions.probabilities;
  if (!probabilities) return { count, values };
  const stride = probabilities.classes.length;
  const data = probabilities.data.subarray(offset * stride, (offset + count) * stride);
  return { count, values, probabilities: { classes: probabilities.classes, data } };
}

/** One object per row, probabilities keyed by class (for callers that want rows). */
export function toPredictionObjects(predictions: PredictionColumns): Prediction[] {
  const { count, values, probabilities } = predictions;
  const objects = new Array<Prediction>(count);
  for (let i = 0; i < count; i++) {
    objects[i] = probabilities
      ? { prediction: values[i]!, probabilities: rowProbabilities(probabilities, i) }
      : { prediction: values[i]! };
  }
  return objects;
}

function rowProbabilities({ classes, data }: ClassProbabilities, row: number) {
  const out: Record<string, number> = {};
  const width = classes.length;
  for (let c = 0; c < width; c++) out[classes[c]!] = data[row * width + c]!;
  return out;
}
