// GET /schedule: the cron jobs with their expressions, last and next runs.

import { Elysia } from "elysia";
import type { Scheduler } from "../scheduler/scheduler.ts";

export function scheduleRoutes(options: { scheduler: Scheduler }) {
  return new Elysia({ name: "schedule" }).get(
    "/schedule",
    () => ({ jobs: options.scheduler.jobs(), runs_here: options.scheduler.runsHere() }),
    {
      detail: {
        summary:
          "Scheduled jobs: cron expression, last and next run, and whether they run on this replica (the leader)",
        tags: ["monitoring"],
      },
    },
  );
}
