// The exported ONNX graph reproduces the trainer's float64 predictions
// (including NaNs, missing and unseen categories) and carries keel's metadata.

import { describe, expect, test } from "bun:test";
import { InferenceSession } from "onnxruntime-node";
import type { Dataset } from "../../src/data/dataset.ts";
import { METADATA_KEYS, OUTPUT_NAMES } from "../../src/registry/model-format.ts";
import type { DesignMatrix } from "../../src/training/design-matrix.ts";
import { exportLinear } from "../../src/training/export-linear.ts";
import { fitLogistic, type LogisticModel, predictLogistic } from "../../src/training/logistic.ts";
import { decodeModel, readMetadataProps } from "../../src/training/onnx-builder.ts";
import { buildFeeds, onnxParity } from "../../src/training/parity.ts";
import { fitPreprocessor, type Preprocessor, transform } from "../../src/training/preprocess.ts";
import { fitRidge, predictRidge, type RidgeModel } from "../../src/training/ridge.ts";
import { allRows, categorical, mixedDataset, numeric, type TaskKind } from "./fixtures.ts";

const metadataOf = (d: Dataset, algorithm: string) => ({
  modelName: "weather",
  task: d.target.task,
  target: d.target.name,
  features: d.features.map((f) =>
    f.type === "categorical"
      ? { name: f.name, type: f.type, vocabulary: f.vocabulary }
      : { name: f.name, type: f.type },
  ),
  classes: d.target.task === "classification" ? d.target.classes : undefined,
  algorithm,
  runId: "run-42",
  trainedAt: "2024-05-01T12:00:00.000Z",
});

interface Trained {
  prep: Preprocessor;
  model: LogisticModel | RidgeModel;
  onnx: Uint8Array;
}

/** Fits on the first 300 rows and exports. */
function trainAndExport(d: Dataset): Trained {
  const rows = allRows(300);
  const prep = fitPreprocessor(d, rows);
  const X = transform(prep, d, rows);
  const t = d.target;
  const model =
    t.task === "classification"
      ? fitLogistic(X, t.codes.subarray(0, 300), t.classes.length).model
      : fitRidge(X, t.values.subarray(0, 300));
  const algorithm = model.kind === "logistic" ? "logistic_regression" : "ridge";
  return { prep, model, onnx: exportLinear({ prep, model, metadata: metadataOf(d, algorithm) }) };
}

const predict = (t: Trained, X: DesignMatrix) =>
  t.model.kind === "logistic" ? predictLogistic(t.model, X) : predictRidge(t.model, X);

/** The same rows seen by a server: two extra categories the model never saw. */
function withUnseenCategories(d: Dataset): Dataset {
  const features = d.features.map((f) => {
    if (f.type !== "categorical") return f;
    const codes = Int32Array.from(f.codes, (c, i) =>
      i % 7 === 0 ? f.vocabulary.length + (i % 2) : c,
    );
    return categorical(f.name, codes, [...f.vocabulary, "never-seen", "also-new"]);
  });
  return { ...d, features };
}

describe.each(["binary", "multiclass", "regression"] as TaskKind[])("%s export", (kind) => {
  const d = mixedDataset(500, kind);
  const trained = trainAndExport(d);
  const holdout = Uint32Array.from({ length: 200 }, (_, i) => 300 + i);

  test("ONNX matches the trainer within 1e-5 on holdout rows with NaNs and missing categories", async () => {
    const expected = predict(trained, transform(trained.prep, d, holdout));
    const diff = await onnxParity(trained.onnx, d, holdout, expected);
    expect(diff).toBeLessThanOrEqual(1e-5);
  });

  test("unseen categories encode as zeros in the graph as in the trainer", async () => {
    const serving = withUnseenCategories(d);
    const expected = predict(trained, transform(trained.prep, serving, holdout));
    expect(await onnxParity(trained.onnx, serving, holdout, expected)).toBeLessThanOrEqual(1e-5);
  });

  test("outputs follow keel's conventions", async () => {
    const session = await InferenceSession.create(trained.onnx);
    const out = await session.run(buildFeeds(d, holdout.subarray(0, 5)));
    if (kind === "regression") {
      expect(session.outputNames).toEqual([OUTPUT_NAMES.regression]);
      expect(out.variable!.dims).toEqual([5, 1]);
      expect(out.variable!.type).toBe("float64");
    } else {
      const k = kind === "binary" ? 2 : 3;
      expect(session.outputNames).toEqual([OUTPUT_NAMES.label, OUTPUT_NAMES.probabilities]);
      expect(out.probabilities!.dims).toEqual([5, k]);
      expect(out.probabilities!.type).toBe("float64");
      expect(out.label!.type).toBe("int64");
      expect(out.label!.dims).toEqual([5]);
    }
    expect(session.inputNames).toEqual(d.features.map((f) => f.name));
    await session.release();
  });

  test("metadata_props round-trip through the encoded bytes", () => {
    const props = readMetadataProps(trained.onnx);
    expect(props[METADATA_KEYS.modelName]).toBe("weather");
    expect(props[METADATA_KEYS.task]).toBe(d.target.task);
    expect(props[METADATA_KEYS.runId]).toBe("run-42");
    expect(props[METADATA_KEYS.trainedAt]).toBe("2024-05-01T12:00:00.000Z");
    expect(JSON.parse(props[METADATA_KEYS.features]!)).toEqual(metadataOf(d, "").features);
    if (d.target.task === "classification") {
      expect(JSON.parse(props[METADATA_KEYS.classes]!)).toEqual(d.target.classes);
      expect(props[METADATA_KEYS.algorithm]).toBe("logistic_regression");
    } else {
      expect(props[METADATA_KEYS.classes]).toBeUndefined();
      expect(props[METADATA_KEYS.algorithm]).toBe("ridge");
    }
    const model = decodeModel(trained.onnx);
    expect(Number(model.irVersion)).toBe(8);
    expect(model.opsetImport.map((o) => [o.domain, Number(o.version)])).toEqual([
      ["", 17],
      ["ai.onnx.ml", 3],
    ]);
  });
});

test("the label output is the argmax of the probabilities", async () => {
  const d = mixedDataset(400, "multiclass");
  const { onnx } = trainAndExport(d);
  const session = await InferenceSession.create(onnx);
  const out = await session.run(buildFeeds(d, allRows(400)));
  const p = out.probabilities!.data as Float64Array;
  const labels = out.label!.data as BigInt64Array;
  for (let i = 0; i < 400; i++) {
    const row = Array.from(p.subarray(i * 3, i * 3 + 3));
    expect(Number(labels[i])).toBe(row.indexOf(Math.max(...row)));
  }
  await session.release();
});

test("a feature named like a graph output is refused at export", () => {
  const d = mixedDataset(400, "regression");
  const renamed: Dataset = {
    ...d,
    features: [numeric("variable", (d.features[0] as { values: Float64Array }).values)],
  };
  expect(() => trainAndExport(renamed)).toThrow(/"variable" is reserved/);
});
