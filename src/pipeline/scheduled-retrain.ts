// The scheduled retrain job (KEEL_RETRAIN_CRON) under KEEL_RETRAIN_POLICY:
// `always` trains on every tick; `on-drift` first fetches the training data and
// trains only when it has drifted from the active reference (the "check drift,
// then train" step of the workflows keel replaces).

import type { RetrainPolicy } from "../config.ts";
import type { Dataset } from "../data/dataset.ts";
import type { DriftReport } from "../drift/report.ts";
import { failureFields } from "../errors.ts";
import type { Logger } from "../observability/log.ts";
import type { Tracking } from "../tracking/tracking.ts";
import type { Retrainer } from "./retrain.ts";

export function scheduledRetrain(deps: {
  policy: RetrainPolicy;
  retrainer: Retrainer;
  tracking: Tracking;
  /** Fetches the current training data, held to the served model's schema. */
  fetchData: () => Promise<Dataset>;
  /** The data against the active reference; throws when there is no reference. */
  compare: (dataset: Dataset) => Promise<DriftReport>;
  logger: Logger;
}): () => Promise<void> {
  const { policy, retrainer, tracking, logger } = deps;
  return async () => {
    if (policy === "always") {
      await retrainer.trigger("schedule");
      return;
    }
    let report: DriftReport;
    try {
      report = await deps.compare(await deps.fetchData());
    } catch (error) {
      // Without a verdict (no reference yet, data unreadable) the safe choice is to train:
      // the run itself then records what went wrong with the data.
      logger.warn("retrain.policy_check_failed", { ...failureFields(error) });
      await retrainer.trigger("schedule");
      return;
    }
    if (!report.dataset_drift) {
      logger.info("retrain.skipped", {
        policy,
        reason: "the training data has not drifted from the reference",
        drift_share: report.drift_share,
      });
      return;
    }
    const { runId, started } = await retrainer.trigger("schedule");
    if (started) {
      await tracking.logParams(runId, {
        retrain_policy: policy,
        drifted_features: report.drifted_features.join(","),
        drift_share: report.drift_share,
      });
    }
  };
}
