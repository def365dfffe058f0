// Operational admin routes: reload the serving alias, start a retrain.

import { Elysia, t } from "elysia";
import type { Retrainer } from "../pipeline/retrain.ts";
import type { Deployment } from "../serving/deployment.ts";
import { versionView } from "./views.ts";

const tags = ["admin"];

export function adminRoutes(options: {
  deployment: Deployment;
  retrainer: Retrainer;
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
      ({ request, body, set }) => {
        admin(request.headers);
        const started = retrainer.trigger("api", { dataUrl: body?.data_url });
        set.status = 202;
        return { run_id: started.runId, started: started.started, target: "local" };
      },
      {
        body: t.Optional(
          t.Object({
            target: t.Optional(t.Literal("local")),
            data_url: t.Optional(t.String({ minLength: 1 })),
          }),
        ),
        detail: {
          summary: "Start a retrain (admin)",
          description:
            "Answers 202 with the run id at once. While a run is going on, a second trigger answers that run's id and starts nothing.",
          tags,
          security: [{ bearer: [] }],
        },
      },
    );
}
