// Every Prometheus metric keel exports, declared in one place with fixed labels.
// Each app gets its own prom-client registry so several can live in one process (tests).

import client from "prom-client";
import { createHotCounter } from "./hot-counter.ts";

export interface Metrics {
  registry: client.Registry;
  modelInfo: client.Gauge<"model" | "version" | "alias" | "algorithm">;
  modelSwaps: client.Counter<"model">;
  /** The version loaded as the shadow challenger (value 1); absent without one. */
  shadowInfo: client.Gauge<"model" | "version">;
  trainingRuns: client.Counter<"trigger" | "status">;
  trainingInProgress: client.Gauge;
  /** Per-feature drift statistic of the latest check (p-value or distance, as the method gives). */
  featureDriftScore: client.Gauge<"feature" | "method">;
  /** 1 when the feature drifted in the latest check. */
  featureDrifted: client.Gauge<"feature">;
  /** 1 when the latest check found dataset drift. */
  datasetDrift: client.Gauge;
  /** Share of features that drifted in the latest check. */
  driftShare: client.Gauge;
  /** Drift checks run, by outcome (drift | no_drift | skipped). */
  driftChecks: client.Counter<"outcome">;
  /** Rows in the live window. */
  driftWindowRows: client.Gauge;
  /** Live quality over the window's labelled rows, by model version and metric. */
  liveQuality: client.Gauge<"model" | "version" | "metric">;
  /** Labels received through /feedback, by outcome (joined | unknown_prediction). */
  feedback: client.Counter<"outcome">;
  /** 1 while this replica leads (runs the cron jobs, drift checks and the first training); read at each scrape. */
  leader: client.Gauge;
  /** 1 while the database answers this replica (always 1 on SQLite); read at each scrape. */
  storeUp: client.Gauge;
  /** Counts and times one answered HTTP request (runs for every request). */
  observeRequest(method: string, route: string, status: number, seconds: number): void;
  /** Counts rows predicted by a model version (runs for every prediction request). */
  countPredictions(model: string, version: number, rows: number): void;
}

/** What the cluster gauges read at each scrape; a lone process leads and its store is up. */
export interface ClusterProbe {
  isLeader(): boolean;
  health(): { ok: boolean };
}

const ALONE: ClusterProbe = { isLeader: () => true, health: () => ({ ok: true }) };

export function createMetrics(cluster: ClusterProbe = ALONE): Metrics {
  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry, prefix: "keel_" });
  const registers = [registry];
  const httpRequests = createHotCounter({
    name: "keel_http_requests_total",
    help: "HTTP requests answered, by route and status",
    labelNames: ["method", "route", "status"],
    registers,
  });
  const httpDuration = new client.Histogram({
    name: "keel_http_request_duration_seconds",
    help: "HTTP request latency, by route",
    labelNames: ["method", "route"],
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers,
  });
  const durationLabels = new Map<string, { method: string; route: string }>();
  const predictions = createHotCounter({
    name: "keel_predictions_total",
    help: "Rows predicted, by model version",
    labelNames: ["model", "version"],
    registers,
  });
  return {
    registry,
    observeRequest(method, route, status, seconds) {
      const key = `${method} ${route}`;
      httpRequests.add(`${status} ${key}`, () => ({ method, route, status: String(status) }));
      let labels = durationLabels.get(key);
      if (labels === undefined) {
        labels = { method, route };
        durationLabels.set(key, labels);
      }
      httpDuration.observe(labels, seconds);
    },
    countPredictions(model, version, rows) {
      predictions.add(`${model}@${version}`, () => ({ model, version: String(version) }), rows);
    },
    modelInfo: new client.Gauge({
      name: "keel_model_info",
      help: "The model version in service (value 1)",
      labelNames: ["model", "version", "alias", "algorithm"],
      registers,
    }),
    shadowInfo: new client.Gauge({
      name: "keel_shadow_info",
      help: "The model version loaded as the shadow challenger (value 1)",
      labelNames: ["model", "version"],
      registers,
    }),
    modelSwaps: new client.Counter({
      name: "keel_model_swaps_total",
      help: "Model versions put into service",
      labelNames: ["model"],
      registers,
    }),
    trainingRuns: new client.Counter({
      name: "keel_training_runs_total",
      help: "Finished training runs, by trigger and status",
      labelNames: ["trigger", "status"],
      registers,
    }),
    trainingInProgress: new client.Gauge({
      name: "keel_training_in_progress",
      help: "1 while a training run is going on",
      registers,
    }),
    featureDriftScore: new client.Gauge({
      name: "keel_feature_drift_score",
      help: "Drift statistic of the latest check per feature (p-value or distance, by method)",
      labelNames: ["feature", "method"],
      registers,
    }),
    featureDrifted: new client.Gauge({
      name: "keel_feature_drifted",
      help: "1 when the feature drifted in the latest check",
      labelNames: ["feature"],
      registers,
    }),
    datasetDrift: new client.Gauge({
      name: "keel_dataset_drift",
      help: "1 when the latest check found dataset drift",
      registers,
    }),
    driftShare: new client.Gauge({
      name: "keel_drift_share",
      help: "Share of features that drifted in the latest check",
      registers,
    }),
    driftChecks: new client.Counter({
      name: "keel_drift_checks_total",
      help: "Drift checks run, by outcome",
      labelNames: ["outcome"],
      registers,
    }),
    driftWindowRows: new client.Gauge({
      name: "keel_drift_window_rows",
      help: "Rows in the live window the drift monitor compares",
      registers,
    }),
    liveQuality: new client.Gauge({
      name: "keel_live_quality",
      help: "Quality over the live window's labelled rows, by model version and metric",
      labelNames: ["model", "version", "metric"],
      registers,
    }),
    feedback: new client.Counter({
      name: "keel_feedback_total",
      help: "Labels received through /feedback, by outcome",
      labelNames: ["outcome"],
      registers,
    }),
    leader: new client.Gauge({
      name: "keel_leader",
      help: "1 while this replica leads (cron jobs, drift checks, first training)",
      registers,
      collect() {
        this.set(cluster.isLeader() ? 1 : 0);
      },
    }),
    storeUp: new client.Gauge({
      name: "keel_store_up",
      help: "1 while the database answers this replica",
      registers,
      collect() {
        this.set(cluster.health().ok ? 1 : 0);
      },
    }),
  };
}
