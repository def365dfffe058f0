// Preprocessing: statistics come from the train rows only, and the design matrix
// has numerics (imputed, standardised) first, then one-hot blocks.

import { describe, expect, test } from "bun:test";
import { fitPreprocessor, medianOf, transform } from "../../src/training/preprocess.ts";
import { categorical, classes, dataset, dense, numeric } from "./fixtures.ts";

const d = dataset(
  [
    categorical("colour", [0, 1, -1, 2, 0], ["blue", "green", "red"]),
    numeric("x", [1, Number.NaN, 3, 100, 5]),
  ],
  classes("y", [0, 1, 0, 1, 0], ["a", "b"]),
);

describe("fitPreprocessor", () => {
  test("the median ignores NaN and uses only the given rows", () => {
    expect(medianOf(Float64Array.of(1, Number.NaN, 3, 100), Uint32Array.of(0, 1, 2))).toBe(2);
    expect(medianOf(Float64Array.of(Number.NaN), Uint32Array.of(0))).toBe(0);
  });

  test("mean and std are those of the imputed train column; a constant column gets std 1", () => {
    const prep = fitPreprocessor(d, Uint32Array.of(0, 1, 2));
    const x = prep.numeric[0]!;
    expect(x.median).toBe(2);
    expect(x.mean).toBe(2);
    expect(x.std).toBeCloseTo(Math.sqrt(2 / 3), 15);
    const constant = fitPreprocessor(d, Uint32Array.of(0, 1));
    expect(constant.numeric[0]!.std).toBe(1);
  });

  test("the design matrix puts numerics first and one-hot encodes categories, missing as zeros", () => {
    const prep = fitPreprocessor(d, Uint32Array.of(0, 1, 2));
    expect(prep.width).toBe(4);
    const X = transform(prep, d, Uint32Array.of(1, 2, 3));
    const s = Math.sqrt(2 / 3);
    expect(dense(X)).toEqual([0, 0, 1, 0, 1 / s, 0, 0, 0, 98 / s, 0, 0, 1]);
  });

  test("categories the fitted vocabulary does not know encode as all zeros", () => {
    const prep = fitPreprocessor(d, Uint32Array.of(0, 1, 2));
    const serving = dataset(
      [categorical("colour", [0, 1], ["purple", "red"]), numeric("x", [2, 2])],
      classes("y", [0, 0], ["a", "b"]),
    );
    expect(dense(transform(prep, serving, Uint32Array.of(0, 1)))).toEqual([0, 0, 0, 0, 0, 0, 0, 1]);
  });
});
