// What a dataset-drift verdict does (KEEL_DRIFT_ACTION=retrain): start a
// retrain, at most once per cooldown and a few times a day, and record on the
// run which features drifted. Counting uses the run history, so the cooldown
// and the daily cap hold across restarts.

import type { DriftAction } from "../config.ts";
import type { Logger } from "../observability/log.ts";
import type { Tracking } from "../tracking/tracking.ts";
import type { Retrainer } from "./retrain.ts";

const DAY_MS = 24 * 3_600_000;

export interface DriftVerdict {
  dataset_drift: boolean;
  drift_share: number;
  drifted_features: string[];
}

export interface DriftResponse {
  /** The retrain run started, or why none was. */
  respond(verdict: DriftVerdict, reportId?: number): Promise<{ runId?: string; skipped?: string }>;
}

export function createDriftResponse(deps: {
  retrainer: Retrainer;
  tracking: Tracking;
  settings: { action: DriftAction; cooldownMs: number; dailyCap: number };
  logger: Logger;
  now?: () => number;
}): DriftResponse {
  const { retrainer, tracking, settings, logger } = deps;
  const now = deps.now ?? Date.now;

  const whyNot = async (): Promise<string | undefined> => {
    if (settings.action !== "retrain") return "KEEL_DRIFT_ACTION is none";
    const recent = (
      await tracking.searchRuns({ trigger: "drift", limit: Math.max(settings.dailyCap, 1) + 1 })
    ).map((run) => Date.parse(run.startedAt));
    const t = now();
    if (recent.some((started) => t - started < settings.cooldownMs)) {
      return `a drift-triggered retrain started less than ${settings.cooldownMs / 60_000} min ago (KEEL_DRIFT_COOLDOWN_MIN)`;
    }
    if (recent.filter((started) => t - started < DAY_MS).length >= settings.dailyCap) {
      return `${settings.dailyCap} drift-triggered retrains already ran in the last 24 h (KEEL_DRIFT_DAILY_CAP)`;
    }
    return undefined;
  };

  return {
    async respond(verdict, reportId) {
      if (!verdict.dataset_drift) return { skipped: "no dataset drift" };
      const skipped = await whyNot();
      if (skipped) {
        logger.info("drift.retrain_skipped", { reason: skipped });
        return { skipped };
      }
      const { runId, started } = await retrainer.trigger("drift");
      if (!started) return { skipped: `run ${runId} is already going on` };
      await tracking.logParams(runId, {
        drifted_features: verdict.drifted_features.join(","),
        drift_share: verdict.drift_share,
        drift_report_id: reportId ?? null,
      });
      logger.info("drift.retrain_started", { run_id: runId, drifted: verdict.drifted_features });
      return { runId };
    },
  };
}
