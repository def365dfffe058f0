// keel's drift statistics against scipy's, on random data computed once with
// Debian's python3-scipy (fixtures/make_fixtures.py) and stored as JSON.

import { describe, expect, test } from "bun:test";
import { chiSquare } from "../../src/drift/stats/chi-square.ts";
import { jensenShannon } from "../../src/drift/stats/jensen-shannon.ts";
import { ksTwoSampleSorted } from "../../src/drift/stats/ks.ts";
import { chiSquareSurvival, chiSquareUpperQuantile } from "../../src/drift/stats/special.ts";
import { wassersteinSorted } from "../../src/drift/stats/wasserstein.ts";
import reference from "./fixtures/scipy-reference.json";

const TOLERANCE = 1e-6;
const sorted = (values: number[]) => Float64Array.from(values).sort();
const close = (actual: number, expected: number) =>
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(
    TOLERANCE * Math.max(1, Math.abs(expected)),
  );

describe("agreement with scipy 1.10", () => {
  test.each(reference.ks_2samp.map((c) => [c.a.length, c.b.length, c] as const))(
    "ks_2samp, %i vs %i values",
    (_n1, _n2, c) => {
      const { statistic, pValue } = ksTwoSampleSorted(sorted(c.a), sorted(c.b));
      close(statistic, c.statistic);
      close(pValue, c.p_value);
    },
  );

  test("wasserstein_distance", () => {
    for (const c of reference.wasserstein_distance) {
      close(wassersteinSorted(sorted(c.a), sorted(c.b)), c.distance);
    }
  });

  test("chisquare", () => {
    for (const c of reference.chisquare) {
      const { statistic, pValue } = chiSquare(c.observed, c.expected);
      close(statistic, c.statistic);
      close(pValue, c.p_value);
    }
  });

  test("jensenshannon", () => {
    for (const c of reference.jensenshannon) close(jensenShannon(c.p, c.q), c.distance);
  });
});

describe("hand-checkable cases", () => {
  test("KS of identical samples is 0 with p-value 1; of disjoint ones, 1", () => {
    const a = sorted([1, 2, 3, 4, 5]);
    expect(ksTwoSampleSorted(a, a)).toEqual({ statistic: 0, pValue: 1 });
    const far = ksTwoSampleSorted(a, sorted([10, 11, 12, 13, 14]));
    expect(far.statistic).toBe(1);
    // Two disjoint samples of 5: 2 / C(10, 5).
    close(far.pValue, 2 / 252);
  });

  test("Wasserstein between point masses is the distance between them", () => {
    expect(wassersteinSorted(sorted([0]), sorted([3]))).toBe(3);
  });

  test("chi-square survival and its quantile are inverses", () => {
    close(chiSquareSurvival(3.841458820694124, 1), 0.05);
    close(chiSquareSurvival(chiSquareUpperQuantile(0.001, 7), 7), 0.001);
  });

  test("Jensen–Shannon distance of disjoint distributions is √ln 2", () => {
    close(jensenShannon([1, 0], [0, 1]), Math.sqrt(Math.LN2));
  });
});
