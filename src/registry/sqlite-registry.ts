// The registry's SQLite store (synchronous; src/state/sqlite-stores.ts gives
// it its async port). Versions are numbered per model inside one transaction,
// after their artifact is durably stored.

import type { Database } from "bun:sqlite";
import { notFound } from "../errors.ts";
import { sha256Hex } from "../sha256.ts";
import type { Synchronous } from "../store/sqlite-gate.ts";
import { checkAliasName } from "./alias-name.ts";
import { type ArtifactStore, readVerified } from "./artifacts.ts";
import type {
  AliasEvent,
  AliasMove,
  ModelVersion,
  NewVersion,
  RegisteredModel,
  Registry,
} from "./registry.ts";

interface VersionRow {
  model_name: string;
  version: number;
  artifact_path: string;
  sha256: string;
  size_bytes: number;
  signature: string;
  metrics: string;
  algorithm: string | null;
  run_id: string | null;
  source: "trained" | "uploaded";
  created_at: string;
}

interface AliasEventRow {
  id: number;
  model_name: string;
  alias: string;
  from_version: number | null;
  to_version: number | null;
  actor: string;
  reason: string | null;
  at: string;
}

export function createSqliteRegistry(options: {
  db: Database;
  artifacts: ArtifactStore;
}): Synchronous<Registry> {
  const { db, artifacts } = options;
  const now = () => new Date().toISOString();

  const aliasesOf = (name: string): Record<string, number> => {
    const rows = db
      .query<{ alias: string; version: number }, [string]>(
        "SELECT alias, version FROM aliases WHERE model_name = ? ORDER BY alias",
      )
      .all(name);
    return Object.fromEntries(rows.map((row) => [row.alias, row.version]));
  };

  const toVersion = (row: VersionRow, aliases: Record<string, number>): ModelVersion => ({
    modelName: row.model_name,
    version: row.version,
    artifactPath: row.artifact_path,
    sha256: row.sha256,
    sizeBytes: row.size_bytes,
    signature: JSON.parse(row.signature),
    metrics: JSON.parse(row.metrics),
    algorithm: row.algorithm,
    runId: row.run_id,
    source: row.source,
    createdAt: row.created_at,
    aliases: Object.entries(aliases)
      .filter(([, version]) => version === row.version)
      .map(([alias]) => alias),
  });

  const toEvent = (row: AliasEventRow): AliasEvent => ({
    id: row.id,
    modelName: row.model_name,
    alias: row.alias,
    fromVersion: row.from_version,
    toVersion: row.to_version,
    actor: row.actor,
    reason: row.reason,
    at: row.at,
  });

  const modelExists = (name: string) =>
    db.query("SELECT 1 FROM models WHERE name = ?").get(name) !== null;

  const requireModel = (name: string) => {
    if (!modelExists(name)) {
      throw notFound("MODEL_NOT_FOUND", `Registered model (name=${name}) not found`);
    }
  };

  const getVersion = (name: string, version: number): ModelVersion => {
    requireModel(name);
    const row = db
      .query<VersionRow, [string, number]>(
        "SELECT * FROM model_versions WHERE model_name = ? AND version = ?",
      )
      .get(name, version);
    if (!row) {
      throw notFound(
        "MODEL_VERSION_NOT_FOUND",
        `Model version (name=${name}, version=${version}) not found`,
      );
    }
    return toVersion(row, aliasesOf(name));
  };

  const getModel = (name: string): RegisteredModel => {
    const row = db
      .query<{ name: string; created_at: string; latest: number | null }, [string]>(
        `SELECT m.name, m.created_at, MAX(v.version) AS latest
         FROM models m LEFT JOIN model_versions v ON v.model_name = m.name
         WHERE m.name = ? GROUP BY m.name`,
      )
      .get(name);
    if (!row) throw notFound("MODEL_NOT_FOUND", `Registered model (name=${name}) not found`);
    return {
      name: row.name,
      createdAt: row.created_at,
      latestVersion: row.latest,
      aliases: aliasesOf(name),
    };
  };

  const findVersionByAlias = (name: string, alias: string): ModelVersion | undefined => {
    const row = db
      .query<{ version: number }, [string, string]>(
        "SELECT version FROM aliases WHERE model_name = ? AND alias = ?",
      )
      .get(name, alias);
    return row ? getVersion(name, row.version) : undefined;
  };

  const insertEvent = db.query<AliasEventRow, Record<string, string | number | null>>(
    `INSERT INTO alias_events (model_name, alias, from_version, to_version, actor, reason, at)
     VALUES ($model, $alias, $from, $to, $actor, $reason, $at) RETURNING *`,
  );

  const recordMove = (
    name: string,
    alias: string,
    from: number | null,
    to: number | null,
    move: AliasMove,
  ): AliasEvent =>
    toEvent(
      insertEvent.get({
        model: name,
        alias,
        from,
        to,
        actor: move.actor,
        reason: move.reason ?? null,
        at: now(),
      })!,
    );

  return {
    async createVersion(input: NewVersion): Promise<ModelVersion> {
      const sha256 = sha256Hex(input.onnx);
      await artifacts.put(sha256, input.onnx);
      const createdAt = now();
      const version = db.transaction(() => {
        db.query("INSERT OR IGNORE INTO models (name, created_at) VALUES (?, ?)").run(
          input.modelName,
          createdAt,
        );
        const next =
          db
            .query<{ next: number }, [string]>(
              "SELECT COALESCE(MAX(version), 0) + 1 AS next FROM model_versions WHERE model_name = ?",
            )
            .get(input.modelName)?.next ?? 1;
        db.query(
          `INSERT INTO model_versions (model_name, version, artifact_path, sha256, size_bytes,
             signature, metrics, algorithm, run_id, source, created_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        ).run(
          input.modelName,
          next,
          artifacts.locate(sha256),
          sha256,
          input.onnx.byteLength,
          JSON.stringify(input.signature),
          JSON.stringify(input.metrics ?? {}),
          input.algorithm ?? null,
          input.runId ?? null,
          input.source,
          createdAt,
        );
        return next;
      })();
      return getVersion(input.modelName, version);
    },

    getVersion,

    searchVersions(name) {
      requireModel(name);
      const aliases = aliasesOf(name);
      return db
        .query<VersionRow, [string]>(
          "SELECT * FROM model_versions WHERE model_name = ? ORDER BY version DESC",
        )
        .all(name)
        .map((row) => toVersion(row, aliases));
    },

    getModel,

    searchModels() {
      return db
        .query<{ name: string }, []>("SELECT name FROM models ORDER BY name")
        .all()
        .map((row) => getModel(row.name));
    },

    getVersionByAlias(name, alias) {
      requireModel(name);
      const version = findVersionByAlias(name, alias);
      if (!version) {
        throw notFound("ALIAS_NOT_FOUND", `Alias (name=${name}, alias=${alias}) not found`);
      }
      return version;
    },

    findVersionByAlias: (name, alias) =>
      modelExists(name) ? findVersionByAlias(name, alias) : undefined,

    setAlias(name, alias, version, move) {
      checkAliasName(alias);
      getVersion(name, version);
      return db.transaction(() => {
        const from = findCurrent(db, name, alias);
        db.query(
          `INSERT INTO aliases (model_name, alias, version, updated_at) VALUES (?, ?, ?, ?)
           ON CONFLICT (model_name, alias) DO UPDATE SET version = excluded.version, updated_at = excluded.updated_at`,
        ).run(name, alias, version, now());
        return recordMove(name, alias, from, version, move);
      })();
    },

    deleteAlias(name, alias, move) {
      requireModel(name);
      return db.transaction(() => {
        const from = findCurrent(db, name, alias);
        if (from === null) {
          throw notFound("ALIAS_NOT_FOUND", `Alias (name=${name}, alias=${alias}) not found`);
        }
        db.query("DELETE FROM aliases WHERE model_name = ? AND alias = ?").run(name, alias);
        return recordMove(name, alias, from, null, move);
      })();
    },

    aliasHistory(name, alias) {
      requireModel(name);
      const rows = alias
        ? db
            .query<AliasEventRow, [string, string]>(
              "SELECT * FROM alias_events WHERE model_name = ? AND alias = ? ORDER BY id DESC",
            )
            .all(name, alias)
        : db
            .query<AliasEventRow, [string]>(
              "SELECT * FROM alias_events WHERE model_name = ? ORDER BY id DESC",
            )
            .all(name);
      return rows.map(toEvent);
    },

    readArtifact: (version) => readVerified(artifacts, version.sha256),
  };
}

function findCurrent(db: Database, name: string, alias: string): number | null {
  return (
    db
      .query<{ version: number }, [string, string]>(
        "SELECT version FROM aliases WHERE model_name = ? AND alias = ?",
      )
      .get(name, alias)?.version ?? null
  );
}
