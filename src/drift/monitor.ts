// The drift monitor: compares the live window captured since the active
// reference went live (the served version's training data, see
// follow-serving.ts, or an uploaded one) against that reference, stores every
// report and exports the verdict as metrics. The window is compared only from the moment
// its reference became active, so after a promotion the next check measures
// the new version's traffic against the new version's data — never against the
// old reference that would keep shouting "drift".

import type { Dataset } from "../data/dataset.ts";
import { conflict, invalidData } from "../errors.ts";
import type { Logger } from "../observability/log.ts";
import type { Metrics } from "../observability/metrics.ts";
import type { ModelSignature } from "../registry/model-format.ts";
import type { ModelVersion, Registry } from "../registry/registry.ts";
import { dataQualityTable, qualityRules } from "./data-quality.ts";
import { driftShapes } from "./drift-columns.ts";
import type { DriftStore, ReferenceRecord, ReportTrigger, StoredReport } from "./drift-store.ts";
import { type ColumnShape, columnOf, columnsFromRows } from "./live-columns.ts";
import type { LiveWindow } from "./live-window.ts";
import {
  buildReferenceProfile,
  decodeProfile,
  encodeProfile,
  type ReferenceProfile,
} from "./profile.ts";
import { computeDriftReport, type DriftOptions, type DriftReport } from "./report.ts";
import { predictionShape } from "./training-reference.ts";

export interface DriftMonitorSettings {
  minRows: number;
  windowRows: number;
  options: DriftOptions;
}

/** A drift check's outcome, as `keel_drift_checks_total{outcome}` counts it. */
export type DriftCheck =
  | { outcome: "drift" | "no_drift"; stored: StoredReport; report: DriftReport }
  | { outcome: "skipped"; reason: string };

export interface DriftMonitor {
  /** Replaces the active reference with one built from user-supplied rows with these columns. */
  replaceReference(
    rows: Record<string, unknown>[],
    columns: readonly string[],
  ): Promise<ReferenceRecord>;
  /**
   * Compares the live window (of every replica) with the active reference and
   * stores the report; skipped, with the reason, while there is nothing to
   * compare yet (no version served, no reference, too few rows).
   */
  check(trigger: ReportTrigger): Promise<DriftCheck>;
  /** Compares a dataset (e.g. freshly fetched training data) with the active reference. */
  compareDataset(dataset: Dataset): Promise<DriftReport>;
  latest(): Promise<StoredReport | undefined>;
  history(limit: number): Promise<StoredReport[]>;
}

export function createDriftMonitor(deps: {
  /** keel's stores (state/stores.ts): the part the monitor reads and writes. */
  stores: {
    drift: DriftStore;
    registry: Registry;
    transaction<T>(work: (tx: { drift: DriftStore }) => Promise<T>): Promise<T>;
  };
  /** The model and the alias whose version is in service. */
  served: { modelName: string; serveAlias: string };
  window: LiveWindow;
  settings: DriftMonitorSettings;
  metrics: Metrics;
  logger: Logger;
}): DriftMonitor {
  const { stores, window, settings, metrics, logger } = deps;
  const store = stores.drift;
  const { modelName, serveAlias } = deps.served;
  let cached: { id: number; profile: ReferenceProfile } | undefined;

  const profileOf = (reference: ReferenceRecord): ReferenceProfile => {
    if (cached?.id !== reference.id) {
      cached = { id: reference.id, profile: decodeProfile(reference.profile) };
    }
    return cached.profile;
  };

  const noVersionServed = () => `No version of ${modelName} is served yet (alias ${serveAlias})`;
  const noReference = () =>
    `No drift reference for ${modelName} yet: it is built when a version is trained by keel; ` +
    "upload one with PUT /drift/reference";

  const servedVersion = async (): Promise<ModelVersion> => {
    const version = await stores.registry.findVersionByAlias(modelName, serveAlias);
    if (!version) throw conflict(noVersionServed());
    return version;
  };

  const activeReference = async () => {
    const active = await store.activeReference(modelName);
    if (!active) throw conflict(noReference());
    return active;
  };

  const exportVerdict = (report: DriftReport, outcome: string) => {
    metrics.featureDriftScore.reset();
    metrics.featureDrifted.reset();
    for (const f of report.features) {
      metrics.featureDriftScore.set({ feature: f.feature, method: f.method }, scoreOf(f));
      metrics.featureDrifted.set({ feature: f.feature }, f.drifted ? 1 : 0);
    }
    metrics.datasetDrift.set(report.dataset_drift ? 1 : 0);
    metrics.driftShare.set(report.drift_share);
    metrics.driftChecks.inc({ outcome });
  };

  return {
    async replaceReference(rows, columns) {
      const version = await servedVersion();
      const missing = version.signature.features.filter((f) => !columns.includes(f.name));
      if (missing.length > 0) {
        throw invalidData(
          `The reference data lacks feature ${missing.map((f) => `"${f.name}"`).join(", ")} of version ${version.version}`,
          { missing: missing.map((f) => f.name) },
        );
      }
      const profile = buildReferenceProfile({
        features: columnsFromRows(rows, shapesOf(version.signature)),
      });
      const record = await stores.transaction(async (tx) => {
        const saved = await tx.drift.saveReference({
          modelName,
          version: version.version,
          source: "upload",
          rows: profile.rows,
          profile: encodeProfile(profile),
        });
        await tx.drift.activateReference(modelName, saved.id, Date.now());
        return saved;
      });
      logger.info("drift.reference_uploaded", { model: modelName, rows: profile.rows });
      return record;
    },
    async check(trigger) {
      await window.settle();
      const skipped = (reason: string): DriftCheck => {
        metrics.driftChecks.inc({ outcome: "skipped" });
        return { outcome: "skipped", reason };
      };
      const version = await stores.registry.findVersionByAlias(modelName, serveAlias);
      if (!version) return skipped(noVersionServed());
      const reference = await store.activeReference(modelName);
      if (!reference) return skipped(noReference());
      const rows = await store.liveRows(modelName, {
        sinceAt: reference.activatedAt,
        limit: settings.windowRows,
      });
      if (rows.length < settings.minRows) {
        return skipped(
          `The live window holds ${rows.length} rows since the reference went live; a check needs ${settings.minRows} (KEEL_DRIFT_MIN_ROWS)`,
        );
      }
      const profile = profileOf(reference);
      const inputs = rows.map((r) => r.inputs);
      const features = columnsFromRows(inputs, shapesOf(version.signature));
      const prediction = profile.prediction
        ? columnOf(
            predictionShape(version.signature.task),
            rows.map((r) => r.prediction),
          )
        : undefined;
      const report = computeDriftReport(profile, { features, prediction }, settings.options);
      const dataQuality = dataQualityTable(
        qualityRules(profile, version.signature.features),
        features,
      );
      const stored = await store.saveReport({
        modelName,
        version: version.version,
        referenceId: reference.id,
        trigger,
        report: {
          ...report,
          model: { name: modelName, version: version.version },
          reference: referenceView(reference),
          window: { since: new Date(reference.activatedAt).toISOString(), rows: rows.length },
          data_quality: dataQuality,
        },
      });
      const outcome = report.dataset_drift ? "drift" : "no_drift";
      exportVerdict(report, outcome);
      logger.info("drift.checked", {
        model: modelName,
        version: version.version,
        trigger,
        dataset_drift: report.dataset_drift,
        drift_share: report.drift_share,
        drifted_features: report.drifted_features,
        current_rows: rows.length,
      });
      return { outcome, stored, report };
    },
    async compareDataset(dataset) {
      const reference = await activeReference();
      return computeDriftReport(
        profileOf(reference),
        { features: dataset.features },
        settings.options,
      );
    },
    latest: () => store.latestReport(modelName),
    history: (limit) => store.reports(modelName, limit),
  };
}

/** The value the metric exports: the p-value or the distance, whichever the method compares. */
function scoreOf(f: { p_value?: number; distance?: number; statistic: number }): number {
  return f.p_value ?? f.distance ?? f.statistic;
}

const shapesOf = (signature: ModelSignature): ColumnShape[] => driftShapes(signature.features);

function referenceView(reference: ReferenceRecord) {
  return {
    id: reference.id,
    source: reference.source,
    version: reference.version,
    rows: reference.rows,
    created_at: reference.createdAt,
  };
}
