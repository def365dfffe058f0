// The JSON shapes the API answers with for registry and tracking objects:
// field names are snake_case on the wire, whatever they are called in the
// code, and clients (the CLI among them) depend on them staying put.

import type { AliasEvent, ModelVersion, RegisteredModel } from "../registry/registry.ts";
import type { MetricPoint, Run } from "../tracking/tracking.ts";

export const modelView = (model: RegisteredModel) => ({
  name: model.name,
  created_at: model.createdAt,
  latest_version: model.latestVersion,
  aliases: model.aliases,
});

export const versionView = (v: ModelVersion) => ({
  name: v.modelName,
  version: v.version,
  source: v.source,
  algorithm: v.algorithm,
  run_id: v.runId,
  created_at: v.createdAt,
  aliases: v.aliases,
  artifact: { path: v.artifactPath, sha256: v.sha256, size_bytes: v.sizeBytes },
  metrics: v.metrics,
  signature: {
    task: v.signature.task,
    target: v.signature.target,
    features: v.signature.features,
    ...(v.signature.classes ? { classes: v.signature.classes } : {}),
  },
});

export const aliasEventView = (e: AliasEvent) => ({
  id: e.id,
  model: e.modelName,
  alias: e.alias,
  from_version: e.fromVersion,
  to_version: e.toVersion,
  actor: e.actor,
  reason: e.reason,
  at: e.at,
});

export const runView = (run: Run, history?: MetricPoint[]) => ({
  id: run.id,
  model: run.modelName,
  trigger: run.trigger,
  status: run.status,
  started_at: run.startedAt,
  finished_at: run.finishedAt,
  duration_ms: run.durationMs,
  params: run.params,
  metrics: run.metrics,
  dataset: run.dataset,
  version: run.version,
  decision: run.decision,
  reason: run.reason,
  error: run.error,
  progress: run.progress,
  ...(history ? { metric_history: history } : {}),
});
