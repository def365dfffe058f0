// Live quality: how the served versions do on the predictions whose ground
// truth came back through /feedback, computed over the live window per version.

import type { Task } from "../data/dataset.ts";
import type { LabelledRow } from "./drift-store.ts";

export interface VersionQuality {
  version: number;
  labelled_rows: number;
  /** accuracy + macro_f1 for classification; rmse + mae for regression. */
  metrics: Record<string, number>;
}

/** The live metric rollback compares, and whether higher is better. */
export function primaryLiveMetric(task: Task): { name: string; higherIsBetter: boolean } {
  return task === "classification"
    ? { name: "accuracy", higherIsBetter: true }
    : { name: "rmse", higherIsBetter: false };
}

export function liveQualityByVersion(rows: readonly LabelledRow[], task: Task): VersionQuality[] {
  const byVersion = new Map<number, LabelledRow[]>();
  for (const row of rows) {
    const list = byVersion.get(row.version);
    if (list) list.push(row);
    else byVersion.set(row.version, [row]);
  }
  return [...byVersion.entries()]
    .sort(([a], [b]) => b - a)
    .map(([version, list]) => ({
      version,
      labelled_rows: list.length,
      metrics: task === "classification" ? classification(list) : regression(list),
    }));
}

function classification(rows: readonly LabelledRow[]): Record<string, number> {
  const classes = new Set<string>();
  const stats = new Map<string, { tp: number; fp: number; fn: number }>();
  const of = (c: string) => {
    const known = stats.get(c);
    if (known) return known;
    const fresh = { tp: 0, fp: 0, fn: 0 };
    stats.set(c, fresh);
    return fresh;
  };
  let correct = 0;
  for (const row of rows) {
    const predicted = String(row.prediction);
    const actual = String(row.label);
    classes.add(actual);
    classes.add(predicted);
    if (predicted === actual) {
      correct++;
      of(actual).tp++;
    } else {
      of(predicted).fp++;
      of(actual).fn++;
    }
  }
  let f1Sum = 0;
  for (const c of classes) {
    const { tp, fp, fn } = of(c);
    f1Sum += tp === 0 ? 0 : (2 * tp) / (2 * tp + fp + fn);
  }
  return { accuracy: correct / rows.length, macro_f1: f1Sum / classes.size };
}

function regression(rows: readonly LabelledRow[]): Record<string, number> {
  let squared = 0;
  let absolute = 0;
  for (const row of rows) {
    const error = Number(row.prediction) - Number(row.label);
    squared += error * error;
    absolute += Math.abs(error);
  }
  return { rmse: Math.sqrt(squared / rows.length), mae: absolute / rows.length };
}
