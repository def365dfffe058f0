// What the registry and run commands talk to: the local state directory
// (SQLite + artifacts under KEEL_HOME) or, with --url, a running service over
// HTTP. Both answer with the service's JSON shapes (src/http/views.ts), so a
// command prints the same thing either way.

import type { Database } from "bun:sqlite";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { AppError } from "../errors.ts";
import { aliasEventView, modelView, runView, versionView } from "../http/views.ts";
import { createArtifactStore } from "../registry/artifacts.ts";
import { createSqliteRegistry } from "../registry/sqlite-registry.ts";
import { openStore } from "../store/sqlite.ts";
import { createSqliteTracking } from "../tracking/sqlite-tracking.ts";
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
  close(): void;
}

export function openLocalClient(home: string): KeelClient {
  const dbPath = join(home, "keel.db");
  if (!existsSync(dbPath))
    throw new UsageError(
      `No keel state in ${home} (no keel.db): set KEEL_HOME or --home, or use --url`,
    );
  const db: Database = openStore(dbPath);
  const registry = createSqliteRegistry({
    db,
    artifacts: createArtifactStore(join(home, "artifacts")),
  });
  const tracking = createSqliteTracking({ db });
  const local = async <T>(work: () => T): Promise<T> => {
    try {
      return work();
    } catch (error) {
      if (error instanceof AppError) throw new ServiceError(error.message);
      throw error;
    }
  };
  return {
    where: home,
    models: () => local(() => registry.searchModels().map(modelView)),
    versions: (name) => local(() => registry.searchVersions(name).map(versionView)),
    version: (name, version) => local(() => versionView(registry.getVersion(name, version))),
    alias: (name, alias) =>
      local(() => ({
        ...versionView(registry.getVersionByAlias(name, alias)),
        history: registry.aliasHistory(name, alias).map(aliasEventView),
      })),
    setAlias: (name, alias, version, reason) =>
      local(() =>
        aliasEventView(registry.setAlias(name, alias, version, { actor: "cli", reason })),
      ),
    runs: (query) => local(() => tracking.searchRuns(query).map((run) => runView(run))),
    run: (id) => local(() => runView(tracking.getRun(id), tracking.metricHistory(id))),
    close: () => db.close(),
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
    close: () => {},
  };
}
