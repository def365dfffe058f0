// The promotion gate: a challenger replaces the champion unless it is worse on
// the primary metric by more than the tolerance (relative to the champion).
// Classification is judged on log loss (a proper score that sees every
// probability, steadier than F1 on small holdouts); when the champion has no
// probabilities, on macro F1. Regression is judged on RMSE.

import type { Task } from "../data/dataset.ts";

export interface GateDecision {
  promote: boolean;
  metric: string;
  challenger: number | null;
  champion: number | null;
  reason: string;
}

const LOWER_IS_BETTER = new Set(["log_loss", "rmse", "mae"]);

export function primaryMetric(task: Task, champion: Record<string, number> | undefined): string {
  if (task === "regression") return "rmse";
  return !champion || "log_loss" in champion ? "log_loss" : "macro_f1";
}

export function decidePromotion(input: {
  task: Task;
  challenger: Record<string, number>;
  champion?: { version: number; metrics: Record<string, number> };
  tolerance: number;
}): GateDecision {
  const { task, challenger, champion, tolerance } = input;
  const metric = primaryMetric(task, champion?.metrics);
  const mine = challenger[metric] ?? null;
  if (!champion) {
    return {
      promote: true,
      metric,
      challenger: mine,
      champion: null,
      reason: "no model is in production yet",
    };
  }
  const theirs = champion.metrics[metric] ?? null;
  if (mine === null || theirs === null) {
    return {
      promote: false,
      metric,
      challenger: mine,
      champion: theirs,
      reason: `${metric} could not be computed for both models on the holdout; kept version ${champion.version}`,
    };
  }
  const lowerIsBetter = LOWER_IS_BETTER.has(metric);
  const slack = Math.abs(theirs) * tolerance;
  const promote = lowerIsBetter ? mine <= theirs + slack : mine >= theirs - slack;
  const compare = `${metric} ${fmt(mine)} vs ${fmt(theirs)} for version ${champion.version} (tolerance ${fmt(tolerance * 100)}%)`;
  return {
    promote,
    metric,
    challenger: mine,
    champion: theirs,
    reason: promote ? `challenger is not worse: ${compare}` : `challenger is worse: ${compare}`,
  };
}

const fmt = (value: number) => Number(value.toPrecision(5)).toString();
