// The registry contract, on SQLite and on PostgreSQL alike: version numbering
// (also when two replicas register at once), what a version keeps, aliases
// with an audit trail, the fixed-shape 404s of MLflow, transactions, and
// durability across a reopen.

import { describe, expect, test } from "bun:test";
import type { Registry } from "../../src/registry/registry.ts";
import { inspectOnnx } from "../../src/serving/inspect.ts";
import { caughtAppError } from "../helpers/app-error.ts";
import { skl2onnxClassifier } from "../helpers/onnx-models.ts";
import { eachBackend } from "../helpers/store-backends.ts";

/** Registers a real ONNX classifier; `bias` makes each one's bytes distinct. */
function register(registry: Registry, modelName: string, bias = 0) {
  const onnx = skl2onnxClassifier({ bias });
  return registry.createVersion({
    modelName,
    onnx,
    signature: inspectOnnx(onnx).signature,
    metrics: { log_loss: 0.4 + bias },
    algorithm: "skl2onnx",
    source: "uploaded",
  });
}

eachBackend((backend) => {
  describe("versions", () => {
    test("are numbered per model from 1", async () => {
      const { registry } = (await backend.openStores()).stores;
      expect((await register(registry, "weather", 0)).version).toBe(1);
      expect((await register(registry, "weather", 1)).version).toBe(2);
      expect((await register(registry, "iris", 2)).version).toBe(1);
      expect((await register(registry, "weather", 3)).version).toBe(3);
      expect((await registry.searchVersions("weather")).map((v) => v.version)).toEqual([3, 2, 1]);
      expect((await registry.getModel("weather")).latestVersion).toBe(3);
      expect((await registry.searchModels()).map((m) => m.name)).toEqual(["iris", "weather"]);
    });

    test("two replicas registering at once both succeed, with different numbers", async () => {
      const opened = await backend.openStores();
      const other = await opened.reopen();
      const versions = await Promise.all(
        Array.from({ length: 6 }, (_, i) =>
          register(i % 2 ? other.registry : opened.stores.registry, "weather", i),
        ),
      );
      expect(versions.map((v) => v.version).toSorted()).toEqual([1, 2, 3, 4, 5, 6]);
      const listed = await opened.stores.registry.searchVersions("weather");
      expect(listed.map((v) => v.version)).toEqual([6, 5, 4, 3, 2, 1]);
    });

    test("keep what they were registered with", async () => {
      const { registry } = (await backend.openStores()).stores;
      const onnx = skl2onnxClassifier();
      const signature = inspectOnnx(onnx).signature;
      const created = await registry.createVersion({
        modelName: "weather",
        onnx,
        signature,
        metrics: { log_loss: 0.31, macro_f1: 0.8 },
        algorithm: "logistic_regression",
        runId: "run-1",
        source: "trained",
      });
      expect(await registry.getVersion("weather", 1)).toEqual(created);
      expect(created).toMatchObject({
        modelName: "weather",
        signature,
        metrics: { log_loss: 0.31, macro_f1: 0.8 },
        algorithm: "logistic_regression",
        runId: "run-1",
        source: "trained",
        aliases: [],
        sizeBytes: onnx.byteLength,
      });
      expect(created.sha256).toBe(new Bun.CryptoHasher("sha256").update(onnx).digest("hex"));
      expect(Number.isNaN(Date.parse(created.createdAt))).toBe(false);
    });

    test("readArtifact returns the registered bytes", async () => {
      const { registry } = (await backend.openStores()).stores;
      const version = await register(registry, "weather", 0.5);
      expect(await registry.readArtifact(version)).toEqual(skl2onnxClassifier({ bias: 0.5 }));
    });
  });

  describe("aliases", () => {
    test("setAlias points the alias at a version and records who moved it and why", async () => {
      const { registry } = (await backend.openStores()).stores;
      await register(registry, "weather", 0);
      const event = await registry.setAlias("weather", "prod", 1, {
        actor: "ci",
        reason: "first model",
      });
      expect(event).toMatchObject({
        modelName: "weather",
        alias: "prod",
        fromVersion: null,
        toVersion: 1,
        actor: "ci",
        reason: "first model",
      });
      expect((await registry.getVersionByAlias("weather", "prod")).version).toBe(1);
      expect((await registry.getVersion("weather", 1)).aliases).toEqual(["prod"]);
      expect((await registry.getModel("weather")).aliases).toEqual({ prod: 1 });
    });

    test("moving an alias again records the previous version as from", async () => {
      const { registry } = (await backend.openStores()).stores;
      await register(registry, "weather", 0);
      await register(registry, "weather", 1);
      await registry.setAlias("weather", "prod", 1, { actor: "ci" });
      const event = await registry.setAlias("weather", "prod", 2, {
        actor: "alice",
        reason: "better",
      });
      expect(event).toMatchObject({
        fromVersion: 1,
        toVersion: 2,
        actor: "alice",
        reason: "better",
      });
      expect((await registry.getVersionByAlias("weather", "prod")).version).toBe(2);
      expect((await registry.getVersion("weather", 1)).aliases).toEqual([]);
      const history = await registry.aliasHistory("weather", "prod");
      expect(history.map((e) => [e.fromVersion, e.toVersion])).toEqual([
        [1, 2],
        [null, 1],
      ]);
    });

    test("deleteAlias removes the alias and records to=null", async () => {
      const { registry } = (await backend.openStores()).stores;
      await register(registry, "weather");
      await registry.setAlias("weather", "staging", 1, { actor: "ci" });
      const event = await registry.deleteAlias("weather", "staging", {
        actor: "bob",
        reason: "retired",
      });
      expect(event).toMatchObject({
        fromVersion: 1,
        toVersion: null,
        actor: "bob",
        reason: "retired",
      });
      expect(await registry.findVersionByAlias("weather", "staging")).toBeUndefined();
      expect((await registry.getModel("weather")).aliases).toEqual({});
    });

    test("an event without a reason records reason null", async () => {
      const { registry } = (await backend.openStores()).stores;
      await register(registry, "weather");
      expect((await registry.setAlias("weather", "prod", 1, { actor: "ci" })).reason).toBeNull();
    });

    test.each(["", "1prod", "has space", "a/b", "x".repeat(65)])(
      "an invalid alias name %p is refused with 400",
      async (alias) => {
        const { registry } = (await backend.openStores()).stores;
        await register(registry, "weather");
        const error = await caughtAppError(() =>
          registry.setAlias("weather", alias, 1, { actor: "ci" }),
        );
        expect(error.code).toBe("BAD_REQUEST");
        expect(await registry.aliasHistory("weather")).toEqual([]);
      },
    );

    test("findVersionByAlias answers undefined for an unknown model or alias", async () => {
      const { registry } = (await backend.openStores()).stores;
      await register(registry, "weather");
      expect(await registry.findVersionByAlias("nope", "prod")).toBeUndefined();
      expect(await registry.findVersionByAlias("weather", "prod")).toBeUndefined();
    });
  });

  describe("unknown things are 404s with fixed-shape messages", () => {
    const cases: [string, (r: Registry) => Promise<unknown>, string, string][] = [
      [
        "getVersion of an unknown version",
        (r) => r.getVersion("weather", 3),
        "MODEL_VERSION_NOT_FOUND",
        "Model version (name=weather, version=3) not found",
      ],
      [
        "getVersion of an unknown model",
        (r) => r.getVersion("nope", 1),
        "MODEL_NOT_FOUND",
        "Registered model (name=nope) not found",
      ],
      [
        "getModel of an unknown model",
        (r) => r.getModel("nope"),
        "MODEL_NOT_FOUND",
        "Registered model (name=nope) not found",
      ],
      [
        "searchVersions of an unknown model",
        (r) => r.searchVersions("nope"),
        "MODEL_NOT_FOUND",
        "Registered model (name=nope) not found",
      ],
      [
        "getVersionByAlias of an unknown alias",
        (r) => r.getVersionByAlias("weather", "prod"),
        "ALIAS_NOT_FOUND",
        "Alias (name=weather, alias=prod) not found",
      ],
      [
        "setAlias to an unknown version",
        (r) => r.setAlias("weather", "prod", 3, { actor: "ci" }),
        "MODEL_VERSION_NOT_FOUND",
        "Model version (name=weather, version=3) not found",
      ],
      [
        "setAlias on an unknown model",
        (r) => r.setAlias("nope", "prod", 1, { actor: "ci" }),
        "MODEL_NOT_FOUND",
        "Registered model (name=nope) not found",
      ],
      [
        "deleteAlias of an unknown alias",
        (r) => r.deleteAlias("weather", "prod", { actor: "ci" }),
        "ALIAS_NOT_FOUND",
        "Alias (name=weather, alias=prod) not found",
      ],
      [
        "aliasHistory of an unknown model",
        (r) => r.aliasHistory("nope"),
        "MODEL_NOT_FOUND",
        "Registered model (name=nope) not found",
      ],
    ];

    test.each(cases)("%s", async (_, action, code, message) => {
      const { registry } = (await backend.openStores()).stores;
      await register(registry, "weather");
      const error = await caughtAppError(() => action(registry));
      expect(error.code).toBe(code as typeof error.code);
      expect(error.message).toBe(message);
    });
  });

  describe("transactions", () => {
    test("a version, an alias move and a run's end commit together", async () => {
      const opened = await backend.openStores();
      const { stores } = opened;
      const owner = (await opened.join()).replicaId;
      const run = await stores.tracking.createRun({ modelName: "weather", trigger: "ci", owner });
      const version = await stores.transaction(async (tx) => {
        const v = await register(tx.registry, "weather");
        await tx.registry.setAlias("weather", "prod", v.version, { actor: `run:${run.id}` });
        await tx.tracking.finishRun(run.id, { status: "succeeded", version: v.version });
        return v;
      });
      expect((await stores.registry.getVersionByAlias("weather", "prod")).version).toBe(
        version.version,
      );
      expect((await stores.tracking.getRun(run.id)).status).toBe("succeeded");
    });

    test("a transaction that throws leaves nothing behind", async () => {
      const opened = await backend.openStores();
      const { stores } = opened;
      const owner = (await opened.join()).replicaId;
      await register(stores.registry, "weather", 0);
      const run = await stores.tracking.createRun({ modelName: "weather", trigger: "ci", owner });
      const failure = stores.transaction(async (tx) => {
        const v = await register(tx.registry, "weather", 1);
        await tx.registry.setAlias("weather", "prod", v.version, { actor: "ci" });
        await tx.tracking.finishRun(run.id, { status: "succeeded", version: v.version });
        throw new Error("crash before commit");
      });
      await expect(failure).rejects.toThrow("crash before commit");
      expect((await stores.registry.searchVersions("weather")).map((v) => v.version)).toEqual([1]);
      expect(await stores.registry.findVersionByAlias("weather", "prod")).toBeUndefined();
      expect(await stores.registry.aliasHistory("weather")).toEqual([]);
      expect((await stores.tracking.getRun(run.id)).status).toBe("running");
      // The numbering goes on from the committed versions.
      expect((await register(stores.registry, "weather", 2)).version).toBe(2);
    });
  });

  describe("durability", () => {
    test("a reopened database sees the same versions, aliases and history", async () => {
      const opened = await backend.openStores();
      const first = opened.stores.registry;
      await register(first, "weather", 0);
      await register(first, "weather", 1);
      await first.setAlias("weather", "prod", 1, { actor: "ci" });
      await first.setAlias("weather", "prod", 2, { actor: "ci" });
      await first.setAlias("weather", "staging", 1, { actor: "ci" });
      const versions = await first.searchVersions("weather");
      const history = await first.aliasHistory("weather");

      const second = (await opened.reopen()).registry;
      expect(await second.searchVersions("weather")).toEqual(versions);
      expect((await second.getModel("weather")).aliases).toEqual({ prod: 2, staging: 1 });
      expect(await second.aliasHistory("weather")).toEqual(history);
      const prod = await second.getVersionByAlias("weather", "prod");
      expect(await second.readArtifact(prod)).toEqual(skl2onnxClassifier({ bias: 1 }));
      expect((await register(second, "weather", 2)).version).toBe(3);
    });
  });
});
