// The L-BFGS minimiser on functions whose minimum is known.

import { expect, test } from "bun:test";
import { minimizeLbfgs } from "../../src/training/lbfgs.ts";

test("it finds the minimum of an ill-conditioned quadratic", () => {
  const scales = Float64Array.of(1, 10, 100, 1000);
  const result = minimizeLbfgs(
    (x, g) => {
      let f = 0;
      for (let i = 0; i < x.length; i++) {
        const d = x[i]! - (i + 1);
        f += 0.5 * scales[i]! * d * d;
        g[i] = scales[i]! * d;
      }
      return f;
    },
    new Float64Array(4),
    { tol: 1e-9, ftol: 0, maxIter: 200 },
  );
  expect(result.converged).toBe(true);
  for (const [i, v] of result.x.entries()) expect(v).toBeCloseTo(i + 1, 8);
});

test("it minimises the Rosenbrock function and reports every iteration", () => {
  const seen: number[] = [];
  const result = minimizeLbfgs(
    (x, g) => {
      const a = x[0]!;
      const b = x[1]!;
      g[0] = -2 * (1 - a) - 400 * a * (b - a * a);
      g[1] = 200 * (b - a * a);
      return (1 - a) ** 2 + 100 * (b - a * a) ** 2;
    },
    Float64Array.of(-1.2, 1),
    { tol: 1e-8, ftol: 0, maxIter: 500, onIteration: (i) => seen.push(i) },
  );
  expect(result.x[0]).toBeCloseTo(1, 6);
  expect(result.x[1]).toBeCloseTo(1, 6);
  expect(seen).toEqual(Array.from({ length: result.iterations }, (_, i) => i + 1));
});

test("it stops at max iterations and says it did not converge", () => {
  const result = minimizeLbfgs(
    (x, g) => {
      g[0] = 4 * x[0]! ** 3;
      return x[0]! ** 4;
    },
    Float64Array.of(3),
    { maxIter: 2, tol: 1e-12, ftol: 0 },
  );
  expect(result.iterations).toBe(2);
  expect(result.converged).toBe(false);
});

test("a start where the objective is not finite is refused", () => {
  expect(() => minimizeLbfgs(() => Number.NaN, new Float64Array(1))).toThrow(/not finite/);
});
