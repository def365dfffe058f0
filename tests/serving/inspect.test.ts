// inspectOnnx: what a model file says about itself, for keel's own models and
// for exports of other tools, and the refusal of what cannot be served.

import { describe, expect, test } from "bun:test";
import { inspectOnnx } from "../../src/serving/inspect.ts";
import { ElemType, encodeModel, makeNode, valueInfo } from "../../src/training/onnx-builder.ts";
import { caughtAppError } from "../helpers/app-error.ts";
import {
  floatRegressor,
  keelClassifier,
  skl2onnxClassifier,
  zipMapClassifier,
} from "../helpers/onnx-models.ts";

const refusal = async (bytes: Uint8Array) => {
  const error = await caughtAppError(() => inspectOnnx(bytes));
  expect(error.code).toBe("INVALID_MODEL");
  return error;
};

describe("inspectOnnx", () => {
  test("a keel model round-trips its signature: features, classes and task", async () => {
    const inspected = inspectOnnx(await keelClassifier());
    const { signature } = inspected;
    expect(signature.task).toBe("classification");
    expect(signature.target).toBe("y");
    expect(signature.classes).toEqual(["low", "mid", "high"]);
    expect(signature.features).toEqual([
      { name: "a", type: "numeric" },
      { name: "colour", type: "categorical", vocabulary: ["blue", "green", "red", "yellow"] },
      { name: "b", type: "numeric" },
      { name: "size", type: "categorical", vocabulary: ["L", "M", "S"] },
      { name: "c", type: "numeric" },
    ]);
    expect(signature.inputs).toEqual({
      layout: "per-feature",
      tensors: [
        { name: "a", element: "float64", rank: 2 },
        { name: "colour", element: "string", rank: 2 },
        { name: "b", element: "float64", rank: 2 },
        { name: "size", element: "string", rank: 2 },
        { name: "c", element: "float64", rank: 2 },
      ],
    });
    expect(signature.outputs).toEqual({
      label: "label",
      probabilities: "probabilities",
      labelIsIndex: true,
    });
    expect(inspected.algorithm).toBe("logistic_regression");
    expect(inspected.runId).toBe("run-7");
  });

  test("a skl2onnx classifier without keel metadata takes features x0..x2 as one float matrix", () => {
    const inspected = inspectOnnx(skl2onnxClassifier());
    expect(inspected.signature).toEqual({
      task: "classification",
      target: "target",
      features: [
        { name: "x0", type: "numeric" },
        { name: "x1", type: "numeric" },
        { name: "x2", type: "numeric" },
      ],
      inputs: { layout: "matrix", name: "float_input", element: "float32" },
      outputs: { label: "output_label", probabilities: "output_probability", labelIsIndex: false },
    });
    expect(inspected.algorithm).toBe("skl2onnx");
    expect(inspected.runId).toBeUndefined();
  });

  test("a regressor with a float [N, 1] output is a regression over its named inputs", () => {
    const { signature } = inspectOnnx(floatRegressor());
    expect(signature.task).toBe("regression");
    expect(signature.features).toEqual([
      { name: "a", type: "numeric" },
      { name: "b", type: "numeric" },
    ]);
    expect(signature.outputs).toEqual({ value: "y", labelIsIndex: false });
  });

  test("a ZipMap output is refused with a message saying to export with zipmap disabled", async () => {
    const error = await refusal(zipMapClassifier());
    expect(error.message).toContain('"output_probability"');
    expect(error.message).toContain("ZipMap");
    expect(error.message).toContain("'zipmap': False");
    expect(error.details).toEqual({ output: "output_probability" });
  });

  test("empty bytes are refused", async () => {
    const error = await refusal(new Uint8Array());
    expect(error.message).toBe("The uploaded file is empty");
  });

  test.each([
    ["text", new TextEncoder().encode("this is definitely not an ONNX model")],
    ["random bytes", Uint8Array.from({ length: 256 }, (_, i) => (i * 151 + 7) % 256)],
    ["a PNG header", Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])],
  ])("garbage (%s) is refused", async (_, bytes) => {
    await refusal(bytes);
  });

  test("a model without nodes is refused", async () => {
    const bytes = encodeModel({ graphName: "empty", nodes: [], inputs: [], outputs: [] });
    const error = await refusal(bytes);
    expect(error.message).toContain("no graph nodes");
  });

  test("a matrix input of unknown width without feature metadata is refused", async () => {
    const bytes = encodeModel({
      graphName: "wide",
      nodes: [makeNode("Identity", ["float_input"], ["variable"])],
      inputs: [valueInfo("float_input", ElemType.FLOAT, ["N", "F"])],
      outputs: [valueInfo("variable", ElemType.FLOAT, ["N", "F"])],
    });
    const error = await refusal(bytes);
    expect(error.message).toContain("unknown width");
  });

  test("a bool input is refused naming the input", async () => {
    const bytes = encodeModel({
      graphName: "flags",
      nodes: [makeNode("Cast", ["flag"], ["variable"], { attributes: [] })],
      inputs: [valueInfo("flag", ElemType.BOOL, ["N", 1])],
      outputs: [valueInfo("variable", ElemType.FLOAT, ["N", 1])],
    });
    const error = await refusal(bytes);
    expect(error.message).toContain('Input "flag"');
  });
});
