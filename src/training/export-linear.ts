// Exports a fitted linear model (logistic or ridge) with its preprocessing as a
// keel ONNX graph, all arithmetic in double:
//   datetime inputs → calendar parts (export-datetime.ts), then read as numeric
//   numeric inputs → Concat → Where(IsNaN, median) → Sub mean → Div std
//   categorical input → OneHotEncoder(zeros=1) → Reshape [N, C] → Cast double
//   text input → TF-IDF n-grams, L2-normalised (text/export-text.ts)
//   Concat(numeric block, categorical blocks, text blocks) → MatMul W → Add b
//   → Sigmoid ([1-p, p]) | Softmax → probabilities, ArgMax → label;  ridge → variable.
// The design-matrix column order is preprocess.ts's: numerics, then categoricals.

import type { onnx } from "onnx-proto";
import { invalidData } from "../errors.ts";
import { type KeelModelMetadata, OUTPUT_NAMES, toMetadataProps } from "../registry/model-format.ts";
import { datetimePrelude } from "./export-datetime.ts";
import type { LogisticModel } from "./logistic.ts";
import {
  attr,
  doubleTensor,
  ElemType,
  encodeModel,
  inputElement,
  int64Tensor,
  ML_DOMAIN,
  makeNode,
  OPSETS,
  valueInfo,
} from "./onnx-builder.ts";
import type { Preprocessor } from "./preprocess.ts";
import type { RidgeModel } from "./ridge.ts";
import { MS_DOMAIN, textBlock } from "./text/export-text.ts";

export interface LinearExport {
  prep: Preprocessor;
  model: LogisticModel | RidgeModel;
  metadata: KeelModelMetadata;
}

/** Nodes and initialisers accumulated while the graph is built. */
interface Graph {
  nodes: onnx.INodeProto[];
  initializers: onnx.ITensorProto[];
}

const FEATURES = "keel/features";
const LOGITS = "keel/logits";

function numericBlock(g: Graph, prep: Preprocessor): string | undefined {
  const k = prep.numeric.length;
  if (k === 0) return undefined;
  const column = (key: "median" | "mean" | "std") => prep.numeric.map((t) => t[key]);
  g.initializers.push(
    doubleTensor("keel/medians", [k], column("median")),
    doubleTensor("keel/means", [k], column("mean")),
    doubleTensor("keel/stds", [k], column("std")),
  );
  const names = prep.numeric.map((t) => t.name);
  g.nodes.push(
    makeNode("Concat", names, ["keel/num_raw"], { attributes: [attr.int("axis", 1)] }),
    makeNode("IsNaN", ["keel/num_raw"], ["keel/num_missing"]),
    makeNode("Where", ["keel/num_missing", "keel/medians", "keel/num_raw"], ["keel/num_imputed"]),
    makeNode("Sub", ["keel/num_imputed", "keel/means"], ["keel/num_centred"]),
    makeNode("Div", ["keel/num_centred", "keel/stds"], ["keel/num_scaled"]),
  );
  return "keel/num_scaled";
}

function categoricalBlock(g: Graph, name: string, vocabulary: string[], index: number): string {
  const onehot = `keel/cat${index}_onehot`;
  const shape = `keel/cat${index}_shape`;
  const flat = `keel/cat${index}_flat`;
  const out = `keel/cat${index}`;
  // Reshape's 0 copies N from the input, so an empty batch works too.
  g.initializers.push(int64Tensor(shape, [2], [0, vocabulary.length]));
  g.nodes.push(
    makeNode("OneHotEncoder", [name], [onehot], {
      domain: ML_DOMAIN,
      attributes: [attr.strings("cats_strings", vocabulary), attr.int("zeros", 1)],
    }),
    makeNode("Reshape", [onehot, shape], [flat]),
    makeNode("Cast", [flat], [out], { attributes: [attr.int("to", ElemType.DOUBLE)] }),
  );
  return out;
}

function designMatrix(g: Graph, prep: Preprocessor): void {
  const blocks: string[] = [];
  const numeric = numericBlock(g, prep);
  if (numeric) blocks.push(numeric);
  prep.categorical.forEach((t, i) => {
    if (t.vocabulary.length > 0) blocks.push(categoricalBlock(g, t.name, t.vocabulary, i));
  });
  prep.text.forEach((t, i) => {
    blocks.push(textBlock(g, t.name, t.vectorizer, String(i)));
  });
  if (blocks.length === 0) throw new Error("Cannot export a model without any usable feature");
  g.nodes.push(makeNode("Concat", blocks, [FEATURES], { attributes: [attr.int("axis", 1)] }));
}

function affine(
  g: Graph,
  coef: Float64Array,
  intercept: ArrayLike<number>,
  width: number,
  out: string,
) {
  const outputs = intercept.length;
  g.initializers.push(
    doubleTensor("keel/coef", [width, outputs], coef),
    doubleTensor("keel/intercept", [outputs], intercept),
  );
  g.nodes.push(
    makeNode("MatMul", [FEATURES, "keel/coef"], ["keel/matmul"]),
    makeNode("Add", ["keel/matmul", "keel/intercept"], [out]),
  );
}

function classifierHead(g: Graph, model: LogisticModel): onnx.IValueInfoProto[] {
  const { probabilities, label } = OUTPUT_NAMES;
  affine(g, model.coef, model.intercept, model.width, LOGITS);
  if (model.numClasses === 2) {
    g.initializers.push(doubleTensor("keel/one", [1], [1]));
    g.nodes.push(
      makeNode("Sigmoid", [LOGITS], ["keel/p1"]),
      makeNode("Sub", ["keel/one", "keel/p1"], ["keel/p0"]),
      makeNode("Concat", ["keel/p0", "keel/p1"], [probabilities], {
        attributes: [attr.int("axis", 1)],
      }),
    );
  } else {
    g.nodes.push(
      makeNode("Softmax", [LOGITS], [probabilities], { attributes: [attr.int("axis", 1)] }),
    );
  }
  g.nodes.push(
    makeNode("ArgMax", [probabilities], [label], {
      attributes: [attr.int("axis", 1), attr.int("keepdims", 0)],
    }),
  );
  return [
    valueInfo(label, ElemType.INT64, ["N"]),
    valueInfo(probabilities, ElemType.DOUBLE, ["N", model.numClasses]),
  ];
}

function regressorHead(g: Graph, model: RidgeModel): onnx.IValueInfoProto[] {
  affine(g, model.coef, [model.intercept], model.width, OUTPUT_NAMES.regression);
  return [valueInfo(OUTPUT_NAMES.regression, ElemType.DOUBLE, ["N", 1])];
}

/** Refuses feature names that would clash with the graph's own tensor names. */
function checkNames(meta: KeelModelMetadata, g: Graph, outputs: onnx.IValueInfoProto[]): void {
  const taken = new Set<string>([
    ...g.nodes.flatMap((n) => n.output ?? []),
    ...g.initializers.map((t) => t.name ?? ""),
    ...outputs.map((o) => o.name ?? ""),
  ]);
  for (const f of meta.features) {
    if (taken.has(f.name))
      throw invalidData(`Feature name "${f.name}" is reserved in keel's ONNX graph`);
  }
}

/** Encodes the model, its preprocessing and its metadata as ONNX bytes. */
export function exportLinear({ prep, model, metadata }: LinearExport): Uint8Array {
  const g: Graph = { nodes: [], initializers: [] };
  for (const f of metadata.features) if (f.type === "datetime") datetimePrelude(g, f);
  designMatrix(g, prep);
  const outputs = model.kind === "logistic" ? classifierHead(g, model) : regressorHead(g, model);
  checkNames(metadata, g, outputs);
  const inputs = metadata.features.map((f) => valueInfo(f.name, inputElement(f), ["N", 1]));
  return encodeModel({
    ...(prep.text.length > 0 ? { opsets: [...OPSETS, { domain: MS_DOMAIN, version: 1 }] } : {}),
    graphName: `keel_${metadata.algorithm}`,
    nodes: g.nodes,
    inputs,
    outputs,
    initializers: g.initializers,
    metadataProps: toMetadataProps(metadata),
  });
}
