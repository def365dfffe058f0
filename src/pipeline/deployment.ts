// Moves registry versions into service: a version is loaded (sha256-checked
// and warmed up) before anything points at it, so the slot only ever holds a
// model that ran. Promotion, rollback, reload, upload and following the alias
// when another replica moved it all go through here, one swap at a time. The
// shadow alias (KEEL_SHADOW_ALIAS) is served the same way into a second slot,
// whose model scores live rows beside the one in service (serving/shadow.ts).

import { conflict } from "../errors.ts";
import { createMutex } from "../mutex.ts";
import type { Logger } from "../observability/log.ts";
import type { Metrics } from "../observability/metrics.ts";
import type { AliasEvent, ModelVersion } from "../registry/registry.ts";
import type { ModelSlot } from "../serving/model-slot.ts";
import { loadOnnxModel, type OnnxModel } from "../serving/onnx-model.ts";
import type { StorePorts, Stores } from "../state/stores.ts";
import { moveAlias } from "./move-alias.ts";

export interface Deployment {
  /** The model and alias this process serves. */
  modelName: string;
  serveAlias: string;
  /** The alias whose version is loaded beside it as the shadow challenger. */
  shadowAlias: string;
  /** Loads whatever the serving alias points at into the slot (again, even if it is there). */
  reload(actor: string): Promise<ModelVersion>;
  /**
   * Serves what the serving alias points at now, unless the slot holds it
   * already (undefined when there is no such alias), and brings the shadow
   * slot in line with the shadow alias.
   */
  follow(actor: string): Promise<ModelVersion | undefined>;
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
  deleteAlias(name: string, alias: string, actor: string): Promise<AliasEvent>;
  /** Validates uploaded ONNX bytes by loading and running them, then registers a version. */
  registerUpload(name: string, bytes: Uint8Array, actor: string): Promise<ModelVersion>;
  /** Loads a version from bytes already in hand (inside a transaction, where the registry is busy). */
  loadBytes(
    bytes: Uint8Array,
    version: Pick<ModelVersion, "modelName" | "version">,
  ): Promise<OnnxModel>;
  /**
   * Points the serving alias at a registered version: loads it, moves the
   * alias — with `alsoInTransaction` (a rollback ends its run there) — and
   * swaps once that committed.
   */
  moveServing(
    version: number,
    move: { actor: string; reason?: string },
    alsoInTransaction?: (tx: StorePorts) => Promise<void>,
  ): Promise<AliasEvent>;
  /**
   * Runs `commit` — a transaction that moves the serving alias and hands back
   * the loaded model of the version it moved to — and serves that model the
   * moment it committed, with no other swap in between.
   */
  publish(
    commit: () => Promise<{ version: ModelVersion; model: OnnxModel }>,
    actor: string,
  ): Promise<ModelVersion>;
}

export function createDeployment(options: {
  stores: Stores;
  slot: ModelSlot;
  /** Holds the shadow alias's version; empty while the alias does not exist. */
  shadowSlot: ModelSlot;
  modelName: string;
  serveAlias: string;
  shadowAlias: string;
  metrics: Metrics;
  logger: Logger;
  maxBatchRows?: number;
}): Deployment {
  const { stores, slot, shadowSlot, modelName, serveAlias, shadowAlias, metrics, logger } = options;
  const { registry } = stores;
  const oneSwapAtATime = createMutex();

  const loadBytes = (bytes: Uint8Array, version: Pick<ModelVersion, "modelName" | "version">) =>
    loadOnnxModel(bytes, {
      identity: { name: version.modelName, version: version.version },
      maxBatchRows: options.maxBatchRows,
    });
  const load = async (version: ModelVersion) =>
    loadBytes(await registry.readArtifact(version), version);

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
  };

  const loadAndServe = async (version: ModelVersion, actor: string) => {
    serve(await load(version), version, actor);
    return version;
  };

  const servesAlias = (name: string, alias: string) => name === modelName && alias === serveAlias;
  const shadowsAlias = (name: string, alias: string) => name === modelName && alias === shadowAlias;

  const shadow = (model: OnnxModel | undefined, actor: string) => {
    const previous = model ? shadowSlot.swap(model) : shadowSlot.current();
    if (!model) void shadowSlot.close();
    metrics.shadowInfo.reset();
    if (model)
      metrics.shadowInfo.set({ model: modelName, version: String(model.identity.version) }, 1);
    logger.info("model.shadow", {
      model: modelName,
      version: model?.identity.version ?? null,
      previous_version: previous?.identity.version ?? null,
      actor,
    });
  };

  /** Loads the shadow alias's version into the shadow slot, or empties it when the alias is gone. */
  const followShadow = async (actor: string) => {
    const version = await registry.findVersionByAlias(modelName, shadowAlias);
    const held = shadowSlot.current()?.identity.version;
    if (version?.version === held) return;
    shadow(version ? await load(version) : undefined, actor);
  };
  const context = { serveAlias, logger };

  const moveServing: Deployment["moveServing"] = (versionNumber, move, alsoInTransaction) =>
    oneSwapAtATime(async () => {
      const version = await registry.getVersion(modelName, versionNumber);
      const model = await load(version);
      try {
        const request = { name: modelName, alias: serveAlias, version: versionNumber, ...move };
        const event = await stores.transaction(async (tx) => {
          const moved = await moveAlias(tx, request, context);
          await alsoInTransaction?.(tx);
          return moved;
        });
        serve(model, version, move.actor);
        return event;
      } catch (error) {
        await model.retire();
        throw error;
      }
    });

  return {
    modelName,
    serveAlias,
    reload: (actor) =>
      oneSwapAtATime(async () =>
        loadAndServe(await registry.getVersionByAlias(modelName, serveAlias), actor),
      ),
    shadowAlias,
    follow: (actor) =>
      oneSwapAtATime(async () => {
        await followShadow(actor);
        const version = await registry.findVersionByAlias(modelName, serveAlias);
        if (!version || slot.current()?.identity.version === version.version) return version;
        return loadAndServe(version, actor);
      }),
    load,
    async setAlias(name, alias, versionNumber, actor, reason) {
      if (servesAlias(name, alias)) return moveServing(versionNumber, { actor, reason });
      const request = { name, alias, version: versionNumber, actor, reason };
      if (!shadowsAlias(name, alias))
        return stores.transaction((tx) => moveAlias(tx, request, context));
      return oneSwapAtATime(async () => {
        const model = await load(await registry.getVersion(modelName, versionNumber));
        try {
          const event = await stores.transaction((tx) => moveAlias(tx, request, context));
          shadow(model, actor);
          return event;
        } catch (error) {
          await model.retire();
          throw error;
        }
      });
    },
    moveServing,
    async deleteAlias(name, alias, actor) {
      if (servesAlias(name, alias)) {
        throw conflict(
          `Alias ${alias} of ${name} is the one this service serves (KEEL_SERVE_ALIAS); point it at another version instead of deleting it`,
        );
      }
      if (!shadowsAlias(name, alias)) return registry.deleteAlias(name, alias, { actor });
      return oneSwapAtATime(async () => {
        const event = await registry.deleteAlias(name, alias, { actor });
        shadow(undefined, actor);
        return event;
      });
    },
    async registerUpload(name, bytes, actor) {
      const model = await loadOnnxModel(bytes, { identity: { name, version: 0 } });
      await model.retire();
      const version = await registry.createVersion({
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
    loadBytes,
    publish: (commit, actor) =>
      oneSwapAtATime(async () => {
        const { version, model } = await commit();
        serve(model, version, actor);
        return version;
      }),
  };
}
