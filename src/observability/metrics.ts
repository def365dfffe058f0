// Every Prometheus metric keel exports, declared in one place with fixed labels.
// Each app gets its own prom-client registry so several can live in one process (tests).

import client from "prom-client";
import { createHotCounter } from "./hot-counter.ts";

export interface Metrics {
  registry: client.Registry;
  modelInfo: client.Gauge<"model" | "version" | "alias" | "algorithm">;
  modelSwaps: client.Counter<"model">;
  trainingRuns: client.Counter<"trigger" | "status">;
  trainingInProgress: client.Gauge;
  /** Counts and times one answered HTTP request (runs for every request). */
  observeRequest(method: string, route: string, status: number, seconds: number): void;
  /** Counts rows predicted by a model version (runs for every prediction request). */
  countPredictions(model: string, version: number, rows: number): void;
}

export function createMetrics(): Metrics {
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
  };
}
