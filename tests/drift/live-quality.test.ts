import { describe, expect, test } from "bun:test";
import { liveQualityByVersion, primaryLiveMetric } from "../../src/drift/live-quality.ts";

describe("live quality", () => {
  test("accuracy and macro F1 per version, newest version first", () => {
    const rows = [
      { version: 1, prediction: "a", label: "a" },
      { version: 1, prediction: "a", label: "b" },
      { version: 2, prediction: "a", label: "a" },
      { version: 2, prediction: "b", label: "b" },
      { version: 2, prediction: "b", label: "a" },
      { version: 2, prediction: "b", label: "b" },
    ];
    const [v2, v1] = liveQualityByVersion(rows, "classification");
    expect(v2!.version).toBe(2);
    expect(v2!.labelled_rows).toBe(4);
    expect(v2!.metrics.accuracy).toBe(0.75);
    // a: tp 1, fn 1 → F1 2/3; b: tp 2, fp 1 → F1 0.8
    expect(v2!.metrics.macro_f1).toBeCloseTo((2 / 3 + 0.8) / 2, 12);
    expect(v1!.metrics.accuracy).toBe(0.5);
  });

  test("RMSE and MAE for regression", () => {
    const rows = [
      { version: 3, prediction: 1, label: 2 },
      { version: 3, prediction: 5, label: 2 },
    ];
    const [v3] = liveQualityByVersion(rows, "regression");
    expect(v3!.metrics.mae).toBe(2);
    expect(v3!.metrics.rmse).toBeCloseTo(Math.sqrt(5), 12);
  });

  test("the metric rollback compares", () => {
    expect(primaryLiveMetric("classification")).toEqual({ name: "accuracy", higherIsBetter: true });
    expect(primaryLiveMetric("regression")).toEqual({ name: "rmse", higherIsBetter: false });
  });
});
