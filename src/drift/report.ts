// A drift report: every feature's test (column-drift.ts), the verdict per
// feature, and dataset drift when the share of drifted features reaches the
// threshold. The JSON field names are a public contract (clients and the
// dashboard read them; the per-feature shape is in drift-result.ts).

import type { FeatureColumn } from "../data/dataset.ts";
import { columnDrift, lengthOf } from "./column-drift.ts";
import type { ColumnDriftOverride, FeatureDrift } from "./drift-result.ts";
import type { ReferenceProfile } from "./profile.ts";

export interface DriftOptions {
  shareThreshold?: number;
  columns?: Record<string, ColumnDriftOverride>;
}

export interface DriftReport {
  dataset_drift: boolean;
  drift_share: number;
  share_threshold: number;
  reference_rows: number;
  current_rows: number;
  drifted_features: string[];
  features: FeatureDrift[];
  prediction?: FeatureDrift;
}

export function computeDriftReport(
  reference: ReferenceProfile,
  current: { features: FeatureColumn[]; prediction?: FeatureColumn },
  options: DriftOptions = {},
): DriftReport {
  const byName = new Map(current.features.map((c) => [c.name, c]));
  const features = reference.columns.map((ref) => {
    const column = byName.get(ref.name);
    if (!column) throw new Error(`The current data has no column "${ref.name}"`);
    return columnDrift(ref, column, options.columns?.[ref.name]);
  });
  const prediction =
    reference.prediction && current.prediction
      ? columnDrift(reference.prediction, current.prediction, undefined)
      : undefined;
  const drifted = features.filter((f) => f.drifted).map((f) => f.feature);
  const shareThreshold = options.shareThreshold ?? 0.5;
  const share = features.length === 0 ? 0 : drifted.length / features.length;
  return {
    dataset_drift: features.length > 0 && share >= shareThreshold,
    drift_share: share,
    share_threshold: shareThreshold,
    reference_rows: reference.rows,
    current_rows: current.features[0] ? lengthOf(current.features[0]) : 0,
    drifted_features: drifted,
    features,
    ...(prediction ? { prediction } : {}),
  };
}
