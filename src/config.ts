// Every setting keel reads, from the environment: typed, validated, with its
// default. A bad value stops start-up with the variable's name in the message.

import { join, resolve } from "node:path";
import { Cron } from "croner";
import { BUNDLED_DATA, BUNDLED_SPEC } from "./data/bundled.ts";
import { redactSource } from "./data/source.ts";
import { invalidConfig } from "./errors.ts";

export { BUNDLED_DATA };

export type LogLevel = "debug" | "info" | "warn" | "error";

export interface Config {
  /** PORT: HTTP port (0 picks a free one). */
  port: number;
  /** KEEL_HOST: interface to listen on. */
  host: string;
  /** KEEL_HOME: directory holding the SQLite database and the artifacts (with DATABASE_URL: the artifact cache). */
  home: string;
  dbPath: string;
  artifactsDir: string;
  /** DATABASE_URL: postgres://… keeps all state in PostgreSQL, shared by every replica; unset = SQLite in KEEL_HOME. */
  databaseUrl: string | undefined;
  /** KEEL_ARTIFACT_URL: s3://bucket/prefix keeps ONNX files in S3-compatible storage (default: the database). */
  artifactUrl: string | undefined;
  /** KEEL_DATA_URL: training data, a path or an http(s) URL, CSV, JSON lines or parquet. */
  dataUrl: string;
  /** KEEL_DATA_SPEC: dataset spec JSON; default `<data>.spec.json` beside a local data file. */
  dataSpec: string | undefined;
  /** KEEL_TARGET: the column to predict (overrides the spec). */
  target: string | undefined;
  /** KEEL_TIME_COLUMN: a time column, kept out of the features (overrides the spec). */
  timeColumn: string | undefined;
  /** KEEL_MODEL_NAME: registered model name; default the spec's name, else the data file's name. */
  modelName: string | undefined;
  /** KEEL_SERVE_ALIAS: the alias whose version is served. */
  serveAlias: string;
  /** KEEL_SHADOW_ALIAS: the alias whose version scores live rows beside the served one. */
  shadowAlias: string;
  /** KEEL_RETRAIN_CRON: cron expression for scheduled retrains; unset = none. */
  retrainCron: string | undefined;
  /** KEEL_ADMIN_TOKEN: bearer token for admin routes. */
  adminToken: string | undefined;
  /** KEEL_INSECURE_ADMIN=1: allow admin routes without a token (local development only). */
  insecureAdmin: boolean;
  /** KEEL_MAX_BODY_BYTES: largest request body accepted. */
  maxBodyBytes: number;
  /** KEEL_MAX_BATCH_ROWS: most instances in one /predict request. */
  maxBatchRows: number;
  /** KEEL_PROMOTE_TOLERANCE: how much worse (relative) a challenger's primary metric may be and still be promoted. */
  promoteTolerance: number;
  /** KEEL_ALGORITHM: auto | linear | gbdt. */
  algorithm: "auto" | "linear" | "gbdt";
  /** KEEL_TRAIN_PARAMS: hyper-parameters as name=value pairs, over the spec's `params`. */
  trainParams: Record<string, number | string | boolean>;
  /** KEEL_TEST_FRACTION: share of rows held out for evaluation. */
  testFraction: number;
  /** KEEL_SEED: seed for the split and the trainers. */
  seed: number;
  /** KEEL_REFIT=0: register the model fitted on the train rows instead of refitting it on all rows. */
  refit: boolean;
  /** KEEL_TRAIN_TIMEOUT_S: a training run taking longer is stopped and failed. */
  trainTimeoutMs: number;
  /** KEEL_SHUTDOWN_TIMEOUT_S: how long SIGTERM waits for in-flight work. */
  shutdownTimeoutMs: number;
  /** KEEL_LOG_LEVEL: debug | info | warn | error. */
  logLevel: LogLevel;
  /** KEEL_LOG_REQUESTS=0 turns off the per-request log line. */
  logRequests: boolean;
  /** Drift monitoring, live window, feedback and the self-healing loop. */
  drift: DriftConfig;
  /** Where `POST /trigger {"target": "github"}` dispatches the retrain workflow. */
  github: GithubSettings;
}

export interface GithubSettings {
  /** GITHUB_REPOSITORY: owner/name. */
  repository: string | undefined;
  /** GITHUB_TOKEN: a token allowed to run workflows (actions: write). */
  token: string | undefined;
  /** KEEL_GITHUB_WORKFLOW: the workflow file (or id) to dispatch. */
  workflow: string;
  /** KEEL_GITHUB_REF: the branch or tag the workflow runs on. */
  ref: string;
  /** GITHUB_API_URL: the REST API root (GitHub Enterprise, or a stand-in in tests). */
  apiUrl: string;
}

export type RetrainPolicy = "always" | "on-drift";
export type DriftAction = "none" | "retrain";

export interface DriftConfig {
  /** KEEL_DRIFT_CRON: cron expression for scheduled drift checks; unset = none. */
  cron: string | undefined;
  /** KEEL_DRIFT_MIN_ROWS: a check needs at least this many window rows since the reference went live. */
  minRows: number;
  /** KEEL_DRIFT_SHARE: dataset drift when at least this share of features drifted (unset: the spec's, else 0.5). */
  shareThreshold: number | undefined;
  /** KEEL_WINDOW_ROWS: most rows the live window keeps (and a check compares). */
  windowRows: number;
  /** KEEL_WINDOW_HOURS: oldest row the live window keeps. */
  windowMaxAgeMs: number;
  /** KEEL_CAPTURE_ROWS_PER_S: rows captured per second before sampling starts. */
  captureRowsPerSecond: number;
  /** KEEL_DRIFT_ACTION: what a dataset-drift verdict does: none | retrain. */
  action: DriftAction;
  /** KEEL_DRIFT_COOLDOWN_MIN: least time between two drift-triggered retrains. */
  cooldownMs: number;
  /** KEEL_DRIFT_DAILY_CAP: most drift-triggered retrains per 24 hours. */
  dailyCap: number;
  /** KEEL_RETRAIN_POLICY: a scheduled retrain trains always, or only when the new data drifted. */
  retrainPolicy: RetrainPolicy;
  /** KEEL_ROLLBACK_ON_DEGRADE=1: move the serving alias back when a promoted version's live quality degrades. */
  rollbackOnDegrade: boolean;
  /** KEEL_ROLLBACK_MARGIN: how much worse (absolute, on the primary live metric) counts as degraded. */
  rollbackMargin: number;
  /** KEEL_ROLLBACK_MIN_LABELS: labelled rows each version needs before they are compared. */
  rollbackMinLabels: number;
}

type Env = Record<string, string | undefined>;

export function loadConfig(env: Env = process.env): Config {
  const home = resolve(text(env, "KEEL_HOME") ?? ".keel");
  const serveAlias = text(env, "KEEL_SERVE_ALIAS") ?? "prod";
  return {
    port: integer(env, "PORT", 3000, 0, 65535),
    host: text(env, "KEEL_HOST") ?? "0.0.0.0",
    home,
    dbPath: join(home, "keel.db"),
    artifactsDir: join(home, "artifacts"),
    databaseUrl: databaseUrl(env, "DATABASE_URL"),
    artifactUrl: s3Url(env, "KEEL_ARTIFACT_URL"),
    dataUrl: text(env, "KEEL_DATA_URL") ?? BUNDLED_DATA,
    dataSpec:
      text(env, "KEEL_DATA_SPEC") ?? (text(env, "KEEL_DATA_URL") ? undefined : BUNDLED_SPEC),
    target: text(env, "KEEL_TARGET"),
    timeColumn: text(env, "KEEL_TIME_COLUMN"),
    modelName: modelName(env),
    serveAlias,
    shadowAlias: shadowAlias(env, serveAlias),
    retrainCron: cron(env, "KEEL_RETRAIN_CRON"),
    adminToken: text(env, "KEEL_ADMIN_TOKEN"),
    insecureAdmin: flag(env, "KEEL_INSECURE_ADMIN"),
    maxBodyBytes: integer(env, "KEEL_MAX_BODY_BYTES", 16 * 1024 * 1024, 1024, 2 ** 31),
    maxBatchRows: integer(env, "KEEL_MAX_BATCH_ROWS", 10_000, 1, 1_000_000),
    promoteTolerance: number(env, "KEEL_PROMOTE_TOLERANCE", 0.01, 0, 1),
    algorithm: oneOf(env, "KEEL_ALGORITHM", ["auto", "linear", "gbdt"], "auto"),
    trainParams: params(env, "KEEL_TRAIN_PARAMS"),
    testFraction: number(env, "KEEL_TEST_FRACTION", 0.2, 0.05, 0.5),
    seed: integer(env, "KEEL_SEED", 42, 0, 2 ** 31),
    refit: flag(env, "KEEL_REFIT", true),
    trainTimeoutMs: integer(env, "KEEL_TRAIN_TIMEOUT_S", 900, 1, 86_400) * 1000,
    shutdownTimeoutMs: integer(env, "KEEL_SHUTDOWN_TIMEOUT_S", 10, 1, 600) * 1000,
    logLevel: oneOf(env, "KEEL_LOG_LEVEL", ["debug", "info", "warn", "error"], "info"),
    logRequests: !["0", "false", "no"].includes(
      (text(env, "KEEL_LOG_REQUESTS") ?? "").toLowerCase(),
    ),
    drift: loadDriftConfig(env),
    github: {
      repository: repository(env, "GITHUB_REPOSITORY"),
      token: text(env, "GITHUB_TOKEN"),
      workflow: text(env, "KEEL_GITHUB_WORKFLOW") ?? "retrain.yml",
      ref: text(env, "KEEL_GITHUB_REF") ?? "main",
      apiUrl: httpUrl(env, "GITHUB_API_URL") ?? "https://api.github.com",
    },
  };
}

/** "learning_rate=0.05,max_leaf_nodes=63" → typed values (numbers, booleans, else text). */
function params(env: Env, name: string): Record<string, number | string | boolean> {
  const raw = text(env, name);
  if (raw === undefined) return {};
  const out: Record<string, number | string | boolean> = {};
  for (const pair of raw
    .split(",")
    .map((p) => p.trim())
    .filter(Boolean)) {
    const eq = pair.indexOf("=");
    if (eq <= 0)
      throw invalidConfig(`${name} must be name=value pairs separated by commas, got "${pair}"`);
    const value = pair.slice(eq + 1).trim();
    const asNumber = Number(value);
    out[pair.slice(0, eq).trim()] =
      value === "true"
        ? true
        : value === "false"
          ? false
          : value !== "" && Number.isFinite(asNumber)
            ? asNumber
            : value;
  }
  return out;
}

function shadowAlias(env: Env, serveAlias: string): string {
  const value = text(env, "KEEL_SHADOW_ALIAS") ?? "shadow";
  if (value === serveAlias) {
    throw invalidConfig(
      `KEEL_SHADOW_ALIAS must name another alias than KEEL_SERVE_ALIAS ("${serveAlias}")`,
    );
  }
  return value;
}

function databaseUrl(env: Env, name: string): string | undefined {
  const value = text(env, name);
  if (value !== undefined && !/^postgres(ql)?:\/\/[^\s]+$/.test(value)) {
    throw invalidConfig(
      `${name} must be a postgres:// URL (unset keeps the state in SQLite under KEEL_HOME), got "${redactSource(value)}"`,
    );
  }
  return value;
}

function s3Url(env: Env, name: string): string | undefined {
  const value = text(env, name);
  if (value !== undefined && !/^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](\/[^\s]*)?$/.test(value)) {
    throw invalidConfig(`${name} must be s3://bucket or s3://bucket/prefix, got "${value}"`);
  }
  return value;
}

function repository(env: Env, name: string): string | undefined {
  const value = text(env, name);
  if (value !== undefined && !/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/.test(value)) {
    throw invalidConfig(`${name} must be owner/name, got "${value}"`);
  }
  return value;
}

function httpUrl(env: Env, name: string): string | undefined {
  const value = text(env, name);
  if (value !== undefined && !/^https?:\/\/[^\s]+$/.test(value)) {
    throw invalidConfig(`${name} must be an http(s) URL, got "${value}"`);
  }
  return value;
}

function loadDriftConfig(env: Env): DriftConfig {
  return {
    cron: cron(env, "KEEL_DRIFT_CRON"),
    minRows: integer(env, "KEEL_DRIFT_MIN_ROWS", 100, 2, 10_000_000),
    shareThreshold: optionalNumber(env, "KEEL_DRIFT_SHARE", 0.01, 1),
    windowRows: integer(env, "KEEL_WINDOW_ROWS", 10_000, 10, 10_000_000),
    windowMaxAgeMs: number(env, "KEEL_WINDOW_HOURS", 168, 0.01, 24 * 366) * 3_600_000,
    captureRowsPerSecond: integer(env, "KEEL_CAPTURE_ROWS_PER_S", 1000, 1, 1_000_000),
    action: oneOf(env, "KEEL_DRIFT_ACTION", ["none", "retrain"], "none"),
    cooldownMs: number(env, "KEEL_DRIFT_COOLDOWN_MIN", 60, 0, 100_000) * 60_000,
    dailyCap: integer(env, "KEEL_DRIFT_DAILY_CAP", 3, 0, 1000),
    retrainPolicy: oneOf(env, "KEEL_RETRAIN_POLICY", ["always", "on-drift"], "always"),
    rollbackOnDegrade: flag(env, "KEEL_ROLLBACK_ON_DEGRADE"),
    rollbackMargin: number(env, "KEEL_ROLLBACK_MARGIN", 0.05, 0, 1e12),
    rollbackMinLabels: integer(env, "KEEL_ROLLBACK_MIN_LABELS", 100, 1, 10_000_000),
  };
}

function text(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value ? value : undefined;
}

function flag(env: Env, name: string, fallback = false): boolean {
  const value = text(env, name)?.toLowerCase();
  if (value === undefined) return fallback;
  if (["0", "false", "no"].includes(value)) return false;
  if (["1", "true", "yes"].includes(value)) return true;
  throw invalidConfig(`${name} must be 1 or 0, got "${env[name]}"`);
}

function number(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = text(env, name);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < min || value > max) {
    throw invalidConfig(`${name} must be a number from ${min} to ${max}, got "${raw}"`);
  }
  return value;
}

function optionalNumber(env: Env, name: string, min: number, max: number): number | undefined {
  return text(env, name) === undefined ? undefined : number(env, name, 0, min, max);
}

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const value = number(env, name, fallback, min, max);
  if (!Number.isInteger(value))
    throw invalidConfig(`${name} must be a whole number, got "${env[name]}"`);
  return value;
}

function oneOf<T extends string>(env: Env, name: string, allowed: T[], fallback: T): T {
  const raw = text(env, name);
  if (raw === undefined) return fallback;
  if (!allowed.includes(raw as T)) {
    throw invalidConfig(`${name} must be one of ${allowed.join(", ")}, got "${raw}"`);
  }
  return raw as T;
}

function cron(env: Env, name: string): string | undefined {
  const expression = text(env, name);
  if (expression === undefined) return undefined;
  try {
    new Cron(expression, { paused: true }).stop();
  } catch (error) {
    throw invalidConfig(
      `${name} is not a valid cron expression ("${expression}"): ${(error as Error).message}`,
    );
  }
  return expression;
}

function modelName(env: Env): string | undefined {
  const name = text(env, "KEEL_MODEL_NAME");
  if (name !== undefined && !/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/.test(name)) {
    throw invalidConfig(
      `KEEL_MODEL_NAME must be letters, digits, ".", "_" or "-" (at most 128), got "${name}"`,
    );
  }
  return name;
}
