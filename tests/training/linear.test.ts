// Linear trainers against optima that can be checked by hand, or against the
// exact optimum of scikit-learn's objective (scipy L-BFGS-B, gtol 1e-14, ftol 0;
// sklearn 1.2.1's LogisticRegression itself stops ~3e-6 away, at scipy's ftol).

import { describe, expect, test } from "bun:test";
import { argmaxRows, fitLogistic, predictLogistic } from "../../src/training/logistic.ts";
import { accuracy } from "../../src/training/metrics.ts";
import { fitRidge, predictRidge } from "../../src/training/ridge.ts";
import { csr, normal, seeded } from "./fixtures.ts";

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));
const tight = { tol: 1e-11, ftol: 0, maxIter: 1000 };

// Eight 2-D points.
const X8 = Float64Array.of(0, 1, 1, 0, 2, 2, 3, 1, 1, 3, 4, 4, 0.5, 0.5, 2.5, 3.5);

describe("logistic regression", () => {
  test("on x = ±1 with C = 1 the optimum solves w = 2·σ(-w) with a zero intercept", () => {
    const fit = fitLogistic(csr(Float64Array.of(-1, 1), 1), Int32Array.of(0, 1), 2, tight);
    const w = fit.model.coef[0]!;
    expect(w - 2 * sigmoid(-w)).toBeCloseTo(0, 10);
    expect(fit.model.intercept[0]).toBeCloseTo(0, 10);
    expect(fit.converged).toBe(true);
  });

  test("binary coefficients reach the optimum of scikit-learn's objective with C = 0.5", () => {
    const y = Int32Array.of(0, 0, 1, 1, 0, 1, 0, 1);
    const { model } = fitLogistic(csr(X8, 2), y, 2, { ...tight, C: 0.5 });
    expect(model.coef[0]).toBeCloseTo(0.8845971, 6);
    expect(model.coef[1]).toBeCloseTo(0.31294395, 6);
    expect(model.intercept[0]).toBeCloseTo(-2.07774156, 6);
  });

  test("multinomial probabilities reach the optimum of scikit-learn's objective with C = 2", () => {
    const y = Int32Array.of(0, 0, 1, 1, 2, 2, 0, 1);
    const { model } = fitLogistic(csr(X8, 2), y, 3, { ...tight, C: 2 });
    const p = predictLogistic(model, csr(X8.subarray(0, 6), 2));
    const expected = [
      0.90798118, 0.07373312, 0.01828571, 0.87186494, 0.12186177, 0.00627329, 0.12036649,
      0.66497769, 0.21465583,
    ];
    for (const [i, v] of expected.entries()) expect(p[i]).toBeCloseTo(v, 6);
  });

  test("binary probabilities are [1 - p, p] and sum to one", () => {
    const { model } = fitLogistic(csr(X8, 2), Int32Array.of(0, 0, 1, 1, 0, 1, 0, 1), 2);
    const p = predictLogistic(model, csr(X8, 2));
    for (let i = 0; i < 8; i++) expect(p[2 * i]! + p[2 * i + 1]!).toBeCloseTo(1, 14);
  });

  test("three well-separated blobs are classified perfectly", () => {
    const random = seeded(3);
    const centres = [
      [-5, 0],
      [5, 0],
      [0, 6],
    ];
    const n = 150;
    const X = new Float64Array(n * 2);
    const y = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      y[i] = i % 3;
      X[2 * i] = centres[y[i]!]![0]! + normal(random) * 0.5;
      X[2 * i + 1] = centres[y[i]!]![1]! + normal(random) * 0.5;
    }
    const { model } = fitLogistic(csr(X, 2), y, 3);
    expect(accuracy(y, argmaxRows(predictLogistic(model, csr(X, 2)), 3))).toBe(1);
  });

  test("fewer than two classes is refused", () => {
    expect(() => fitLogistic(csr(Float64Array.of(1), 1), Int32Array.of(0), 1)).toThrow(
      /at least 2 classes/,
    );
  });
});

describe("ridge regression", () => {
  test("on three points it matches the closed form w = 1, b = 4/3 (alpha = 1)", () => {
    // x = 0, 1, 2 and y = 1, 2, 4: centred Σx² = 2, Σxy = 3, so w = 3 / (2 + 1), b = 7/3 - w.
    const model = fitRidge(csr(Float64Array.of(0, 1, 2), 1), Float64Array.of(1, 2, 4), 1);
    expect(model.coef[0]).toBeCloseTo(1, 12);
    expect(model.intercept).toBeCloseTo(4 / 3, 12);
    expect(Array.from(predictRidge(model, csr(Float64Array.of(3), 1)))).toEqual([
      model.intercept + 3 * model.coef[0]!,
    ]);
  });

  test("the intercept is not penalised: a constant target is fitted exactly", () => {
    const model = fitRidge(csr(Float64Array.of(0, 1, 2, 3), 1), Float64Array.of(5, 5, 5, 5), 10);
    expect(model.coef[0]).toBe(0);
    expect(model.intercept).toBe(5);
  });

  test("a singular system without penalty is refused with the reason", () => {
    expect(() => fitRidge(csr(Float64Array.of(1, 1, 1), 1), Float64Array.of(1, 2, 3), 0)).toThrow(
      /singular/,
    );
  });
});
