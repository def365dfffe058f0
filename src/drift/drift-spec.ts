// The dataset spec's `drift` section: which test a column gets and its
// threshold, and the dataset-drift share, checked strictly at start-up:
//   "drift": {"share_threshold": 0.5, "columns": {"temp_max": {"method": "psi", "threshold": 0.2}}}

import { invalidData } from "../errors.ts";
import { type ColumnDriftOverride, DRIFT_METHODS, type DriftMethod } from "./drift-result.ts";
import type { DriftOptions } from "./report.ts";

export function driftOptionsFromSpec(
  section: Record<string, unknown> | undefined,
  origin: string,
): DriftOptions {
  if (section === undefined) return {};
  const fail = (message: string) => invalidData(`Dataset spec ${origin}: drift: ${message}`);
  for (const key of Object.keys(section)) {
    if (key !== "share_threshold" && key !== "columns") {
      throw fail(`unknown field "${key}" (known: share_threshold, columns)`);
    }
  }
  const share = section.share_threshold;
  if (share !== undefined && !(typeof share === "number" && share > 0 && share <= 1)) {
    throw fail(`"share_threshold" must be a number in (0, 1], got ${JSON.stringify(share)}`);
  }
  return {
    ...(share !== undefined ? { shareThreshold: share as number } : {}),
    ...(section.columns !== undefined ? { columns: columnOverrides(section.columns, fail) } : {}),
  };
}

function columnOverrides(
  columns: unknown,
  fail: (message: string) => Error,
): Record<string, ColumnDriftOverride> {
  if (typeof columns !== "object" || columns === null || Array.isArray(columns)) {
    throw fail(`"columns" must map column names to {"method", "threshold"}`);
  }
  const overrides: Record<string, ColumnDriftOverride> = {};
  for (const [name, raw] of Object.entries(columns)) {
    if (typeof raw !== "object" || raw === null) throw fail(`column "${name}" must be an object`);
    const { method, threshold, ...rest } = raw as Record<string, unknown>;
    const extra = Object.keys(rest);
    if (extra.length > 0) throw fail(`column "${name}": unknown field "${extra[0]}"`);
    if (method !== undefined && !DRIFT_METHODS.includes(method as DriftMethod)) {
      throw fail(
        `column "${name}": method must be one of ${DRIFT_METHODS.join(", ")}, got ${JSON.stringify(method)}`,
      );
    }
    if (threshold !== undefined && !(typeof threshold === "number" && threshold > 0)) {
      throw fail(
        `column "${name}": threshold must be a positive number, got ${JSON.stringify(threshold)}`,
      );
    }
    overrides[name] = {
      ...(method !== undefined ? { method: method as DriftMethod } : {}),
      ...(threshold !== undefined ? { threshold: threshold as number } : {}),
    };
  }
  return overrides;
}
