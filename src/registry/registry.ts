// The model registry's domain objects and the narrow interface its stores implement.
// Today one SQLite store; a PostgreSQL one would implement the same interface.

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
  createVersion(input: NewVersion): ModelVersion;
  getVersion(name: string, version: number): ModelVersion;
  searchVersions(name: string): ModelVersion[];
  getModel(name: string): RegisteredModel;
  searchModels(): RegisteredModel[];
  /** The version an alias points at, or throws ALIAS_NOT_FOUND. */
  getVersionByAlias(name: string, alias: string): ModelVersion;
  findVersionByAlias(name: string, alias: string): ModelVersion | undefined;
  setAlias(name: string, alias: string, version: number, move: AliasMove): AliasEvent;
  deleteAlias(name: string, alias: string, move: AliasMove): AliasEvent;
  aliasHistory(name: string, alias?: string): AliasEvent[];
  /** Reads a version's ONNX bytes, verifying their sha256. */
  readArtifact(version: ModelVersion): Promise<Uint8Array>;
}
