// Moves registry versions into service: loads a version (sha256-checked and
// warmed up) before any alias moves, so the slot only ever holds a model that
// ran. Promotion, rollback, reload and upload all go through here.

import { conflict, errorMessage } from "../errors.ts";
import type { Logger } from "../observability/log.ts";
import type { Metrics } from "../observability/metrics.ts";
import type { AliasEvent, ModelVersion, Registry } from "../registry/registry.ts";
import type { ModelSlot } from "./model-slot.ts";
import { loadOnnxModel, type OnnxModel } from "./onnx-model.ts";

export interface Deployment {
  /** The model and alias this process serves. */
  modelName: string;
  serveAlias: string;
  /** Loads whatever the serving alias points at into the slot. */
  reload(actor: string): Promise<ModelVersion>;
  /** Loads a version without serving it (validation, evaluation). */
  load(version: ModelVersion): Promise<OnnxModel>;
  /** Points an alias at a version; when it is the serving alias, the slot swaps to it. */
  setAlias(
    name: string,
    alias: string,
    version: number,
    actor: string,
    reason?: string,
  ): Promise<AliasEvent>;
  deleteAlias(name: string, alias: string, actor: string): AliasEvent;
  /** Validates uploaded ONNX bytes by loading and running them, then registers a version. */
  registerUpload(name: string, bytes: Uint8Array, actor: string): Promise<ModelVersion>;
  /** Calls `listener` after every swap with the version now in service (the drift reference follows it). */
  onServe(listener: (version: ModelVersion) => void): void;
}

export function createDeployment(options: {
  registry: Registry;
  slot: ModelSlot;
  modelName: string;
  serveAlias: string;
  metrics: Metrics;
  logger: Logger;
  maxBatchRows?: number;
}): Deployment {
  const { registry, slot, modelName, serveAlias, metrics, logger } = options;
  const listeners: ((version: ModelVersion) => void)[] = [];

  const load = async (version: ModelVersion) =>
    loadOnnxModel(await registry.readArtifact(version), {
      identity: { name: version.modelName, version: version.version },
      maxBatchRows: options.maxBatchRows,
    });

  const serve = (model: OnnxModel, version: ModelVersion, actor: string) => {
    const previous = slot.swap(model);
    metrics.modelInfo.reset();
    metrics.modelInfo.set(
      {
        model: version.modelName,
        version: String(version.version),
        alias: serveAlias,
        algorithm: version.algorithm ?? "unknown",
      },
      1,
    );
    metrics.modelSwaps.inc({ model: version.modelName });
    logger.info("model.swap", {
      model: version.modelName,
      version: version.version,
      previous_version: previous?.identity.version ?? null,
      actor,
    });
    for (const listener of listeners) {
      try {
        listener(version);
      } catch (error) {
        logger.error("model.serve_listener_failed", { error: errorMessage(error) });
      }
    }
  };

  const servesAlias = (name: string, alias: string) => name === modelName && alias === serveAlias;

  return {
    modelName,
    serveAlias,
    async reload(actor) {
      const version = registry.getVersionByAlias(modelName, serveAlias);
      serve(await load(version), version, actor);
      return version;
    },
    load,
    async setAlias(name, alias, versionNumber, actor, reason) {
      const version = registry.getVersion(name, versionNumber);
      if (!servesAlias(name, alias))
        return registry.setAlias(name, alias, versionNumber, { actor, reason });
      const model = await load(version);
      const event = registry.setAlias(name, alias, versionNumber, { actor, reason });
      serve(model, version, actor);
      return event;
    },
    deleteAlias(name, alias, actor) {
      if (servesAlias(name, alias)) {
        throw conflict(
          `Alias ${alias} of ${name} is the one this service serves (KEEL_SERVE_ALIAS); point it at another version instead of deleting it`,
        );
      }
      return registry.deleteAlias(name, alias, { actor });
    },
    async registerUpload(name, bytes, actor) {
      const model = await loadOnnxModel(bytes, { identity: { name, version: 0 } });
      await model.retire();
      const version = registry.createVersion({
        modelName: name,
        onnx: bytes,
        signature: model.signature,
        algorithm: model.inspected.algorithm,
        runId: model.inspected.runId ?? null,
        source: "uploaded",
      });
      logger.info("model.uploaded", {
        model: name,
        version: version.version,
        actor,
        sha256: version.sha256,
      });
      return version;
    },
    onServe(listener) {
      listeners.push(listener);
    },
  };
}
