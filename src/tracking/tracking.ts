// Run tracking's domain objects and the narrow interface its stores implement.

export const RUN_TRIGGERS = [
  "bootstrap",
  "api",
  "schedule",
  "drift",
  "cli",
  "ci",
  "rollback",
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

export interface Tracking {
  createRun(input: {
    modelName: string;
    trigger: RunTrigger;
    params?: Record<string, ParamValue>;
  }): Run;
  getRun(id: string): Run;
  searchRuns(query?: RunQuery): Run[];
  logParams(id: string, params: Record<string, ParamValue>): void;
  logMetrics(id: string, metrics: Record<string, number>, step?: number): void;
  logDataset(id: string, fingerprint: Record<string, unknown>): void;
  setProgress(id: string, progress: Omit<RunProgress, "at">): void;
  metricHistory(id: string, key?: string): MetricPoint[];
  finishRun(id: string, finish: RunFinish): Run;
  /** Marks runs left `running` by a process that died as failed; returns their ids. */
  failInterruptedRuns(reason: string): string[];
  countByStatus(): Record<RunStatus, number>;
}

/** Ends a run as failed, the message as both its reason and its error. */
export function failRun(tracking: Tracking, id: string, message: string): Run {
  return tracking.finishRun(id, {
    status: "failed",
    decision: "none",
    reason: message,
    error: message,
  });
}
