// Ground truth for logged predictions: /feedback joins a label to a captured
// prediction, and live quality per version is recomputed from the window's
// labelled rows (throttled, off the feedback request's answer). The label may
// reach another replica than the prediction did: that replica waits a moment
// for the predicting one to write its buffer before it answers 404.

import { failureFields, invalidInput, notFound } from "../errors.ts";
import { isKeelId } from "../observability/ids.ts";
import type { Logger } from "../observability/log.ts";
import type { Metrics } from "../observability/metrics.ts";
import type { ModelVersion, Registry } from "../registry/registry.ts";
import type { DriftStore, LabelValue } from "./drift-store.ts";
import { liveQualityByVersion, type VersionQuality } from "./live-quality.ts";
import type { LiveWindow } from "./live-window.ts";

export interface FeedbackReceipt {
  prediction_id: string;
  model: { name: string; version: number };
  prediction: LabelValue;
  label: LabelValue;
}

export interface LiveQuality {
  model: { name: string; version: number | null };
  window_rows: number;
  labelled_rows: number;
  versions: VersionQuality[];
}

export interface Feedback {
  record(predictionId: string, label: unknown): Promise<FeedbackReceipt>;
  quality(): Promise<LiveQuality>;
  /** Recomputes live quality now and passes it on (labels may have reached other replicas). */
  refresh(): Promise<void>;
}

const REFRESH_EVERY_MS = 1000;

export function createFeedback(deps: {
  store: DriftStore;
  window: LiveWindow;
  registry: Registry;
  modelName: string;
  serveAlias: string;
  metrics: Metrics;
  /** How long a label waits for its prediction to be written by another replica (0: one process). */
  otherReplicasWaitMs?: number;
  /** Called with fresh live quality after labels arrived (at most once a second). */
  onQuality?: (quality: LiveQuality) => void;
  logger: Logger;
}): Feedback {
  const { store, window, registry, modelName, metrics, logger } = deps;
  let refreshPending = false;

  const quality = async (): Promise<LiveQuality> => {
    const served = await registry.findVersionByAlias(modelName, deps.serveAlias);
    const rows = await store.labelledRows(modelName);
    const task = served?.signature.task ?? "classification";
    return {
      model: { name: modelName, version: served?.version ?? null },
      window_rows: window.size(),
      labelled_rows: rows.length,
      versions: liveQualityByVersion(rows, task),
    };
  };

  const publish = async () => {
    refreshPending = false;
    const current = await quality();
    metrics.liveQuality.reset();
    for (const v of current.versions) {
      for (const [metric, value] of Object.entries(v.metrics)) {
        metrics.liveQuality.set({ model: modelName, version: String(v.version), metric }, value);
      }
    }
    deps.onQuality?.(current);
  };

  const schedulePublish = () => {
    if (refreshPending) return;
    refreshPending = true;
    setTimeout(() => {
      publish().catch((error) => {
        logger.warn("quality.refresh_failed", { ...failureFields(error) });
      });
    }, REFRESH_EVERY_MS).unref();
  };

  return {
    async record(predictionId, label) {
      // A prediction answered here may still sit in this replica's buffer.
      await window.flush();
      const row = await findRow(predictionId);
      const version = await registry.getVersion(modelName, row.version);
      const value = checkLabel(label, version);
      await store.setLabel(predictionId, value, Date.now());
      metrics.feedback.inc({ outcome: "joined" });
      schedulePublish();
      return {
        prediction_id: predictionId,
        model: { name: modelName, version: row.version },
        prediction: row.prediction,
        label: value,
      };
    },
    quality,
    refresh: publish,
  };

  async function findRow(predictionId: string) {
    // Only an id keel could have made is worth waiting for; anything else is a 404 at once.
    const wait = isKeelId(predictionId) ? (deps.otherReplicasWaitMs ?? 0) : 0;
    const deadline = Date.now() + wait;
    let row = await store.findLiveRow(predictionId);
    while (!row && Date.now() < deadline) {
      await Bun.sleep(50);
      row = await store.findLiveRow(predictionId);
    }
    if (!row) {
      metrics.feedback.inc({ outcome: "unknown_prediction" });
      throw notFound(
        "NOT_FOUND",
        `Prediction ${predictionId} is not in the live window (never made, sampled out under load, or older than the window keeps)`,
      );
    }
    return row;
  }
}

/** A class of the model that made the prediction, or a finite number for regression. */
function checkLabel(label: unknown, version: ModelVersion): LabelValue {
  const { task, classes } = version.signature;
  if (task === "regression") {
    const value = typeof label === "string" && label.trim() !== "" ? Number(label) : label;
    if (typeof value !== "number" || !Number.isFinite(value)) {
      throw invalidInput(
        `"label" must be a finite number for a regression model, got ${JSON.stringify(label)}`,
      );
    }
    return value;
  }
  if (typeof label !== "string" && typeof label !== "number") {
    throw invalidInput(`"label" must be one of the model's classes, got ${JSON.stringify(label)}`);
  }
  const value = String(label);
  if (classes && !classes.includes(value)) {
    throw invalidInput(
      `"label" ${JSON.stringify(value)} is not a class of version ${version.version} (classes: ${classes.join(", ")})`,
    );
  }
  return value;
}
