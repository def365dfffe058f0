import { describe, expect, test } from "bun:test";
import type { FeatureColumn } from "../../src/data/dataset.ts";
import { createRandom } from "../../src/data/random.ts";
import { categoricalColumn, numericColumn } from "../../src/drift/live-columns.ts";
import { buildReferenceProfile, decodeProfile, encodeProfile } from "../../src/drift/profile.ts";
import { computeDriftReport } from "../../src/drift/report.ts";
import { caughtAppError } from "../helpers/app-error.ts";

function normal(random: () => number, n: number, shift = 0): number[] {
  return Array.from({ length: n }, () => {
    const u = Math.max(random(), 1e-12);
    return shift + Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
  });
}

/** Category i has weight 1/(i+1): a long tail, like pickup-location ids. */
function zipf(random: () => number, n: number, categories: number, heavy?: string): string[] {
  const weights = Array.from({ length: categories }, (_, i) => 1 / (i + 1));
  const total = weights.reduce((a, b) => a + b, 0);
  return Array.from({ length: n }, () => {
    if (heavy && random() < 0.5) return heavy;
    let r = random() * total;
    for (let i = 0; i < categories; i++) {
      r -= weights[i]!;
      if (r <= 0) return `loc${i}`;
    }
    return `loc${categories - 1}`;
  });
}

const report = (reference: FeatureColumn[], current: FeatureColumn[], options = {}) =>
  computeDriftReport(
    buildReferenceProfile({ features: reference }),
    { features: current },
    options,
  );

describe("drift report", () => {
  test("methods follow the reference size: KS/chi-square up to 1000 rows, distances above", () => {
    const random = createRandom(1);
    const small = report(
      [numericColumn("x", normal(random, 800)), categoricalColumn("c", zipf(random, 800, 5))],
      [numericColumn("x", normal(random, 200)), categoricalColumn("c", zipf(random, 200, 5))],
    );
    expect(small.features.map((f) => [f.method, f.threshold])).toEqual([
      ["ks", 0.05],
      ["chisquare", 0.05],
    ]);
    expect(small.features[0]!.p_value).toBeGreaterThan(0);
    const large = report(
      [numericColumn("x", normal(random, 5000)), categoricalColumn("c", zipf(random, 5000, 5))],
      [numericColumn("x", normal(random, 500)), categoricalColumn("c", zipf(random, 500, 5))],
    );
    expect(large.features.map((f) => [f.method, f.threshold])).toEqual([
      ["wasserstein", 0.1],
      ["jensenshannon", 0.1],
    ]);
    expect(large.features[0]!.distance).toBeDefined();
  });

  test("a shifted feature drifts; dataset drift follows the share threshold", () => {
    const random = createRandom(2);
    const reference = [
      numericColumn("a", normal(random, 3000)),
      numericColumn("b", normal(random, 3000)),
    ];
    const current = [
      numericColumn("a", normal(random, 500, 1)),
      numericColumn("b", normal(random, 500)),
    ];
    const half = report(reference, current);
    expect(half.drifted_features).toEqual(["a"]);
    expect(half.drift_share).toBe(0.5);
    expect(half.dataset_drift).toBe(true);
    expect(report(reference, current, { shareThreshold: 0.75 }).dataset_drift).toBe(false);
  });

  test("per-column overrides choose the method and threshold", () => {
    const random = createRandom(3);
    const r = report(
      [numericColumn("a", normal(random, 3000))],
      [numericColumn("a", normal(random, 400))],
      {
        columns: { a: { method: "psi", threshold: 0.3 } },
      },
    );
    expect(r.features[0]!.method).toBe("psi");
    expect(r.features[0]!.threshold).toBe(0.3);
  });

  test("a spec's method that does not fit the column's type is INVALID_DATA naming both", async () => {
    const random = createRandom(3);
    const error = await caughtAppError(() =>
      report([numericColumn("a", normal(random, 300))], [numericColumn("a", normal(random, 50))], {
        columns: { a: { method: "chisquare" } },
      }),
    );
    expect(error.code).toBe("INVALID_DATA");
    expect(error.message).toBe('Method chisquare does not apply to numeric feature "a"');
  });

  test("high-cardinality categories do not drift from sampling noise alone", () => {
    const random = createRandom(4);
    const reference = [categoricalColumn("pickup", zipf(random, 5000, 300))];
    let falseAlarms = 0;
    for (let seed = 0; seed < 40; seed++) {
      const current = [categoricalColumn("pickup", zipf(random, 300, 300))];
      if (report(reference, current).features[0]!.drifted) falseAlarms++;
    }
    expect(falseAlarms).toBeLessThanOrEqual(1);
    // The same window size still sees a real change in the mix.
    const shifted = [categoricalColumn("pickup", zipf(random, 300, 300, "loc250"))];
    expect(report(reference, shifted).features[0]!.drifted).toBe(true);
  });

  test("a category the reference never saw counts as drift evidence, not a crash", () => {
    const random = createRandom(5);
    const reference = [categoricalColumn("c", zipf(random, 500, 3))];
    const current = [
      categoricalColumn(
        "c",
        Array.from({ length: 200 }, () => "brand-new"),
      ),
    ];
    const r = report(reference, current);
    expect(r.features[0]!.drifted).toBe(true);
    expect(r.features[0]!.distribution.kind).toBe("categorical");
  });

  test("a feature missing from the current data is named", () => {
    const random = createRandom(6);
    expect(() =>
      report([numericColumn("a", normal(random, 50))], [numericColumn("b", normal(random, 50))]),
    ).toThrow('"a"');
  });

  test("distributions give shares per bin on both sides", () => {
    const random = createRandom(7);
    const r = report(
      [numericColumn("a", normal(random, 2000))],
      [numericColumn("a", normal(random, 300, 0.5))],
    );
    const d = r.features[0]!.distribution;
    if (d.kind !== "numeric") throw new Error("expected a numeric distribution");
    expect(d.edges).toHaveLength(21);
    expect(d.reference.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    expect(d.current.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
  });
});

describe("reference profile", () => {
  test("survives encoding, values sorted and missing counted", () => {
    const profile = buildReferenceProfile({
      features: [
        numericColumn("x", [3, null, 1, 2]),
        categoricalColumn("c", ["a", "b", null, "a"]),
      ],
      prediction: categoricalColumn("prediction", ["yes", "no", "yes", "yes"]),
    });
    const decoded = decodeProfile(encodeProfile(profile));
    expect(decoded).toEqual(profile);
    const x = decoded.columns[0]!;
    if (x.type !== "numeric") throw new Error("expected numeric");
    expect([...x.values]).toEqual([1, 2, 3]);
    expect(x.missing).toBe(1);
    expect(decoded.columns[1]).toMatchObject({ counts: { a: 2, b: 1 }, missing: 1 });
  });

  test("keeps at most maxValues values, a seeded sample", () => {
    const values = Array.from({ length: 1000 }, (_, i) => i);
    const a = buildReferenceProfile({ features: [numericColumn("x", values)] }, { maxValues: 100 });
    const b = buildReferenceProfile({ features: [numericColumn("x", values)] }, { maxValues: 100 });
    const x = a.columns[0]!;
    if (x.type !== "numeric") throw new Error("expected numeric");
    expect(x.values).toHaveLength(100);
    expect(a).toEqual(b);
  });

  test("corrupt bytes are refused clearly", () => {
    expect(() => decodeProfile(new Uint8Array([1, 2, 3]))).toThrow("Corrupt reference profile");
    const bytes = encodeProfile(
      buildReferenceProfile({ features: [numericColumn("x", [1, 2, 3])] }),
    );
    expect(() => decodeProfile(bytes.subarray(0, bytes.length - 8))).toThrow("cut short");
  });
});
