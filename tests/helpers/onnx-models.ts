// Small ONNX models built in memory for serving and registry tests: a keel
// model trained for real, and hand-built graphs shaped like the exports of
// other tools (skl2onnx with and without ZipMap, a plain float regressor).

import { onnx } from "onnx-proto";
import {
  attr,
  ElemType,
  floatTensor,
  IR_VERSION,
  int64Tensor,
  ML_DOMAIN,
  makeNode,
  OPSETS,
  valueInfo,
} from "../../src/training/onnx-builder.ts";
import { trainModel } from "../../src/training/train.ts";
import { mixedDataset, splitAt } from "../training/fixtures.ts";

interface ForeignSpec {
  producer: string;
  nodes: onnx.INodeProto[];
  inputs: onnx.IValueInfoProto[];
  outputs: onnx.IValueInfoProto[];
  initializers?: onnx.ITensorProto[];
}

/** Encodes a model the way another tool would: its own producer name, no keel metadata. */
function encodeForeign(spec: ForeignSpec): Uint8Array {
  const model = onnx.ModelProto.create({
    irVersion: IR_VERSION,
    opsetImport: OPSETS.map((o) => ({ domain: o.domain, version: o.version })),
    producerName: spec.producer,
    graph: {
      name: `${spec.producer}_graph`,
      node: spec.nodes,
      input: spec.inputs,
      output: spec.outputs,
      initializer: spec.initializers ?? [],
    },
  });
  return new Uint8Array(onnx.ModelProto.encode(model).finish());
}

/** The binary-classifier core of a skl2onnx export: P(class 1) = sigmoid(x0 - x1 + bias). */
function classifierNodes(probabilities: string, bias: number) {
  return {
    initializers: [
      // Column 0 stays 0, column 1 is x0 - x1, so softmax gives [1 - p, p].
      floatTensor("coef", [3, 2], [0, 1, 0, -1, 0, 0]),
      floatTensor("intercept", [2], [0, bias]),
    ],
    nodes: [
      makeNode("MatMul", ["float_input", "coef"], ["matmul"]),
      makeNode("Add", ["matmul", "intercept"], ["logits"]),
      makeNode("Softmax", ["logits"], [probabilities], { attributes: [attr.int("axis", 1)] }),
      makeNode("ArgMax", [probabilities], ["output_label"], {
        attributes: [attr.int("axis", 1), attr.int("keepdims", 0)],
      }),
    ],
  };
}

/**
 * A skl2onnx-style binary classifier exported with zipmap=False: one `float_input`
 * [None, 3] matrix, `output_label` int64 [None] and `output_probability` float [None, 2].
 * `bias` shifts P(class 1) and changes the bytes (distinct artifacts).
 */
export function skl2onnxClassifier(options: { bias?: number } = {}): Uint8Array {
  const core = classifierNodes("output_probability", options.bias ?? 0);
  return encodeForeign({
    producer: "skl2onnx",
    ...core,
    inputs: [valueInfo("float_input", ElemType.FLOAT, ["N", 3])],
    outputs: [
      valueInfo("output_label", ElemType.INT64, ["N"]),
      valueInfo("output_probability", ElemType.FLOAT, ["N", 2]),
    ],
  });
}

/** The same classifier exported with skl2onnx's default ZipMap: probabilities as sequence(map(int64, float)). */
export function zipMapClassifier(): Uint8Array {
  const core = classifierNodes("probability_tensor", 0);
  const zipMap = makeNode("ZipMap", ["probability_tensor"], ["output_probability"], {
    domain: ML_DOMAIN,
    attributes: [attr.ints("classlabels_int64s", [0, 1])],
  });
  return encodeForeign({
    producer: "skl2onnx",
    initializers: core.initializers,
    nodes: [...core.nodes, zipMap],
    inputs: [valueInfo("float_input", ElemType.FLOAT, ["N", 3])],
    outputs: [
      valueInfo("output_label", ElemType.INT64, ["N"]),
      {
        name: "output_probability",
        type: {
          sequenceType: {
            elemType: {
              mapType: {
                keyType: ElemType.INT64,
                valueType: { tensorType: { elemType: ElemType.FLOAT } },
              },
            },
          },
        },
      },
    ],
  });
}

/** A regressor with one float [N, 1] input per feature: y = scale * a + b, output float [N, 1]. */
export function floatRegressor(scale = 2): Uint8Array {
  return encodeForeign({
    producer: "pytorch",
    initializers: [floatTensor("scale", [1], [scale])],
    nodes: [makeNode("Mul", ["a", "scale"], ["scaled"]), makeNode("Add", ["scaled", "b"], ["y"])],
    inputs: [valueInfo("a", ElemType.FLOAT, ["N", 1]), valueInfo("b", ElemType.FLOAT, ["N", 1])],
    outputs: [valueInfo("y", ElemType.FLOAT, ["N", 1])],
  });
}

/** A torch-style regressor over one int64 [N, 3] matrix: y = x0 + x1 + x2, output float [N, 1]. */
export function int64MatrixRegressor(): Uint8Array {
  return encodeForeign({
    producer: "pytorch",
    initializers: [int64Tensor("axes", [1], [1])],
    nodes: [
      makeNode("Cast", ["input"], ["input_float"], {
        attributes: [attr.int("to", ElemType.FLOAT)],
      }),
      makeNode("ReduceSum", ["input_float", "axes"], ["y"], {
        attributes: [attr.int("keepdims", 1)],
      }),
    ],
    inputs: [valueInfo("input", ElemType.INT64, ["N", 3])],
    outputs: [valueInfo("y", ElemType.FLOAT, ["N", 1])],
  });
}

/** A graph onnxruntime refuses to load: an operator that does not exist. */
export function unknownOperatorModel(): Uint8Array {
  return encodeForeign({
    producer: "nowhere",
    nodes: [makeNode("NoSuchOperator", ["a"], ["y"])],
    inputs: [valueInfo("a", ElemType.FLOAT, ["N", 1])],
    outputs: [valueInfo("y", ElemType.FLOAT, ["N", 1])],
  });
}

let keelModel: Promise<Uint8Array> | undefined;

/**
 * A real keel model (logistic regression on mixed numeric/categorical data, classes
 * low/mid/high), trained once per test process.
 */
export function keelClassifier(): Promise<Uint8Array> {
  keelModel ??= (async () => {
    const data = mixedDataset(400, "multiclass");
    const result = await trainModel({
      dataset: data,
      split: splitAt(data.rows),
      options: { algorithm: "linear", modelName: "weather", runId: "run-7" },
    });
    return result.onnx;
  })();
  return keelModel;
}
