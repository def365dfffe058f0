// Operational admin routes: reload the serving alias, start a retrain.

import { Elysia, t } from "elysia";
import type { Cluster } from "../cluster/cluster.ts";
import type { GithubSettings } from "../config.ts";
import { badRequest } from "../errors.ts";
import type { Logger } from "../observability/log.ts";
import type { Deployment } from "../pipeline/deployment.ts";
import { dispatchRetrainWorkflow, type WorkflowInputs } from "../pipeline/github-dispatch.ts";
import type { Retrainer } from "../pipeline/retrain.ts";
import type { Tracking } from "../tracking/tracking.ts";
import { versionView } from "./views.ts";

/** workflow_dispatch inputs are strings; numbers and booleans are sent as their text. */
function stringInputs(inputs: Record<string, string | number | boolean>): WorkflowInputs {
  return Object.fromEntries(Object.entries(inputs).map(([key, value]) => [key, String(value)]));
}

const tags = ["admin"];

export function adminRoutes(options: {
  deployment: Deployment;
  retrainer: Retrainer;
  tracking: Tracking;
  github: GithubSettings;
  /** The replica answering: it records the dispatch run. */
  replica: Pick<Cluster, "replicaId">;
  logger: Logger;
  admin: (headers: Headers) => string;
}) {
  const { deployment, retrainer, admin } = options;
  return new Elysia({ name: "admin" })
    .post(
      "/reload-model",
      async ({ request }) => {
        const version = await deployment.reload(admin(request.headers));
        return { reloaded: true, alias: deployment.serveAlias, ...versionView(version) };
      },
      {
        detail: {
          summary: "Reload the serving alias from the registry (admin)",
          tags,
          security: [{ bearer: [] }],
        },
      },
    )
    .post(
      "/trigger",
      async ({ request, body, set }) => {
        admin(request.headers);
        if (body?.target === "github") {
          if (body.data_url !== undefined) {
            throw badRequest(
              '"data_url" applies to local runs; pass it to GitHub as inputs.data_url',
            );
          }
          const dispatched = await dispatchRetrainWorkflow({
            settings: options.github,
            modelName: deployment.modelName,
            inputs: stringInputs(body.inputs ?? {}),
            tracking: options.tracking,
            owner: options.replica.replicaId,
            logger: options.logger,
          });
          set.status = 202;
          return {
            run_id: dispatched.runId,
            target: "github",
            status: "dispatched",
            ...dispatched,
          };
        }
        if (body?.inputs !== undefined)
          throw badRequest('"inputs" apply to {"target": "github"} only');
        const started = await retrainer.trigger("api", { dataUrl: body?.data_url });
        set.status = 202;
        return { run_id: started.runId, started: started.started, target: "local" };
      },
      {
        body: t.Optional(
          t.Object({
            target: t.Optional(t.Union([t.Literal("local"), t.Literal("github")])),
            data_url: t.Optional(t.String({ minLength: 1 })),
            inputs: t.Optional(
              t.Record(
                t.String({ minLength: 1, maxLength: 100 }),
                t.Union([t.String(), t.Number(), t.Boolean()]),
              ),
            ),
          }),
        ),
        detail: {
          summary: "Start a retrain, here or in GitHub Actions (admin)",
          description:
            'Answers 202 with the run id at once. `{"target": "local"}` (default) trains in this process; while a run is going on (on any replica), a second trigger answers that run\'s id and starts nothing. `{"target": "github", "inputs": {…}}` dispatches the retrain workflow (KEEL_GITHUB_WORKFLOW on GITHUB_REPOSITORY at KEEL_GITHUB_REF) and records a run with trigger `ci` and status `dispatched`; missing settings are a 400 naming them, and GitHub\'s refusal keeps its status and message.',
          tags,
          security: [{ bearer: [] }],
        },
      },
    );
}
