// Run tracking's domain objects and the narrow interface its stores implement
// (SQLite and PostgreSQL, one contract: tests/tracking/tracking-contract.test.ts).

import { AppError } from "../errors.ts";

export const RUN_TRIGGERS = [
  "bootstrap",
  "api",
  "schedule",
  "drift",
  "cli",
  "ci",
  "rollback",
  "shadow",
] as const;
export const RUN_STATUSES = ["running", "succeeded", "failed", "rejected", "dispatched"] as const;

export type RunTrigger = (typeof RUN_TRIGGERS)[number];
export type RunStatus = (typeof RUN_STATUSES)[number];

export type ParamValue = number | string | boolean | null;

export interface MetricPoint {
  key: string;
  value: number;
  step: number;
  at: string;
}

export interface RunProgress {
  stage: string;
  step?: number;
  loss?: number;
  at: string;
}

export interface Run {
  id: string;
  modelName: string;
  trigger: RunTrigger;
  status: RunStatus;
  startedAt: string;
  finishedAt: string | null;
  durationMs: number | null;
  params: Record<string, ParamValue>;
  dataset: Record<string, unknown> | null;
  version: number | null;
  decision: string | null;
  reason: string | null;
  error: string | null;
  progress: RunProgress | null;
  /** Latest value of every metric (step series are in `metricHistory`). */
  metrics: Record<string, number>;
}

export interface RunFinish {
  status: Exclude<RunStatus, "running">;
  version?: number | null;
  decision?: string | null;
  reason?: string | null;
  error?: string | null;
}

export interface RunQuery {
  status?: RunStatus;
  trigger?: RunTrigger;
  limit?: number;
}

export interface NewRun {
  modelName: string;
  trigger: RunTrigger;
  params?: Record<string, ParamValue>;
  /** The replica doing the run (its id in the cluster); its runs are failed once it is gone. */
  owner: number;
}

/** Runs that train nothing — a dispatch (`ci`), a `rollback`, a `shadow` promotion — and so never wait for a training run. */
export type NonTrainingTrigger = "ci" | "rollback" | "shadow";

export interface Tracking {
  /** A run that trains nothing: it starts `running`, beside any training run. */
  createRun(input: NewRun & { trigger: NonTrainingTrigger }): Promise<Run>;
  /**
   * Reserves the model's one training run: a new `running` run, or — when one
   * is already running on any replica — that run, with `started: false`.
   */
  startTrainingRun(input: NewRun): Promise<{ run: Run; started: boolean }>;
  getRun(id: string): Promise<Run>;
  searchRuns(query?: RunQuery): Promise<Run[]>;
  /** Merges params into the run's (in the database, so concurrent writers never lose one). */
  logParams(id: string, params: Record<string, ParamValue>): Promise<void>;
  logMetrics(id: string, metrics: Record<string, number>, step?: number): Promise<void>;
  /** One metric's values over steps (a training curve), in one write. */
  logSeries(id: string, key: string, points: { step: number; value: number }[]): Promise<void>;
  logDataset(id: string, fingerprint: Record<string, unknown>): Promise<void>;
  setProgress(id: string, progress: Omit<RunProgress, "at">): Promise<void>;
  metricHistory(id: string, key?: string): Promise<MetricPoint[]>;
  /**
   * Ends a running run. Throws RUN_NOT_RUNNING (409) when it ended already, or
   * when its owner no longer holds its lock in the cluster (it is then failed
   * by the replica that notices, never finished by a stale one).
   */
  finishRun(id: string, finish: RunFinish): Promise<Run>;
  /**
   * Fails the runs left running by replicas that are gone (a crash, a lost
   * database connection) — never a run of `self` or of another live replica.
   * Returns their ids.
   */
  failOrphanedRuns(reason: string, self: number): Promise<string[]>;
  countByStatus(): Promise<Record<RunStatus, number>>;
}

/** Ends a run as failed, the message as both its reason and its error; a run that already ended stays as it is. */
export async function failRun(tracking: Tracking, id: string, message: string): Promise<Run> {
  try {
    return await tracking.finishRun(id, {
      status: "failed",
      decision: "none",
      reason: message,
      error: message,
    });
  } catch (error) {
    if (error instanceof AppError && error.code === "RUN_NOT_RUNNING") return tracking.getRun(id);
    throw error;
  }
}

export const runNotRunning = (run: Pick<Run, "id" | "status" | "reason">) =>
  new AppError(
    "RUN_NOT_RUNNING",
    run.status === "running"
      ? `Run ${run.id} cannot end here: this replica lost its lock on the database, so the replica that takes over fails the run`
      : `Run ${run.id} already ended (${run.status}${run.reason ? `: ${run.reason}` : ""})`,
  );
