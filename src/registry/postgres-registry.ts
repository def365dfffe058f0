// The registry's PostgreSQL store, shared by every replica. Version numbers
// are allocated inside the registering transaction, with a retry when another
// replica took the same number first; the ONNX bytes go into the same
// transaction (or to S3 before it). An alias move notifies ALIAS_CHANNEL in
// its transaction, so every replica hears of it exactly when it commits.

import type { SQL, TransactionSQL } from "bun";
import { notFound } from "../errors.ts";
import { sha256Hex } from "../sha256.ts";
import { isUniqueViolation } from "../store/postgres-errors.ts";
import { iso, json, type PgHandle, pgAtomically, pgRead } from "../store/postgres-handle.ts";
import { ALIAS_CHANNEL } from "../store/postgres-names.ts";
import { checkAliasName } from "./alias-name.ts";
import { type ArtifactStore, readVerified } from "./artifacts.ts";
import type { ModelSignature } from "./model-format.ts";
import type { AliasEvent, AliasMove, ModelVersion, RegisteredModel, Registry } from "./registry.ts";

const VERSION_ATTEMPTS = 8;

interface VersionRow {
  model_name: string;
  version: number;
  artifact_path: string;
  sha256: string;
  size_bytes: number;
  signature: ModelSignature;
  metrics: Record<string, number>;
  algorithm: string | null;
  run_id: string | null;
  source: "trained" | "uploaded";
  created_at: Date;
}

interface AliasEventRow {
  id: number;
  model_name: string;
  alias: string;
  from_version: number | null;
  to_version: number | null;
  actor: string;
  reason: string | null;
  at: Date;
}

const toEvent = (row: AliasEventRow): AliasEvent => ({
  id: row.id,
  modelName: row.model_name,
  alias: row.alias,
  fromVersion: row.from_version,
  toVersion: row.to_version,
  actor: row.actor,
  reason: row.reason,
  at: iso(row.at)!,
});

const toVersion = (row: VersionRow, aliases: Record<string, number>): ModelVersion => ({
  modelName: row.model_name,
  version: row.version,
  artifactPath: row.artifact_path,
  sha256: row.sha256,
  sizeBytes: row.size_bytes,
  signature: row.signature,
  metrics: row.metrics,
  algorithm: row.algorithm,
  runId: row.run_id,
  source: row.source,
  createdAt: iso(row.created_at)!,
  aliases: Object.entries(aliases)
    .filter(([, version]) => version === row.version)
    .map(([alias]) => alias),
});

const modelNotFound = (name: string) =>
  notFound("MODEL_NOT_FOUND", `Registered model (name=${name}) not found`);
const versionNotFound = (name: string, version: number) =>
  notFound("MODEL_VERSION_NOT_FOUND", `Model version (name=${name}, version=${version}) not found`);
const aliasNotFound = (name: string, alias: string) =>
  notFound("ALIAS_NOT_FOUND", `Alias (name=${name}, alias=${alias}) not found`);

export function createPostgresRegistry(options: {
  db: PgHandle;
  /** Where ONNX bytes go, given the client they should be written through. */
  artifactsOn: (db: PgHandle) => ArtifactStore;
}): Registry {
  const { db } = options;
  const artifacts = options.artifactsOn(db);

  const aliasesOf = async (sql: SQL, name: string): Promise<Record<string, number>> => {
    const rows = await sql<{ alias: string; version: number }[]>`
      SELECT alias, version FROM aliases WHERE model_name = ${name} ORDER BY alias`;
    return Object.fromEntries(rows.map((row) => [row.alias, row.version]));
  };

  const requireModel = async (sql: SQL, name: string) => {
    const [row] = await sql`SELECT 1 FROM models WHERE name = ${name}`;
    if (!row) throw modelNotFound(name);
  };

  const versionOf = async (sql: SQL, name: string, version: number): Promise<ModelVersion> => {
    await requireModel(sql, name);
    const [row] = await sql<VersionRow[]>`
      SELECT * FROM model_versions WHERE model_name = ${name} AND version = ${version}`;
    if (!row) throw versionNotFound(name, version);
    return toVersion(row, await aliasesOf(sql, name));
  };

  const aliasTarget = async (sql: SQL, name: string, alias: string) => {
    const [row] = await sql<{ version: number }[]>`
      SELECT version FROM aliases WHERE model_name = ${name} AND alias = ${alias}`;
    return row?.version ?? null;
  };

  const modelOf = async (sql: SQL, name: string): Promise<RegisteredModel> => {
    const [row] = await sql<{ name: string; created_at: Date; latest: number | null }[]>`
      SELECT m.name, m.created_at, MAX(v.version) AS latest
      FROM models m LEFT JOIN model_versions v ON v.model_name = m.name
      WHERE m.name = ${name} GROUP BY m.name`;
    if (!row) throw modelNotFound(name);
    return {
      name: row.name,
      createdAt: iso(row.created_at)!,
      latestVersion: row.latest,
      aliases: await aliasesOf(sql, name),
    };
  };

  /** Records a move and tells the other replicas, on commit, that the alias moved. */
  const recordMove = async (
    tx: TransactionSQL,
    name: string,
    alias: string,
    from: number | null,
    to: number | null,
    move: AliasMove,
  ): Promise<AliasEvent> => {
    const [row] = await tx<AliasEventRow[]>`
      INSERT INTO alias_events (model_name, alias, from_version, to_version, actor, reason, at)
      VALUES (${name}, ${alias}, ${from}, ${to}, ${move.actor}, ${move.reason ?? null}, now())
      RETURNING *`;
    await tx.notify(ALIAS_CHANNEL, json({ model: name, alias, version: to }));
    return toEvent(row!);
  };

  /** The next version number, taken inside a savepoint so a clash with another replica retries. */
  const insertVersion = async (
    tx: TransactionSQL,
    input: Parameters<Registry["createVersion"]>[0],
    sha256: string,
  ): Promise<number> => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await tx.savepoint(async (sp) => {
          const [{ next }] = await sp<{ next: number }[]>`
            SELECT COALESCE(MAX(version), 0) + 1 AS next FROM model_versions
            WHERE model_name = ${input.modelName}`;
          await sp`
            INSERT INTO model_versions (model_name, version, artifact_path, sha256, size_bytes,
              signature, metrics, algorithm, run_id, source, created_at)
            VALUES (${input.modelName}, ${next}, ${artifacts.locate(sha256)}, ${sha256},
              ${input.onnx.byteLength}, ${json(input.signature)}::text::jsonb,
              ${json(input.metrics ?? {})}::text::jsonb, ${input.algorithm ?? null},
              ${input.runId ?? null}, ${input.source}, now())`;
          return next;
        });
      } catch (error) {
        if (!isUniqueViolation(error) || attempt >= VERSION_ATTEMPTS) throw error;
      }
    }
  };

  return {
    createVersion: (input) =>
      pgAtomically(db, async (tx) => {
        const sha256 = sha256Hex(input.onnx);
        await options.artifactsOn({ sql: tx, inTransaction: true }).put(sha256, input.onnx);
        await tx`INSERT INTO models (name, created_at) VALUES (${input.modelName}, now())
                 ON CONFLICT (name) DO NOTHING`;
        const version = await insertVersion(tx, input, sha256);
        return versionOf(tx, input.modelName, version);
      }),

    getVersion: (name, version) => pgRead(db, (sql) => versionOf(sql, name, version)),

    searchVersions: (name) =>
      pgRead(db, async (sql) => {
        await requireModel(sql, name);
        const aliases = await aliasesOf(sql, name);
        const rows = await sql<VersionRow[]>`
          SELECT * FROM model_versions WHERE model_name = ${name} ORDER BY version DESC`;
        return rows.map((row) => toVersion(row, aliases));
      }),

    getModel: (name) => pgRead(db, (sql) => modelOf(sql, name)),

    searchModels: () =>
      pgRead(db, async (sql) => {
        const rows = await sql<{ name: string }[]>`SELECT name FROM models ORDER BY name`;
        const models: RegisteredModel[] = [];
        for (const row of rows) models.push(await modelOf(sql, row.name));
        return models;
      }),

    getVersionByAlias: (name, alias) =>
      pgRead(db, async (sql) => {
        await requireModel(sql, name);
        const version = await aliasTarget(sql, name, alias);
        if (version === null) throw aliasNotFound(name, alias);
        return versionOf(sql, name, version);
      }),

    findVersionByAlias: (name, alias) =>
      pgRead(db, async (sql) => {
        const version = await aliasTarget(sql, name, alias);
        return version === null ? undefined : versionOf(sql, name, version);
      }),

    async setAlias(name, alias, version, move) {
      checkAliasName(alias);
      return pgAtomically(db, async (tx) => {
        await versionOf(tx, name, version);
        // Locks the alias row, so two moves of one alias record their from → to in order.
        const [current] = await tx<{ version: number }[]>`
          SELECT version FROM aliases WHERE model_name = ${name} AND alias = ${alias} FOR UPDATE`;
        await tx`
          INSERT INTO aliases (model_name, alias, version, updated_at)
          VALUES (${name}, ${alias}, ${version}, now())
          ON CONFLICT (model_name, alias)
          DO UPDATE SET version = excluded.version, updated_at = excluded.updated_at`;
        return recordMove(tx, name, alias, current?.version ?? null, version, move);
      });
    },

    deleteAlias: (name, alias, move) =>
      pgAtomically(db, async (tx) => {
        await requireModel(tx, name);
        const [current] = await tx<{ version: number }[]>`
          DELETE FROM aliases WHERE model_name = ${name} AND alias = ${alias} RETURNING version`;
        if (!current) throw aliasNotFound(name, alias);
        return recordMove(tx, name, alias, current.version, null, move);
      }),

    aliasHistory: (name, alias) =>
      pgRead(db, async (sql) => {
        await requireModel(sql, name);
        const rows = alias
          ? await sql<AliasEventRow[]>`
              SELECT * FROM alias_events WHERE model_name = ${name} AND alias = ${alias}
              ORDER BY id DESC`
          : await sql<AliasEventRow[]>`
              SELECT * FROM alias_events WHERE model_name = ${name} ORDER BY id DESC`;
        return rows.map(toEvent);
      }),

    readArtifact: (version) => readVerified(artifacts, version.sha256),
  };
}
