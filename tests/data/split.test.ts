import { describe, expect, test } from "bun:test";
import type { Target } from "../../src/data/dataset.ts";
import { createRandom } from "../../src/data/random.ts";
import { holdoutSplit, stratifiedSplit, timeOrderedSplit } from "../../src/data/split.ts";
import { expectAppError } from "./helpers.ts";

// 100 rows: class 0 ×70, class 1 ×25, class 2 ×3, class 3 ×2.
const codes = Int32Array.from({ length: 100 }, (_, i) =>
  i < 70 ? 0 : i < 95 ? 1 : i < 98 ? 2 : 3,
);
const classification: Target = {
  task: "classification",
  name: "y",
  codes,
  classes: ["a", "b", "c", "d"],
};
const regression: Target = {
  task: "regression",
  name: "y",
  values: Float64Array.from({ length: 50 }, (_, i) => i / 2),
};

const count = (rows: Uint32Array, cls: number) => rows.filter((r) => codes[r] === cls).length;

describe("the split", () => {
  test("is the same for the same seed and differs for another", () => {
    const a = stratifiedSplit(classification, 0.2, 42);
    expect(stratifiedSplit(classification, 0.2, 42)).toEqual(a);
    expect(stratifiedSplit(classification, 0.2, 7).test).not.toEqual(a.test);
  });

  test("is disjoint, covers every row and is sorted within each part", () => {
    for (const target of [classification, regression]) {
      const { train, test: holdout } = stratifiedSplit(target, 0.25, 1);
      const all = [...train, ...holdout].sort((x, y) => x - y);
      expect(all).toEqual(Array.from({ length: all.length }, (_, i) => i));
      expect(all.length).toBe(target.task === "classification" ? 100 : 50);
      expect([...train]).toEqual([...train].sort((x, y) => x - y));
      expect([...holdout]).toEqual([...holdout].sort((x, y) => x - y));
    }
  });

  test("is stratified: each class keeps its share and small classes appear on both sides", () => {
    const { train, test: holdout } = stratifiedSplit(classification, 0.2, 3);
    expect(count(holdout, 0)).toBe(14);
    expect(count(holdout, 1)).toBe(5);
    for (const cls of [2, 3]) {
      expect(count(holdout, cls)).toBeGreaterThanOrEqual(1);
      expect(count(train, cls)).toBeGreaterThanOrEqual(1);
    }
  });

  test("for regression holds out the requested fraction", () => {
    expect(stratifiedSplit(regression, 0.2, 9).test.length).toBe(10);
  });

  test("refuses a test fraction outside (0, 1)", async () => {
    for (const fraction of [0, 1, -0.1, 1.5, Number.NaN]) {
      await expectAppError(
        () => stratifiedSplit(classification, fraction, 1),
        "INVALID_INPUT",
        /testFraction must be between 0 and 1/,
      );
    }
  });
});

describe("the seeded random generator", () => {
  test("repeats its sequence for a seed and stays in [0, 1)", () => {
    const a = createRandom(123);
    const b = createRandom(123);
    const values = Array.from({ length: 1000 }, () => a());
    expect(values).toEqual(Array.from({ length: 1000 }, () => b()));
    expect(values.every((v) => v >= 0 && v < 1)).toBe(true);
    expect(createRandom(124)()).not.toBe(values[0]!);
  });
});

describe("the split of data with a time column", () => {
  test("holds out the latest rows, the rest for training, whatever the seed", () => {
    const split = timeOrderedSplit(10, 0.2);
    expect(Array.from(split.train)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(Array.from(split.test)).toEqual([8, 9]);
    expect(holdoutSplit(regression, { testFraction: 0.2, seed: 1, timeOrdered: true })).toEqual(
      holdoutSplit(regression, { testFraction: 0.2, seed: 2, timeOrdered: true }),
    );
    expect(timeOrderedSplit(3, 0.01).test.length).toBe(1);
  });
});
