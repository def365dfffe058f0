// Builds the Elysia app from already-constructed services. Every answer
// carries an x-request-id, every request is counted, timed and logged once.

import { Elysia } from "elysia";
import type { Cluster } from "../cluster/cluster.ts";
import type { Config } from "../config.ts";
import type { Feedback } from "../drift/feedback.ts";
import type { LiveWindow } from "../drift/live-window.ts";
import type { DriftMonitor } from "../drift/monitor.ts";
import { createIdGenerator } from "../observability/ids.ts";
import type { Logger } from "../observability/log.ts";
import type { Metrics } from "../observability/metrics.ts";
import type { Traffic } from "../observability/traffic.ts";
import type { Deployment } from "../pipeline/deployment.ts";
import type { DriftResponse } from "../pipeline/drift-response.ts";
import type { Retrainer } from "../pipeline/retrain.ts";
import type { Registry } from "../registry/registry.ts";
import type { Scheduler } from "../scheduler/scheduler.ts";
import type { ModelSlot } from "../serving/model-slot.ts";
import type { Tracking } from "../tracking/tracking.ts";
import { adminRoutes } from "./admin.ts";
import { authorizeAdmin } from "./auth.ts";
import { tooLarge } from "./body.ts";
import { docsRoutes } from "./docs.ts";
import { driftRoutes } from "./drift.ts";
import { renderError } from "./errors.ts";
import { feedbackRoutes } from "./feedback.ts";
import { healthRoutes } from "./health.ts";
import { modelRoutes } from "./models.ts";
import { openInferenceRoutes } from "./open-inference.ts";
import { predictRoutes } from "./predict.ts";
import { runRoutes } from "./runs.ts";
import { scheduleRoutes } from "./schedule.ts";
import { uiRoutes } from "./ui.ts";

export interface AppDeps {
  config: Config;
  cluster: Cluster;
  registry: Registry;
  tracking: Tracking;
  slot: ModelSlot;
  deployment: Deployment;
  retrainer: Retrainer;
  metrics: Metrics;
  logger: Logger;
  window: LiveWindow;
  monitor: DriftMonitor;
  driftResponse: DriftResponse;
  feedback: Feedback;
  scheduler: Scheduler;
  traffic: Traffic;
}

interface RequestState {
  id: string;
  start: number;
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;
/** The routes the dashboard's traffic panel charts. */
const PREDICTION_ROUTES = new Set(["/predict", "/v2/models/:name/infer"]);

export function createApp(deps: AppDeps) {
  const { config, metrics, logger } = deps;
  const state = new WeakMap<Request, RequestState>();
  const admin = (headers: Headers) => authorizeAdmin(headers, config);
  const startedAt = Date.now();
  const nextRequestId = createIdGenerator();

  return new Elysia({ name: "keel" })
    .onRequest(({ request, set }) => {
      const given = request.headers.get("x-request-id");
      const id = given && REQUEST_ID.test(given) ? given : nextRequestId();
      state.set(request, { id, start: performance.now() });
      set.headers["x-request-id"] = id;
      const declared = Number(request.headers.get("content-length") ?? "0");
      if (declared > config.maxBodyBytes) throw tooLarge(declared, config.maxBodyBytes);
    })
    .onError(({ code, error, set, request }) => {
      const id = state.get(request)?.id;
      const { status, body } = renderError(code, error, logger, id);
      set.status = status;
      if (id) set.headers["x-request-id"] = id;
      return body;
    })
    .onAfterResponse(({ request, route, set }) => {
      const entry = state.get(request);
      if (!entry) return;
      const seconds = (performance.now() - entry.start) / 1000;
      const status = typeof set.status === "number" ? set.status : 200;
      const label = route || "unmatched";
      metrics.observeRequest(request.method, label, status, seconds);
      if (PREDICTION_ROUTES.has(label)) deps.traffic.record(seconds);
      if (config.logRequests) {
        logger.info("http.request", {
          request_id: entry.id,
          method: request.method,
          route: label,
          status,
          duration_ms: Math.round(seconds * 1e5) / 100,
        });
      }
    })
    .use(healthRoutes({ slot: deps.slot, startedAt, storeHealth: () => deps.cluster.health() }))
    .use(
      predictRoutes({
        slot: deps.slot,
        window: deps.window,
        metrics,
        maxBodyBytes: config.maxBodyBytes,
        maxBatchRows: config.maxBatchRows,
      }),
    )
    .use(
      modelRoutes({
        registry: deps.registry,
        deployment: deps.deployment,
        admin,
        maxBodyBytes: config.maxBodyBytes,
      }),
    )
    .use(openInferenceRoutes({ slot: deps.slot, metrics }))
    .use(runRoutes({ tracking: deps.tracking }))
    .use(
      adminRoutes({
        deployment: deps.deployment,
        retrainer: deps.retrainer,
        tracking: deps.tracking,
        github: config.github,
        replica: deps.cluster,
        logger,
        admin,
      }),
    )
    .use(
      driftRoutes({
        monitor: deps.monitor,
        response: deps.driftResponse,
        admin,
        maxBodyBytes: config.maxBodyBytes,
      }),
    )
    .use(feedbackRoutes({ feedback: deps.feedback }))
    .use(scheduleRoutes({ scheduler: deps.scheduler }))
    .use(docsRoutes())
    .use(
      uiRoutes({
        modelName: deps.deployment.modelName,
        serveAlias: deps.deployment.serveAlias,
        traffic: deps.traffic,
        monitor: deps.monitor,
        drift: { minRows: config.drift.minRows, cron: config.drift.cron },
      }),
    )
    .get(
      "/metrics",
      async () =>
        new Response(await metrics.registry.metrics(), {
          headers: { "content-type": metrics.registry.contentType },
        }),
      { detail: { summary: "Prometheus metrics", tags: ["observability"] } },
    );
}

export type App = ReturnType<typeof createApp>;
