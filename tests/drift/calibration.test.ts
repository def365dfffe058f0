import { describe, expect, test } from "bun:test";
import { createRandom } from "../../src/data/random.ts";
import { calibrate, curveAt, fitCalibration, isotonic } from "../../src/drift/calibration.ts";

describe("isotonic regression (pool adjacent violators)", () => {
  test("pools the violators: hits 1,0,1,1 over rising scores give 0.5, 0.5, 1, 1", () => {
    const curve = isotonic(Float64Array.of(0.1, 0.2, 0.3, 0.4), Float64Array.of(1, 0, 1, 1));
    expect(curve.x[0]).toBeCloseTo(0.15, 12);
    expect(curve.x[1]).toBeCloseTo(0.35, 12);
    expect(curve.y).toEqual([0.5, 1]);
    // Between two points the curve is linear; beyond them, flat.
    expect(curveAt(curve, 0.25)).toBeCloseTo(0.75, 12);
    expect(curveAt(curve, 0.05)).toBe(0.5);
    expect(curveAt(curve, 0.9)).toBe(1);
  });

  test("equal scores share one block whatever their order", () => {
    const curve = isotonic(Float64Array.of(0.5, 0.2, 0.5, 0.5), Float64Array.of(1, 0, 0, 1));
    expect(curve).toEqual({ x: [0.2, 0.5], y: [0, 2 / 3] });
  });

  test("the fitted curve rises strictly, and is flat beyond its first and last points", () => {
    const random = createRandom(3);
    const scores = Float64Array.from({ length: 500 }, () => random());
    const hits = Float64Array.from(scores, (s) => (random() < s * s ? 1 : 0));
    const curve = isotonic(scores, hits);
    for (let i = 1; i < curve.y.length; i++) expect(curve.y[i]!).toBeGreaterThan(curve.y[i - 1]!);
    expect(curveAt(curve, -1)).toBe(curve.y[0]!);
    expect(curveAt(curve, 2)).toBe(curve.y.at(-1)!);
  });
});

describe("calibration", () => {
  test("an overconfident binary model is pulled back to the rate it is right at", () => {
    const random = createRandom(11);
    const n = 4000;
    const probabilities = new Float64Array(n * 2);
    const labels = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const truth = random();
      labels[i] = random() < truth ? 1 : 0;
      // Overconfident: pushed toward 0 and 1.
      const shown = truth < 0.5 ? (truth * 2) ** 3 / 2 : 1 - ((1 - truth) * 2) ** 3 / 2;
      probabilities[i * 2] = 1 - shown;
      probabilities[i * 2 + 1] = shown;
    }
    const calibration = fitCalibration(probabilities, labels, ["no", "yes"]);
    const calibrated = calibrate(calibration, probabilities);
    // Rows the model calls 95 % sure are right about 1 - (0.1)^(1/3)/2 ≈ 0.77 of the time.
    const sure = [...labels.keys()].filter((i) => probabilities[i * 2 + 1]! > 0.95);
    const rate = sure.filter((i) => labels[i] === 1).length / sure.length;
    const mean = sure.reduce((s, i) => s + calibrated[i * 2 + 1]!, 0) / sure.length;
    expect(Math.abs(mean - rate)).toBeLessThan(0.02);
    expect(rate).toBeLessThan(0.9);
    for (let i = 0; i < n; i++)
      expect(calibrated[i * 2]! + calibrated[i * 2 + 1]!).toBeCloseTo(1, 12);
  });

  test("multiclass rows are renormalised to sum to 1", () => {
    const random = createRandom(5);
    const n = 900;
    const k = 3;
    const probabilities = new Float64Array(n * k);
    const labels = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const raw = [random(), random(), random()];
      const sum = raw[0]! + raw[1]! + raw[2]!;
      for (let c = 0; c < k; c++) probabilities[i * k + c] = raw[c]! / sum;
      labels[i] = raw.indexOf(Math.max(...raw));
    }
    const calibrated = calibrate(
      fitCalibration(probabilities, labels, ["a", "b", "c"]),
      probabilities,
    );
    for (let i = 0; i < n; i++) {
      expect(calibrated[i * k]! + calibrated[i * k + 1]! + calibrated[i * k + 2]!).toBeCloseTo(
        1,
        12,
      );
    }
  });

  test("probabilities that do not match the labels are refused", () => {
    expect(() => fitCalibration(new Float64Array(5), new Int32Array(3), ["a", "b"])).toThrow(
      "3 × 2",
    );
  });
});
