// The GBDT on tiny hand-checkable data, and its ONNX export against the
// trainer on random data (numeric, categorical, missing values; every task).

import { describe, expect, test } from "bun:test";
import { MISSING_BIN } from "../../../src/training/gbdt/binning.ts";
import {
  DEFAULT_GBDT_PARAMS,
  fitGbdt,
  type GbdtParams,
} from "../../../src/training/gbdt/boosting.ts";
import { exportGbdt } from "../../../src/training/gbdt/export-gbdt.ts";
import { predictGbdt } from "../../../src/training/gbdt/predict.ts";
import { onnxParity } from "../../../src/training/parity.ts";
import { categorical, classes, dataset, normal, numeric, seeded, values } from "../fixtures.ts";

const all = (n: number) => Uint32Array.from({ length: n }, (_, i) => i);
const params = (overrides: Partial<GbdtParams> = {}): GbdtParams => ({
  ...DEFAULT_GBDT_PARAMS,
  ...overrides,
});
const meta = (
  names: { name: string; type: "numeric" | "categorical"; vocabulary?: string[] }[],
  task: "classification" | "regression",
  classList?: string[],
) => ({
  modelName: "t",
  task,
  target: "y",
  features: names,
  ...(classList ? { classes: classList } : {}),
  algorithm: "gbdt",
  trainedAt: "2026-01-01T00:00:00Z",
});

describe("GBDT on hand-checkable data", () => {
  test("a single split separates two groups at the midpoint between them", () => {
    const x = [1, 2, 3, 4, 5, 6, 7, 8];
    const data = dataset([numeric("x", x)], values("y", [0, 0, 0, 0, 10, 10, 10, 10]));
    const { model } = fitGbdt(
      data,
      all(8),
      params({ maxIter: 1, learningRate: 1, minSamplesLeaf: 1, maxLeafNodes: 2 }),
    );
    const tree = model.trees[0]!;
    expect(tree.feature.length).toBe(1);
    const edges =
      model.binnings[0]!.kind === "numeric" ? model.binnings[0]!.edges : new Float64Array();
    expect(edges[tree.thresholdBin[0]!]).toBe(4.5);
    expect([...predictGbdt(model, data, all(8))]).toEqual([0, 0, 0, 0, 10, 10, 10, 10]);
  });

  test("missing values learn their own direction: NaN rows go with the group they resemble", () => {
    const x = [1, 2, 3, Number.NaN, 6, 7, 8, Number.NaN];
    const y = [0, 0, 0, 10, 10, 10, 10, 10];
    const data = dataset([numeric("x", x)], values("y", y));
    const { model } = fitGbdt(
      data,
      all(8),
      params({ maxIter: 1, learningRate: 1, minSamplesLeaf: 1, maxLeafNodes: 2 }),
    );
    expect(model.trees[0]!.leftBins[0]![255]).toBe(0); // missing goes right, with the tens
    const predicted = predictGbdt(model, data, all(8));
    expect(predicted[3]).toBe(10);
    expect(predicted[7]).toBe(10);
  });

  test("a categorical split sends a subset of categories left, whatever their order", () => {
    // b and d behave alike, a and c alike: no threshold on sorted codes separates them.
    // Ten rows each: the least a category needs to be split off (MIN_CATEGORY_SUPPORT).
    const vocabulary = ["a", "b", "c", "d"];
    const codes = Array.from({ length: 40 }, (_, i) => i % 4);
    const y = codes.map((c) => (c === 1 || c === 3 ? 5 : -5));
    const data = dataset([categorical("c", codes, vocabulary)], values("y", y));
    const { model } = fitGbdt(
      data,
      all(40),
      params({ maxIter: 1, learningRate: 1, minSamplesLeaf: 1, maxLeafNodes: 2 }),
    );
    expect([...predictGbdt(model, data, all(40))]).toEqual(y);
    expect(model.trees[0]!.feature.length).toBe(1);
  });

  test("gain-based importance points at the informative feature", () => {
    const random = seeded(3);
    const signal = Array.from({ length: 400 }, () => normal(random));
    const noise = Array.from({ length: 400 }, () => normal(random));
    const data = dataset(
      [numeric("noise", noise), numeric("signal", signal)],
      classes(
        "y",
        signal.map((s) => (s > 0 ? 1 : 0)),
        ["no", "yes"],
      ),
    );
    const { model } = fitGbdt(data, all(400), params({ maxIter: 20 }));
    expect(model.importance[1]!).toBeGreaterThan(0.8);
    expect(model.importance[0]! + model.importance[1]!).toBeCloseTo(1, 12);
  });

  test("early stopping ends a run that stops improving on its validation split", () => {
    const random = seeded(4);
    const x = Array.from({ length: 12_000 }, () => normal(random));
    const data = dataset(
      [numeric("x", x)],
      classes(
        "y",
        x.map((v) => (v + normal(random) > 0 ? 1 : 0)),
        ["a", "b"],
      ),
    );
    const { model } = fitGbdt(data, all(12_000), params({ maxIter: 300 }));
    expect(model.earlyStopped).toBe(true);
    expect(model.iterations).toBeLessThan(300);
  });
});

describe("ONNX export agrees with the trainer on random data", () => {
  const random = seeded(11);
  const n = 600;
  const vocabulary = ["red", "green", "blue", "grey", "teal", "navy"];
  const x1 = Array.from({ length: n }, () => (random() < 0.1 ? Number.NaN : normal(random)));
  const x2 = Array.from({ length: n }, () => Math.round(normal(random) * 3) / 3);
  const colour = Array.from({ length: n }, () =>
    random() < 0.05 ? -1 : Math.floor(random() * vocabulary.length),
  );
  const features = [
    numeric("x1", x1),
    numeric("x2", x2),
    categorical("colour", colour, vocabulary),
  ];
  const signature = [
    { name: "x1", type: "numeric" as const },
    { name: "x2", type: "numeric" as const },
    { name: "colour", type: "categorical" as const, vocabulary },
  ];
  const score = (i: number) =>
    (Number.isNaN(x1[i]!) ? 1 : x1[i]!) +
    x2[i]! * 0.5 +
    (colour[i]! % 3 === 0 ? 1.5 : 0) +
    normal(random) * 0.3;
  const train = all(n).filter((i) => i % 5 !== 0);
  const holdout = all(n).filter((i) => i % 5 === 0);

  test.each([
    [
      "regression",
      values(
        "y",
        Array.from({ length: n }, (_, i) => 100 * score(i)),
      ),
    ],
    [
      "binary",
      classes(
        "y",
        Array.from({ length: n }, (_, i) => (score(i) > 0.5 ? 1 : 0)),
        ["no", "yes"],
      ),
    ],
    [
      "multiclass",
      classes(
        "y",
        Array.from({ length: n }, (_, i) => Math.min(2, Math.max(0, Math.floor(score(i) + 1)))),
        ["low", "mid", "high"],
      ),
    ],
  ] as const)("%s", async (_name, target) => {
    const data = dataset(features, target);
    const { model } = fitGbdt(data, train, params({ maxIter: 30 }));
    const predictions = predictGbdt(model, data, holdout);
    const task = target.task;
    const onnx = exportGbdt(
      model,
      meta(signature, task, task === "classification" ? [...target.classes] : undefined),
    );
    expect(await onnxParity(onnx, data, holdout, predictions)).toBeLessThanOrEqual(1e-9);
  });
});

test("more categories than bins: the rarest share a bin, in the trainer and in the graph alike", async () => {
  const random = seeded(21);
  const n = 4000;
  const vocabulary = Array.from({ length: 300 }, (_, i) => `c${i}`);
  // A long tail: low codes are common, high codes rare.
  const codes = Array.from({ length: n }, () => Math.floor(random() ** 3 * 300));
  const y = codes.map((c) => (c % 7 === 0 ? 1 : 0) ^ (random() < 0.1 ? 1 : 0));
  const data = dataset([categorical("place", codes, vocabulary)], classes("y", y, ["no", "yes"]));
  const train = all(n).filter((i) => i % 4 !== 0);
  const holdout = all(n).filter((i) => i % 4 === 0);
  const { model } = fitGbdt(data, train, params({ maxIter: 20 }));
  const binning = model.binnings[0]!;
  if (binning.kind !== "categorical") throw new Error("expected a categorical binning");
  expect(binning.categories.length).toBeLessThanOrEqual(254);
  expect(binning.categories.at(-1)!.length).toBeGreaterThan(1);
  const onnx = exportGbdt(
    model,
    meta([{ name: "place", type: "categorical", vocabulary }], "classification", ["no", "yes"]),
  );
  expect(
    await onnxParity(onnx, data, holdout, predictGbdt(model, data, holdout)),
  ).toBeLessThanOrEqual(1e-9);
});

test("a split that sends only the missing values of a categorical left exports and serves", async () => {
  const random = seeded(5);
  const n = 2000;
  // Missing is the telling "category": its rows are mostly yes, the known ones mostly no.
  const codes = Array.from({ length: n }, () => (random() < 0.3 ? -1 : Math.floor(random() * 3)));
  const y = codes.map((c) => (c === -1 ? 1 : 0) ^ (random() < 0.05 ? 1 : 0));
  const data = dataset(
    [categorical("place", codes, ["a", "b", "c"])],
    classes("y", y, ["no", "yes"]),
  );
  const train = all(n).filter((i) => i % 4 !== 0);
  const holdout = all(n).filter((i) => i % 4 === 0);
  const { model } = fitGbdt(data, train, params({ maxIter: 5 }));
  const onlyMissingLeft = model.trees.some((tree) =>
    tree.leftBins.some((bins) => bins[MISSING_BIN] === 1 && bins.slice(0, 3).every((b) => b === 0)),
  );
  expect(onlyMissingLeft).toBe(true);
  const onnx = exportGbdt(
    model,
    meta([{ name: "place", type: "categorical", vocabulary: ["a", "b", "c"] }], "classification", [
      "no",
      "yes",
    ]),
  );
  expect(
    await onnxParity(onnx, data, holdout, predictGbdt(model, data, holdout)),
  ).toBeLessThanOrEqual(1e-9);
});
