// Reads an ONNX file's graph and metadata (without running it) and works out
// its signature: which features it takes, how they map onto input tensors, and
// what its outputs mean. Anything keel cannot serve is refused here, with a
// message that says how to export the model instead.

import { onnx } from "onnx-proto";
import type { FeatureType, Task } from "../data/dataset.ts";
import { errorMessage, invalidModel } from "../errors.ts";
import {
  type FeatureSignature,
  type InputBinding,
  METADATA_KEYS,
  type ModelSignature,
  OUTPUT_NAMES,
  type OutputBinding,
  type TensorElement,
} from "../registry/model-format.ts";

const ELEMENTS: Record<number, TensorElement> = {
  1: "float32",
  6: "int32",
  7: "int64",
  8: "string",
  9: "bool",
  11: "float64",
};

interface TensorInfo {
  name: string;
  element: TensorElement | undefined;
  elemType: number;
  dims: (number | null)[];
  kind: "tensor" | "sequence" | "map" | "other";
}

export interface InspectedModel {
  signature: ModelSignature;
  metadata: Record<string, string>;
  /** keel's algorithm name, or the producer for models made elsewhere. */
  algorithm: string;
  runId?: string;
}

/** Decodes and validates ONNX bytes; throws INVALID_MODEL (422) saying why it cannot be served. */
export function inspectOnnx(bytes: Uint8Array): InspectedModel {
  const model = decode(bytes);
  const graph = model.graph;
  if (!graph?.node?.length) throw invalidModel("The ONNX model has no graph nodes");
  const metadata = Object.fromEntries(
    (model.metadataProps ?? []).map((prop) => [prop.key ?? "", prop.value ?? ""]),
  );
  const initializers = new Set((graph.initializer ?? []).map((tensor) => tensor.name));
  const inputs = (graph.input ?? []).filter((v) => !initializers.has(v.name ?? "")).map(describe);
  const outputs = (graph.output ?? []).map(describe);
  refuseUnservableOutputs(outputs);
  if (inputs.length === 0) throw invalidModel("The ONNX model has no inputs");

  const features = readFeatures(metadata, inputs);
  const inputBinding = bindInputs(inputs, features);
  const outputBinding = bindOutputs(outputs, metadata);
  const task: Task =
    (metadata[METADATA_KEYS.task] as Task | undefined) ??
    (outputBinding.probabilities || outputBinding.label ? "classification" : "regression");
  const classes = parseJson<string[]>(metadata[METADATA_KEYS.classes], "classes");
  const timeColumn = metadata[METADATA_KEYS.timeColumn];
  const unused = parseJson<string[]>(metadata[METADATA_KEYS.ignoredInputs], "ignored_inputs");
  return {
    signature: {
      task,
      target: metadata[METADATA_KEYS.target] ?? "target",
      features,
      ...(classes ? { classes } : {}),
      ...(timeColumn ? { timeColumn } : {}),
      ...(Array.isArray(unused) && unused.length > 0 ? { unused: unused.map(String) } : {}),
      inputs: inputBinding,
      outputs: outputBinding,
    },
    metadata,
    algorithm: metadata[METADATA_KEYS.algorithm] ?? (model.producerName || "unknown"),
    ...(metadata[METADATA_KEYS.runId] ? { runId: metadata[METADATA_KEYS.runId] } : {}),
  };
}

function decode(bytes: Uint8Array): onnx.ModelProto {
  if (bytes.byteLength === 0) throw invalidModel("The uploaded file is empty");
  try {
    return onnx.ModelProto.decode(bytes);
  } catch (error) {
    throw invalidModel(`The file is not an ONNX model: ${errorMessage(error)}`);
  }
}

function describe(value: onnx.IValueInfoProto): TensorInfo {
  const type = value.type;
  const tensor = type?.tensorType;
  const kind = tensor
    ? "tensor"
    : type?.sequenceType
      ? "sequence"
      : type?.mapType
        ? "map"
        : "other";
  const elemType = tensor?.elemType ?? 0;
  return {
    name: value.name ?? "",
    element: ELEMENTS[elemType],
    elemType,
    dims: (tensor?.shape?.dim ?? []).map((d) =>
      d.dimValue !== undefined && d.dimValue !== null && Number(d.dimValue) > 0
        ? Number(d.dimValue)
        : null,
    ),
    kind,
  };
}

function refuseUnservableOutputs(outputs: TensorInfo[]): void {
  for (const output of outputs) {
    if (output.kind === "sequence" || output.kind === "map") {
      throw invalidModel(
        `Output "${output.name}" is a ${output.kind} (a ZipMap of class probabilities); keel serves tensor outputs only. ` +
          "Re-export with skl2onnx using options={'zipmap': False} (e.g. to_onnx(model, X, options={id(model): {'zipmap': False}}))",
        { output: output.name },
      );
    }
    if (output.kind !== "tensor" || !output.element) {
      throw invalidModel(
        `Output "${output.name}" has an unsupported type (ONNX element type ${output.elemType}); keel serves float, double, int32, int64, bool and string tensors`,
      );
    }
  }
}

function readFeatures(metadata: Record<string, string>, inputs: TensorInfo[]): FeatureSignature[] {
  const declared = parseJson<FeatureSignature[]>(metadata[METADATA_KEYS.features], "features");
  if (declared) return declared;
  if (inputs.length === 1 && isMatrix(inputs[0]!)) {
    const width = inputs[0]!.dims[1];
    if (!width) {
      throw invalidModel(
        `Input "${inputs[0]!.name}" is a matrix of unknown width; add "${METADATA_KEYS.features}" to the model's metadata_props or export with a fixed number of columns`,
      );
    }
    return Array.from({ length: width }, (_, i) => ({ name: `x${i}`, type: "numeric" as const }));
  }
  return inputs.map((input) => ({ name: input.name, type: featureTypeOf(input) }));
}

function featureTypeOf(input: TensorInfo): FeatureType {
  if (!input.element || input.element === "bool") {
    throw invalidModel(
      `Input "${input.name}" has an unsupported type (ONNX element type ${input.elemType}); use float, double, int64 or string inputs`,
    );
  }
  return input.element === "string" ? "categorical" : "numeric";
}

const isMatrix = (input: TensorInfo) =>
  input.dims.length === 2 && input.element !== "string" && input.dims[1] !== 1;

function bindInputs(inputs: TensorInfo[], features: FeatureSignature[]): InputBinding {
  const only = inputs[0]!;
  if (inputs.length === 1 && isMatrix(only) && features.length > 1) {
    featureTypeOf(only);
    if (only.dims[1] && only.dims[1] !== features.length) {
      throw invalidModel(
        `Input "${only.name}" has ${only.dims[1]} columns but the metadata lists ${features.length} features`,
      );
    }
    return { layout: "matrix", name: only.name, element: only.element! };
  }
  const byName = new Map(inputs.map((input) => [input.name, input]));
  const tensors = features.map((feature) => {
    const input = byName.get(feature.name);
    if (!input)
      throw invalidModel(
        `The metadata names feature "${feature.name}" but the model has no input of that name`,
      );
    const type = featureTypeOf(input);
    // A string input carries categories or free text, a number a value or an instant; the metadata says which.
    const stringFeature = feature.type === "categorical" || feature.type === "text";
    const numberFeature = feature.type === "numeric" || feature.type === "datetime";
    if (!(type === "categorical" ? stringFeature : numberFeature)) {
      throw invalidModel(`Input "${input.name}" is ${type} but the metadata says ${feature.type}`);
    }
    return { name: input.name, element: input.element!, rank: Math.max(input.dims.length, 1) };
  });
  if (tensors.length !== inputs.length) {
    const unknown = inputs.filter((input) => !features.some((f) => f.name === input.name));
    throw invalidModel(
      `Inputs ${unknown.map((i) => `"${i.name}"`).join(", ")} are not listed as features in the metadata`,
    );
  }
  return { layout: "per-feature", tensors };
}

function bindOutputs(outputs: TensorInfo[], metadata: Record<string, string>): OutputBinding {
  const keelFormat = METADATA_KEYS.formatVersion in metadata;
  const numeric = outputs.filter((o) => o.element === "float32" || o.element === "float64");
  const labels = outputs.filter(
    (o) => o.element === "int64" || o.element === "int32" || o.element === "string",
  );
  const named = (name: string) => outputs.find((o) => o.name === name)?.name;
  const probabilities =
    named(OUTPUT_NAMES.probabilities) ??
    named("output_probability") ??
    numeric.find((o) => o.dims.length === 2 && o.dims[1] !== 1)?.name;
  const label = named(OUTPUT_NAMES.label) ?? named("output_label") ?? labels[0]?.name;
  if (label || probabilities) {
    return { label, probabilities, labelIsIndex: keelFormat };
  }
  const value = named(OUTPUT_NAMES.regression) ?? numeric[0]?.name;
  if (!value) {
    throw invalidModel(
      `Cannot tell what the outputs mean (${outputs.map((o) => `"${o.name}"`).join(", ")}); a classifier needs a label or probabilities output, a regressor a float output`,
    );
  }
  return { value, labelIsIndex: false };
}

function parseJson<T>(text: string | undefined, what: string): T | undefined {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as T;
  } catch {
    throw invalidModel(`metadata_props "keel.${what}" is not valid JSON`);
  }
}
