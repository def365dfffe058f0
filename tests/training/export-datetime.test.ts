// The calendar parts computed inside the ONNX graph equal data/datetime.ts's
// for every kind of instant (leap days, before 1970, far ahead, fractions of
// a second, missing), and a model with a datetime feature trains and exports
// on both trainers with holdout parity.

import { expect, test } from "bun:test";
import { InferenceSession, Tensor } from "onnxruntime-node";
import type { Dataset } from "../../src/data/dataset.ts";
import {
  type DatetimePart,
  datetimePart,
  parseDatetime,
  partName,
} from "../../src/data/datetime.ts";
import { stratifiedSplit } from "../../src/data/split.ts";
import { datetimePrelude } from "../../src/training/export-datetime.ts";
import { ElemType, encodeModel, valueInfo } from "../../src/training/onnx-builder.ts";
import { trainModel } from "../../src/training/train.ts";

const PARTS: DatetimePart[] = ["year", "month", "day_of_week", "day_of_year", "hour"];

async function partsInGraph(seconds: number[]): Promise<Record<string, Float64Array>> {
  const g = { nodes: [], initializers: [] };
  datetimePrelude(g, { name: "t", type: "datetime", datetime: { parts: PARTS } });
  const outputs = PARTS.map((p) => valueInfo(partName("t", p), ElemType.DOUBLE, ["N", 1]));
  const bytes = encodeModel({
    graphName: "parts",
    nodes: g.nodes,
    inputs: [valueInfo("t", ElemType.DOUBLE, ["N", 1])],
    outputs,
    initializers: g.initializers,
    metadataProps: [],
  });
  const session = await InferenceSession.create(bytes);
  const result = await session.run({
    t: new Tensor("float64", Float64Array.from(seconds), [seconds.length, 1]),
  });
  await session.release();
  return Object.fromEntries(PARTS.map((p) => [p, result[partName("t", p)]!.data as Float64Array]));
}

test("the graph derives the same parts as the trainers, missing instants included", async () => {
  const instants = [
    "1970-01-01T00:00:00Z",
    "1969-12-31T23:59:59Z",
    "1900-02-28T12:00:00Z",
    "2000-02-29T23:30:00Z",
    "2024-12-31T23:59:59.999Z",
    "2100-03-01T00:00:00Z",
    "1601-01-01T00:00:00Z",
    "2262-04-11T23:47:16Z",
  ].map((d) => parseDatetime(d));
  for (let i = 0; i < 2000; i++) instants.push(-1e10 + i * 1.3e7 + (i % 7) * 0.25);
  instants.push(Number.NaN);
  const graph = await partsInGraph(instants);
  for (const part of PARTS) {
    const expected = Float64Array.from(instants, (s) => datetimePart(s, part));
    expect(Array.from(graph[part]!)).toEqual(Array.from(expected));
  }
});

test("a datetime feature trains and exports on the linear model and the GBDT, with holdout parity", async () => {
  const rows = 600;
  const start = parseDatetime("2023-01-01T00:00:00Z");
  const values = Float64Array.from({ length: rows }, (_, i) =>
    i % 50 === 0 ? Number.NaN : start + i * 5400,
  );
  // Busy at night and on weekends: the hour and the day of the week carry the signal.
  const codes = Int32Array.from(values, (s) => {
    const hour = datetimePart(s, "hour");
    const weekend = datetimePart(s, "day_of_week") >= 5;
    return Number.isNaN(hour) ? 0 : hour >= 20 || hour < 6 || weekend ? 1 : 0;
  });
  const dataset: Dataset = {
    rows,
    features: [
      {
        name: "at",
        type: "datetime",
        values,
        options: { parts: ["year", "month", "day_of_week", "day_of_year", "hour"] },
      },
      {
        name: "noise",
        type: "numeric",
        values: Float64Array.from({ length: rows }, (_, i) => (i * 7919) % 13),
      },
    ],
    target: { task: "classification", name: "busy", classes: ["no", "yes"], codes },
  };
  const split = stratifiedSplit(dataset.target, 0.25, 7);
  for (const algorithm of ["linear", "gbdt"] as const) {
    const result = await trainModel({
      dataset,
      split,
      options: { algorithm, modelName: "busy", runId: "r" },
    });
    expect(result.parityMaxAbsDiff).toBeLessThanOrEqual(1e-5);
    if (algorithm === "gbdt") expect(result.metrics.accuracy).toBeGreaterThan(0.9);
  }
});
