// The promotion gate: the challenger replaces the champion unless it is worse
// on the primary metric by more than the tolerance.

import { describe, expect, test } from "bun:test";
import { decidePromotion, primaryMetric } from "../../src/pipeline/gate.ts";

const champion = (metrics: Record<string, number>) => ({ version: 3, metrics });

describe("decidePromotion", () => {
  test("promotes when no model is in production yet", () => {
    const decision = decidePromotion({
      task: "classification",
      challenger: { log_loss: 0.9 },
      tolerance: 0.01,
    });
    expect(decision).toEqual({
      promote: true,
      metric: "log_loss",
      challenger: 0.9,
      champion: null,
      reason: "no model is in production yet",
    });
  });

  test("promotes a challenger with a lower log loss", () => {
    const decision = decidePromotion({
      task: "classification",
      challenger: { log_loss: 0.3 },
      champion: champion({ log_loss: 0.4 }),
      tolerance: 0.01,
    });
    expect(decision).toMatchObject({
      promote: true,
      metric: "log_loss",
      challenger: 0.3,
      champion: 0.4,
    });
    expect(decision.reason).toStartWith("challenger is not worse");
  });

  test("promotes a challenger whose log loss is higher but within the tolerance", () => {
    const decision = decidePromotion({
      task: "classification",
      challenger: { log_loss: 0.404 },
      champion: champion({ log_loss: 0.4 }),
      tolerance: 0.01,
    });
    expect(decision.promote).toBe(true);
  });

  test("keeps the champion when the challenger's log loss is higher beyond the tolerance", () => {
    const decision = decidePromotion({
      task: "classification",
      challenger: { log_loss: 0.41 },
      champion: champion({ log_loss: 0.4 }),
      tolerance: 0.01,
    });
    expect(decision).toMatchObject({
      promote: false,
      metric: "log_loss",
      challenger: 0.41,
      champion: 0.4,
    });
    expect(decision.reason).toStartWith("challenger is worse");
  });

  test("the reason names the metric, both values, the champion's version and the tolerance", () => {
    const { reason } = decidePromotion({
      task: "classification",
      challenger: { log_loss: 0.41 },
      champion: champion({ log_loss: 0.4 }),
      tolerance: 0.01,
    });
    expect(reason).toBe("challenger is worse: log_loss 0.41 vs 0.4 for version 3 (tolerance 1%)");
  });

  test("the tolerance in the reason reads as a plain percentage", () => {
    const { reason } = decidePromotion({
      task: "classification",
      challenger: { log_loss: 0.5 },
      champion: champion({ log_loss: 0.4 }),
      tolerance: 0.07,
    });
    expect(reason).toEndWith("(tolerance 7%)");
  });

  test("falls back to macro F1, higher is better, when the champion has no log loss", () => {
    const input = (mine: number) => ({
      task: "classification" as const,
      challenger: { log_loss: 0.2, macro_f1: mine },
      champion: champion({ macro_f1: 0.8 }),
      tolerance: 0.01,
    });
    expect(decidePromotion(input(0.85))).toMatchObject({ promote: true, metric: "macro_f1" });
    expect(decidePromotion(input(0.795))).toMatchObject({ promote: true, metric: "macro_f1" });
    const worse = decidePromotion(input(0.7));
    expect(worse).toMatchObject({
      promote: false,
      metric: "macro_f1",
      challenger: 0.7,
      champion: 0.8,
    });
    expect(worse.reason).toContain("macro_f1 0.7 vs 0.8");
  });

  test("judges regression on RMSE, lower is better", () => {
    const input = (mine: number) => ({
      task: "regression" as const,
      challenger: { rmse: mine, mae: 0 },
      champion: champion({ rmse: 2, mae: 5 }),
      tolerance: 0.05,
    });
    expect(decidePromotion(input(1.5))).toMatchObject({ promote: true, metric: "rmse" });
    expect(decidePromotion(input(2.1))).toMatchObject({ promote: true, metric: "rmse" });
    const worse = decidePromotion(input(2.5));
    expect(worse).toMatchObject({ promote: false, metric: "rmse" });
    expect(worse.reason).toContain("rmse 2.5 vs 2");
  });

  test("keeps the champion when the challenger lacks the primary metric", () => {
    const decision = decidePromotion({
      task: "classification",
      challenger: { accuracy: 0.9 },
      champion: champion({ log_loss: 0.4 }),
      tolerance: 0.01,
    });
    expect(decision).toMatchObject({
      promote: false,
      metric: "log_loss",
      challenger: null,
      champion: 0.4,
    });
    expect(decision.reason).toContain("kept version 3");
  });
});

describe("primaryMetric", () => {
  test("is log loss for classification, macro F1 without a champion log loss, RMSE for regression", () => {
    expect(primaryMetric("classification", undefined)).toBe("log_loss");
    expect(primaryMetric("classification", { log_loss: 0.3 })).toBe("log_loss");
    expect(primaryMetric("classification", { macro_f1: 0.3 })).toBe("macro_f1");
    expect(primaryMetric("regression", { log_loss: 1 })).toBe("rmse");
  });
});
