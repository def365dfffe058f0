// What the registry and run commands talk to: keel's stores directly (SQLite
// under KEEL_HOME, or PostgreSQL with DATABASE_URL) or, with --url, a running
// service over HTTP. Both answer with the service's JSON shapes
// (src/http/views.ts), so a command prints the same thing either way.

import { existsSync } from "node:fs";
import { AppError } from "../errors.ts";
import { aliasEventView, modelView, runView, versionView } from "../http/views.ts";
import { silentLogger } from "../observability/log.ts";
import { moveAlias } from "../pipeline/move-alias.ts";
import { openStores } from "../state/open-stores.ts";
import { sqlitePath } from "../state/sqlite-stores.ts";
import type { RunQuery } from "../tracking/tracking.ts";
import { ServiceError, UsageError } from "./errors.ts";

type Json = Record<string, unknown>;
export type ModelJson = ReturnType<typeof modelView>;
export type VersionJson = ReturnType<typeof versionView>;
export type AliasEventJson = ReturnType<typeof aliasEventView>;
export type RunJson = ReturnType<typeof runView>;
export type AliasJson = VersionJson & { history: AliasEventJson[] };

export interface KeelClient {
  /** Where the answers come from, for messages. */
  where: string;
  models(): Promise<ModelJson[]>;
  versions(name: string): Promise<VersionJson[]>;
  version(name: string, version: number): Promise<VersionJson>;
  alias(name: string, alias: string): Promise<AliasJson>;
  setAlias(name: string, alias: string, version: number, reason: string): Promise<AliasEventJson>;
  runs(query: RunQuery): Promise<RunJson[]>;
  run(id: string): Promise<RunJson>;
  close(): Promise<void>;
}

/** The state keel keeps for KEEL_HOME — or, with DATABASE_URL set, in that database (as the service does). */
export async function openLocalClient(
  home: string,
  env: Record<string, string | undefined> = process.env,
): Promise<KeelClient> {
  const databaseUrl = env.DATABASE_URL?.trim() || undefined;
  if (!databaseUrl && !existsSync(sqlitePath(home)))
    throw new UsageError(
      `No keel state in ${home} (no keel.db): set KEEL_HOME or --home, DATABASE_URL, or use --url`,
    );
  const stores = await openStores({
    home,
    databaseUrl,
    artifactUrl: env.KEEL_ARTIFACT_URL?.trim() || undefined,
  });
  const { registry, tracking } = stores;
  const serveAlias = env.KEEL_SERVE_ALIAS?.trim() || "prod";
  const local = async <T>(work: () => Promise<T>): Promise<T> => {
    try {
      return await work();
    } catch (error) {
      if (error instanceof AppError) throw new ServiceError(error.message);
      throw error;
    }
  };
  return {
    where: stores.where,
    models: () => local(async () => (await registry.searchModels()).map(modelView)),
    versions: (name) => local(async () => (await registry.searchVersions(name)).map(versionView)),
    version: (name, version) =>
      local(async () => versionView(await registry.getVersion(name, version))),
    alias: (name, alias) =>
      local(async () => ({
        ...versionView(await registry.getVersionByAlias(name, alias)),
        history: (await registry.aliasHistory(name, alias)).map(aliasEventView),
      })),
    // The same move the service makes: audited, the drift reference follows, replicas are told.
    setAlias: (name, alias, version, reason) =>
      local(async () =>
        aliasEventView(
          await stores.transaction((tx) =>
            moveAlias(
              tx,
              { name, alias, version, actor: "cli", reason },
              { serveAlias, logger: silentLogger },
            ),
          ),
        ),
      ),
    runs: (query) =>
      local(async () => (await tracking.searchRuns(query)).map((run) => runView(run))),
    run: (id) =>
      local(async () => runView(await tracking.getRun(id), await tracking.metricHistory(id))),
    close: () => stores.close(),
  };
}

export function openRemoteClient(url: string, token: string | undefined): KeelClient {
  const base = url.replace(/\/+$/, "");
  const call = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    let response: Response;
    try {
      response = await fetch(`${base}${path}`, {
        method,
        headers: {
          ...(body === undefined ? {} : { "content-type": "application/json" }),
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(30_000),
      });
    } catch (error) {
      throw new UsageError(`cannot reach ${base} (${(error as Error).message})`);
    }
    const answer = (await response.json().catch(() => ({}))) as Json & {
      error?: { message?: string };
    };
    if (!response.ok) {
      throw new ServiceError(
        `${response.status} from ${base}${path}: ${answer.error?.message ?? "no message"}`,
      );
    }
    return answer as T;
  };
  const query = (q: RunQuery) =>
    new URLSearchParams(
      Object.entries(q)
        .filter(([, v]) => v !== undefined)
        .map(([k, v]): [string, string] => [k, String(v)]),
    ).toString();
  return {
    where: base,
    models: async () => (await call<{ models: ModelJson[] }>("GET", "/models")).models,
    versions: async (name) =>
      (
        await call<{ versions: VersionJson[] }>(
          "GET",
          `/models/${encodeURIComponent(name)}/versions`,
        )
      ).versions,
    version: (name, version) =>
      call("GET", `/models/${encodeURIComponent(name)}/versions/${version}`),
    alias: (name, alias) =>
      call("GET", `/models/${encodeURIComponent(name)}/aliases/${encodeURIComponent(alias)}`),
    setAlias: (name, alias, version, reason) =>
      call("PUT", `/models/${encodeURIComponent(name)}/aliases/${encodeURIComponent(alias)}`, {
        version,
        reason,
      }),
    runs: async (q) => (await call<{ runs: RunJson[] }>("GET", `/runs?${query(q)}`)).runs,
    run: (id) => call("GET", `/runs/${encodeURIComponent(id)}`),
    close: async () => {},
  };
}
