// The model registry's domain objects and the narrow interface its stores
// implement: SQLite (the embedded default) and PostgreSQL (several replicas).
// Every method is async so both backends honour one contract
// (tests/registry/registry-contract.test.ts runs it against both).

import type { ModelSignature } from "./model-format.ts";

export type VersionSource = "trained" | "uploaded";

export interface RegisteredModel {
  name: string;
  createdAt: string;
  latestVersion: number | null;
  aliases: Record<string, number>;
}

export interface ModelVersion {
  modelName: string;
  version: number;
  artifactPath: string;
  sha256: string;
  sizeBytes: number;
  signature: ModelSignature;
  metrics: Record<string, number>;
  algorithm: string | null;
  runId: string | null;
  source: VersionSource;
  createdAt: string;
  /** Aliases currently pointing at this version. */
  aliases: string[];
}

export interface AliasEvent {
  id: number;
  modelName: string;
  alias: string;
  fromVersion: number | null;
  toVersion: number | null;
  actor: string;
  reason: string | null;
  at: string;
}

export interface NewVersion {
  modelName: string;
  onnx: Uint8Array;
  signature: ModelSignature;
  metrics?: Record<string, number>;
  algorithm?: string | null;
  runId?: string | null;
  source: VersionSource;
}

export interface AliasMove {
  actor: string;
  reason?: string;
}

export interface Registry {
  /** Stores the artifact and numbers the version (1, 2, … per model), even when replicas register at once. */
  createVersion(input: NewVersion): Promise<ModelVersion>;
  getVersion(name: string, version: number): Promise<ModelVersion>;
  searchVersions(name: string): Promise<ModelVersion[]>;
  getModel(name: string): Promise<RegisteredModel>;
  searchModels(): Promise<RegisteredModel[]>;
  /** The version an alias points at, or throws ALIAS_NOT_FOUND. */
  getVersionByAlias(name: string, alias: string): Promise<ModelVersion>;
  findVersionByAlias(name: string, alias: string): Promise<ModelVersion | undefined>;
  /** Moves an alias and records the move; other replicas are told when it commits. */
  setAlias(name: string, alias: string, version: number, move: AliasMove): Promise<AliasEvent>;
  deleteAlias(name: string, alias: string, move: AliasMove): Promise<AliasEvent>;
  aliasHistory(name: string, alias?: string): Promise<AliasEvent[]>;
  /** Reads a version's ONNX bytes, verifying their sha256. */
  readArtifact(version: ModelVersion): Promise<Uint8Array>;
}
