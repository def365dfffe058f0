// Every Prometheus metric keel exports, declared in one place with fixed labels.
// Each app gets its own prom-client registry so several can live in one process (tests).

import client from "prom-client";

export interface Metrics {
  registry: client.Registry;
  httpRequests: client.Counter<"method" | "route" | "status">;
  httpDuration: client.Histogram<"method" | "route">;
  predictions: client.Counter<"model" | "version">;
  modelInfo: client.Gauge<"model" | "version" | "alias" | "algorithm">;
  modelSwaps: client.Counter<"model">;
  trainingRuns: client.Counter<"trigger" | "status">;
  trainingInProgress: client.Gauge;
  /**
   * Counts and times one answered HTTP request (`httpRequests` and `httpDuration`). It runs for
   * every request, so counts are summed in place and handed to prom-client whenever the registry
   * is read, instead of paying prom-client's label hashing and checks once per request.
   */
  observeRequest(method: string, route: string, status: number, seconds: number): void;
}

type RequestLabels = Record<"method" | "route" | "status", string>;
type DurationLabels = Record<"method" | "route", string>;

interface RequestSeries {
  labels: RequestLabels;
  durationLabels: DurationLabels;
  /** Requests answered since prom-client last read this series. */
  pending: number;
}

export function createMetrics(): Metrics {
  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry, prefix: "keel_" });
  const registers = [registry];
  const requestSeries = new Map<string, RequestSeries>();
  const httpRequests = new client.Counter({
    name: "keel_http_requests_total",
    help: "HTTP requests answered, by route and status",
    labelNames: ["method", "route", "status"],
    registers,
    collect() {
      for (const series of requestSeries.values()) {
        if (series.pending === 0) continue;
        this.inc(series.labels, series.pending);
        series.pending = 0;
      }
    },
  });
  const httpDuration = new client.Histogram({
    name: "keel_http_request_duration_seconds",
    help: "HTTP request latency, by route",
    labelNames: ["method", "route"],
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers,
  });
  return {
    registry,
    httpRequests,
    httpDuration,
    observeRequest(method, route, status, seconds) {
      const key = `${status} ${method} ${route}`;
      let series = requestSeries.get(key);
      if (series === undefined) {
        series = {
          labels: { method, route, status: String(status) },
          durationLabels: { method, route },
          pending: 0,
        };
        requestSeries.set(key, series);
      }
      series.pending++;
      httpDuration.observe(series.durationLabels, seconds);
    },
    predictions: new client.Counter({
      name: "keel_predictions_total",
      help: "Rows predicted, by model version",
      labelNames: ["model", "version"],
      registers,
    }),
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
