// The drift monitor: keeps one reference profile active per model (the served
// version's training data, or an uploaded one), compares the live window
// captured since that reference went live against it, stores every report and
// exports the verdict as metrics. The window is compared only from the moment
// its reference became active, so after a promotion the next check measures
// the new version's traffic against the new version's data — never against the
// old reference that would keep shouting "drift".

import type { Dataset, FeatureColumn } from "../data/dataset.ts";
import { datasetRows } from "../data/rows.ts";
import { conflict, invalidData } from "../errors.ts";
import type { Logger } from "../observability/log.ts";
import type { Metrics } from "../observability/metrics.ts";
import type { ModelSignature } from "../registry/model-format.ts";
import type { ModelVersion, Registry } from "../registry/registry.ts";
import type { Deployment } from "../serving/deployment.ts";
import { validateRows } from "../serving/validate-rows.ts";
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

export interface DriftMonitorSettings {
  minRows: number;
  windowRows: number;
  options: DriftOptions;
}

export interface DriftMonitor {
  /** Builds and stores the reference profile of a freshly trained version from its data. */
  recordReference(version: ModelVersion, dataset: Dataset): Promise<ReferenceRecord>;
  /** The served version changed: its training reference (if it has one) becomes active. */
  follow(version: ModelVersion): void;
  /** Replaces the active reference with one built from user-supplied rows with these columns. */
  replaceReference(rows: Record<string, unknown>[], columns: readonly string[]): ReferenceRecord;
  /** Compares the live window with the active reference and stores the report. */
  check(trigger: ReportTrigger): { stored: StoredReport; report: DriftReport };
  /** Compares a dataset (e.g. freshly fetched training data) with the active reference. */
  compareDataset(dataset: Dataset): DriftReport;
  latest(): StoredReport | undefined;
  history(limit: number): StoredReport[];
}

const PREDICTION_CHUNK = 5000;

export function createDriftMonitor(deps: {
  store: DriftStore;
  registry: Registry;
  deployment: Deployment;
  window: LiveWindow;
  settings: DriftMonitorSettings;
  metrics: Metrics;
  logger: Logger;
}): DriftMonitor {
  const { store, registry, deployment, window, settings, metrics, logger } = deps;
  const { modelName } = deployment;
  let cached: { id: number; profile: ReferenceProfile } | undefined;

  const profileOf = (reference: ReferenceRecord): ReferenceProfile => {
    if (cached?.id !== reference.id) {
      cached = { id: reference.id, profile: decodeProfile(reference.profile) };
    }
    return cached.profile;
  };

  const servedVersion = (): ModelVersion => {
    const version = registry.findVersionByAlias(modelName, deployment.serveAlias);
    if (!version) {
      throw conflict(`No version of ${modelName} is served yet (alias ${deployment.serveAlias})`);
    }
    return version;
  };

  const activeReference = () => {
    const active = store.activeReference(modelName);
    if (!active) {
      throw conflict(
        `No drift reference for ${modelName} yet: it is built when a version is trained by keel; ` +
          "upload one with PUT /drift/reference",
      );
    }
    return active;
  };

  const save = (
    version: number | null,
    source: ReferenceRecord["source"],
    profile: ReferenceProfile,
  ) =>
    store.saveReference({
      modelName,
      version,
      source,
      rows: profile.rows,
      profile: encodeProfile(profile),
    });

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
    async recordReference(version, dataset) {
      const prediction = await predictionColumn(deployment, version, dataset);
      const profile = buildReferenceProfile({ features: dataset.features, prediction });
      const record = save(version.version, "training", profile);
      logger.info("drift.reference_built", {
        model: modelName,
        version: version.version,
        rows: profile.rows,
      });
      return record;
    },
    follow(version) {
      const active = store.activeReference(modelName);
      if (active?.source === "training" && active.version === version.version) return;
      const reference = store.referenceForVersion(modelName, version.version);
      if (!reference) {
        if (active) {
          logger.warn("drift.reference_kept", {
            model: modelName,
            version: version.version,
            reference_version: active.version,
            hint: "this version has no training reference; PUT /drift/reference to replace it",
          });
        }
        return;
      }
      store.activateReference(modelName, reference.id, Date.now());
      logger.info("drift.reference_moved", { model: modelName, version: version.version });
    },
    replaceReference(rows, columns) {
      const version = servedVersion();
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
      const record = save(version.version, "upload", profile);
      store.activateReference(modelName, record.id, Date.now());
      logger.info("drift.reference_uploaded", { model: modelName, rows: profile.rows });
      return record;
    },
    check(trigger) {
      window.settle();
      const version = servedVersion();
      const reference = activeReference();
      const rows = store.liveRows(modelName, {
        sinceAt: reference.activatedAt,
        limit: settings.windowRows,
      });
      if (rows.length < settings.minRows) {
        metrics.driftChecks.inc({ outcome: "skipped" });
        throw conflict(
          `The live window holds ${rows.length} rows since the reference went live; a check needs ${settings.minRows} (KEEL_DRIFT_MIN_ROWS)`,
        );
      }
      const profile = profileOf(reference);
      const inputs = rows.map((r) => r.inputs);
      const features = columnsFromRows(inputs, shapesOf(version.signature));
      const prediction = profile.prediction
        ? columnOf(
            predictionShape(version.signature),
            rows.map((r) => r.prediction),
          )
        : undefined;
      const report = computeDriftReport(profile, { features, prediction }, settings.options);
      const stored = store.saveReport({
        modelName,
        version: version.version,
        referenceId: reference.id,
        trigger,
        report: {
          ...report,
          model: { name: modelName, version: version.version },
          reference: referenceView(reference),
          window: { since: new Date(reference.activatedAt).toISOString(), rows: rows.length },
        },
      });
      exportVerdict(report, report.dataset_drift ? "drift" : "no_drift");
      logger.info("drift.checked", {
        model: modelName,
        version: version.version,
        trigger,
        dataset_drift: report.dataset_drift,
        drift_share: report.drift_share,
        drifted_features: report.drifted_features,
        current_rows: rows.length,
      });
      return { stored, report };
    },
    compareDataset(dataset) {
      const reference = activeReference();
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

function shapesOf(signature: ModelSignature): ColumnShape[] {
  return signature.features.map((f) =>
    f.type === "text"
      ? { name: f.name, type: "text", analyzer: f.text?.analyzer ?? "char" }
      : { name: f.name, type: f.type === "numeric" ? "numeric" : "categorical" },
  );
}

function predictionShape(signature: ModelSignature): ColumnShape {
  return { name: "prediction", type: signature.task === "regression" ? "numeric" : "categorical" };
}

function referenceView(reference: ReferenceRecord) {
  return {
    id: reference.id,
    source: reference.source,
    version: reference.version,
    rows: reference.rows,
    created_at: reference.createdAt,
  };
}

/** The model's own predictions on its training data, for prediction drift. */
async function predictionColumn(
  deployment: Deployment,
  version: ModelVersion,
  dataset: Dataset,
): Promise<FeatureColumn> {
  const model = await deployment.load(version);
  try {
    const values: (string | number)[] = [];
    for (let start = 0; start < dataset.rows; start += PREDICTION_CHUNK) {
      const end = Math.min(dataset.rows, start + PREDICTION_CHUNK);
      const indices = Uint32Array.from({ length: end - start }, (_, i) => start + i);
      const records = validateRows(datasetRows(dataset, indices), model.signature.features);
      for (const p of await model.predict(records)) values.push(p.prediction);
    }
    return columnOf(predictionShape(version.signature), values);
  } finally {
    await model.retire();
  }
}
