// What one feature's drift result says, as JSON (a public contract: clients and
// the dashboard read these fields), and the methods with Evidently's defaults:
// KS / Wasserstein for numbers, chi-square / Jensen–Shannon for categories,
// PSI on request; p-value tests drift below their threshold, distances above.

import type { ColumnProfile } from "./profile.ts";

export const DRIFT_METHODS = ["ks", "wasserstein", "chisquare", "jensenshannon", "psi"] as const;
export type DriftMethod = (typeof DRIFT_METHODS)[number];

/** Evidently's defaults: p-value tests drift below, distances above. */
export const DEFAULT_THRESHOLDS: Record<DriftMethod, number> = {
  ks: 0.05,
  chisquare: 0.05,
  wasserstein: 0.1,
  jensenshannon: 0.1,
  psi: 0.1,
};

/** Up to this many reference rows the p-value tests are used; above, the distances. */
export const SMALL_REFERENCE_ROWS = 1000;

export interface ColumnDriftOverride {
  method?: DriftMethod;
  threshold?: number;
}

export type Distribution =
  | { kind: "numeric"; edges: number[]; reference: number[]; current: number[] }
  | { kind: "categorical"; categories: string[]; reference: number[]; current: number[] };

/** The second test a text feature gets, on its length in characters: a numeric test's verdict fields. */
export type LengthDrift = Pick<
  FeatureDrift,
  "method" | "statistic" | "p_value" | "distance" | "threshold" | "noise_floor" | "drifted"
> &
  Pick<FeatureDrift, "distribution">;

export interface FeatureDrift {
  feature: string;
  type: "numeric" | "categorical" | "text";
  method: DriftMethod;
  statistic: number;
  p_value?: number;
  distance?: number;
  threshold: number;
  /** The distance sampling noise alone reaches at this window size (Wasserstein, Jensen–Shannon). */
  noise_floor?: number;
  drifted: boolean;
  reference_rows: number;
  current_rows: number;
  /** Share of the current rows with no value. */
  current_missing_share: number;
  note?: string;
  distribution: Distribution;
  /** Text features: the test on their length (the main test is on their tokens). */
  length?: LengthDrift;
}

/** The method a column gets unless the spec says otherwise. */
export function defaultMethod(type: ColumnProfile["type"], referenceRows: number): DriftMethod {
  const small = referenceRows <= SMALL_REFERENCE_ROWS;
  if (type === "numeric") return small ? "ks" : "wasserstein";
  return small ? "chisquare" : "jensenshannon";
}
