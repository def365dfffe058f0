// Run history: what triggered each run, what it trained on, its metrics and
// the promotion decision with its reason.

import { Elysia, t } from "elysia";
import { RUN_STATUSES, RUN_TRIGGERS, type Tracking } from "../tracking/tracking.ts";
import { runView } from "./views.ts";

const tags = ["runs"];

// t.UnionEnum fills an absent optional query value with its first member; literals do not.
const oneOf = <T extends string>(values: readonly T[]) =>
  t.Union(values.map((value) => t.Literal(value)));

export function runRoutes(options: { tracking: Tracking }) {
  const { tracking } = options;
  return new Elysia({ name: "runs" })
    .get(
      "/runs",
      async ({ query }) => ({
        runs: (
          await tracking.searchRuns({
            status: query.status,
            trigger: query.trigger,
            limit: query.limit,
          })
        ).map((run) => runView(run)),
      }),
      {
        query: t.Object({
          status: t.Optional(oneOf(RUN_STATUSES)),
          trigger: t.Optional(oneOf(RUN_TRIGGERS)),
          limit: t.Optional(t.Numeric({ minimum: 1, maximum: 1000 })),
        }),
        detail: { summary: "Runs, newest first", tags },
      },
    )
    .get(
      "/runs/:id",
      async ({ params }) =>
        runView(await tracking.getRun(params.id), await tracking.metricHistory(params.id)),
      {
        params: t.Object({ id: t.String() }),
        detail: { summary: "One run with its metric series (training curve)", tags },
      },
    );
}
