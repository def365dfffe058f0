// Cron jobs (croner). Every replica keeps the schedule, but a tick runs only
// on the leader; a job whose previous tick is still running is skipped, and
// retrains are single-flight in the pipeline anyway, so nothing doubles.

import { Cron } from "croner";
import { errorMessage, failureFields, invalidConfig } from "../errors.ts";
import type { Logger } from "../observability/log.ts";

export interface JobSpec {
  name: string;
  cron: string;
  run: () => Promise<unknown> | unknown;
}

export interface JobInfo {
  name: string;
  cron: string;
  last_run: string | null;
  next_run: string | null;
}

export interface Scheduler {
  jobs(): JobInfo[];
  /** Whether the ticks run here (this replica leads). */
  runsHere(): boolean;
  stop(): void;
}

/** Starts the jobs; an invalid cron expression throws with the job's name in the message. */
export function startScheduler(
  specs: JobSpec[],
  logger: Logger,
  runsHere: () => boolean = () => true,
): Scheduler {
  const jobs = specs.map((spec) => {
    try {
      return {
        spec,
        cron: new Cron(spec.cron, { name: spec.name, protect: true, catch: true }, async () => {
          if (!runsHere()) return;
          try {
            await spec.run();
          } catch (error) {
            // Logged by the error's code; a bug (not an AppError) with its stack.
            logger.error("scheduler.job_failed", { job: spec.name, ...failureFields(error) });
          }
        }),
      };
    } catch (error) {
      throw invalidConfig(
        `Invalid cron expression for ${spec.name} ("${spec.cron}"): ${errorMessage(error)}`,
      );
    }
  });
  for (const { spec, cron } of jobs) {
    logger.info("scheduler.job_scheduled", {
      job: spec.name,
      cron: spec.cron,
      next_run: cron.nextRun()?.toISOString() ?? null,
    });
  }
  return {
    jobs: () =>
      jobs.map(({ spec, cron }) => ({
        name: spec.name,
        cron: spec.cron,
        last_run: cron.currentRun()?.toISOString() ?? cron.previousRun()?.toISOString() ?? null,
        next_run: cron.nextRun()?.toISOString() ?? null,
      })),
    runsHere,
    stop: () => {
      for (const { cron } of jobs) cron.stop();
    },
  };
}
