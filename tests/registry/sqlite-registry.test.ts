// The registry over a real SQLite file and a real artifact directory: version
// numbering, durable content-addressed artifacts, aliases with an audit trail,
// and the fixed-shape 404s of MLflow.

import type { Database } from "bun:sqlite";
import { describe, expect, test } from "bun:test";
import { createHash } from "node:crypto";
import { readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createArtifactStore } from "../../src/registry/artifacts.ts";
import type { Registry } from "../../src/registry/registry.ts";
import { createSqliteRegistry } from "../../src/registry/sqlite-registry.ts";
import { inspectOnnx } from "../../src/serving/inspect.ts";
import { openStore } from "../../src/store/sqlite.ts";
import { caughtAppError } from "../helpers/app-error.ts";
import { skl2onnxClassifier } from "../helpers/onnx-models.ts";
import { useTempDirs } from "../helpers/temp-dir.ts";

const tempDir = useTempDirs("keel-registry-");

interface Opened {
  home: string;
  db: Database;
  registry: Registry;
  artifactsDir: string;
}

function openRegistry(home = tempDir()): Opened {
  const db = openStore(join(home, "keel.db"));
  const artifactsDir = join(home, "artifacts");
  const registry = createSqliteRegistry({ db, artifacts: createArtifactStore(artifactsDir) });
  return { home, db, registry, artifactsDir };
}

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

const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

describe("versions", () => {
  test("are numbered per model from 1", () => {
    const { registry, db } = openRegistry();
    expect(register(registry, "weather", 0).version).toBe(1);
    expect(register(registry, "weather", 1).version).toBe(2);
    expect(register(registry, "iris", 2).version).toBe(1);
    expect(register(registry, "weather", 3).version).toBe(3);
    expect(registry.searchVersions("weather").map((v) => v.version)).toEqual([3, 2, 1]);
    expect(registry.getModel("weather").latestVersion).toBe(3);
    expect(registry.searchModels().map((m) => m.name)).toEqual(["iris", "weather"]);
    db.close();
  });

  test("keep what they were registered with", () => {
    const { registry, db } = openRegistry();
    const onnx = skl2onnxClassifier();
    const signature = inspectOnnx(onnx).signature;
    const created = registry.createVersion({
      modelName: "weather",
      onnx,
      signature,
      metrics: { log_loss: 0.31, macro_f1: 0.8 },
      algorithm: "logistic_regression",
      runId: "run-1",
      source: "trained",
    });
    expect(registry.getVersion("weather", 1)).toEqual(created);
    expect(created).toMatchObject({
      modelName: "weather",
      signature,
      metrics: { log_loss: 0.31, macro_f1: 0.8 },
      algorithm: "logistic_regression",
      runId: "run-1",
      source: "trained",
      aliases: [],
    });
    db.close();
  });

  test("each artifact is on disk under the artifacts dir with the recorded sha256 and size", () => {
    const { registry, db, artifactsDir } = openRegistry();
    for (const bias of [0, 1]) {
      const version = register(registry, "weather", bias);
      const onDisk = readFileSync(join(artifactsDir, version.artifactPath));
      expect(onDisk.equals(skl2onnxClassifier({ bias }))).toBe(true);
      expect(version.sha256).toBe(sha256(onDisk));
      expect(version.sizeBytes).toBe(statSync(join(artifactsDir, version.artifactPath)).size);
    }
    db.close();
  });

  test("no temp file is left behind in the artifacts dir", () => {
    const { registry, db, artifactsDir } = openRegistry();
    register(registry, "weather", 0);
    register(registry, "weather", 1);
    register(registry, "weather", 0);
    const files = readdirSync(artifactsDir);
    expect(files.filter((f) => f.endsWith(".tmp"))).toEqual([]);
    expect(files.every((f) => f.endsWith(".onnx"))).toBe(true);
    db.close();
  });

  test("readArtifact returns the registered bytes", async () => {
    const { registry, db } = openRegistry();
    const version = register(registry, "weather", 0.5);
    expect(await registry.readArtifact(version)).toEqual(skl2onnxClassifier({ bias: 0.5 }));
    db.close();
  });

  test("readArtifact fails with ARTIFACT_CORRUPT when the file was changed on disk", async () => {
    const { registry, db, artifactsDir } = openRegistry();
    const version = register(registry, "weather");
    const path = join(artifactsDir, version.artifactPath);
    const bytes = readFileSync(path);
    bytes[bytes.length - 1] ^= 0xff;
    writeFileSync(path, bytes);
    const error = await caughtAppError(() => registry.readArtifact(version));
    expect(error.code).toBe("ARTIFACT_CORRUPT");
    expect(error.message).toContain(version.sha256);
    db.close();
  });

  test("readArtifact fails with ARTIFACT_CORRUPT when the file was deleted", async () => {
    const { registry, db, artifactsDir } = openRegistry();
    const version = register(registry, "weather");
    rmSync(join(artifactsDir, version.artifactPath));
    const error = await caughtAppError(() => registry.readArtifact(version));
    expect(error.code).toBe("ARTIFACT_CORRUPT");
    expect(error.message).toContain("missing");
    db.close();
  });
});

describe("aliases", () => {
  test("setAlias points the alias at a version and records who moved it and why", () => {
    const { registry, db } = openRegistry();
    register(registry, "weather", 0);
    const event = registry.setAlias("weather", "prod", 1, { actor: "ci", reason: "first model" });
    expect(event).toMatchObject({
      modelName: "weather",
      alias: "prod",
      fromVersion: null,
      toVersion: 1,
      actor: "ci",
      reason: "first model",
    });
    expect(registry.getVersionByAlias("weather", "prod").version).toBe(1);
    expect(registry.getVersion("weather", 1).aliases).toEqual(["prod"]);
    expect(registry.getModel("weather").aliases).toEqual({ prod: 1 });
    db.close();
  });

  test("moving an alias again records the previous version as from", () => {
    const { registry, db } = openRegistry();
    register(registry, "weather", 0);
    register(registry, "weather", 1);
    registry.setAlias("weather", "prod", 1, { actor: "ci" });
    const event = registry.setAlias("weather", "prod", 2, { actor: "alice", reason: "better" });
    expect(event).toMatchObject({ fromVersion: 1, toVersion: 2, actor: "alice", reason: "better" });
    expect(registry.getVersionByAlias("weather", "prod").version).toBe(2);
    expect(registry.getVersion("weather", 1).aliases).toEqual([]);
    expect(
      registry.aliasHistory("weather", "prod").map((e) => [e.fromVersion, e.toVersion]),
    ).toEqual([
      [1, 2],
      [null, 1],
    ]);
    db.close();
  });

  test("deleteAlias removes the alias and records to=null", () => {
    const { registry, db } = openRegistry();
    register(registry, "weather");
    registry.setAlias("weather", "staging", 1, { actor: "ci" });
    const event = registry.deleteAlias("weather", "staging", { actor: "bob", reason: "retired" });
    expect(event).toMatchObject({
      fromVersion: 1,
      toVersion: null,
      actor: "bob",
      reason: "retired",
    });
    expect(registry.findVersionByAlias("weather", "staging")).toBeUndefined();
    expect(registry.getModel("weather").aliases).toEqual({});
    db.close();
  });

  test("an event without a reason records reason null", () => {
    const { registry, db } = openRegistry();
    register(registry, "weather");
    expect(registry.setAlias("weather", "prod", 1, { actor: "ci" }).reason).toBeNull();
    db.close();
  });

  test.each(["", "1prod", "has space", "a/b", "x".repeat(65)])(
    "an invalid alias name %p is refused with 400",
    async (alias) => {
      const { registry, db } = openRegistry();
      register(registry, "weather");
      const error = await caughtAppError(() =>
        registry.setAlias("weather", alias, 1, { actor: "ci" }),
      );
      expect(error.status).toBe(400);
      expect(error.code).toBe("BAD_REQUEST");
      expect(registry.aliasHistory("weather")).toEqual([]);
      db.close();
    },
  );

  test("findVersionByAlias answers undefined for an unknown model or alias", () => {
    const { registry, db } = openRegistry();
    register(registry, "weather");
    expect(registry.findVersionByAlias("nope", "prod")).toBeUndefined();
    expect(registry.findVersionByAlias("weather", "prod")).toBeUndefined();
    db.close();
  });
});

describe("unknown things are 404s with fixed-shape messages", () => {
  const cases: [string, (r: Registry) => unknown, string, string][] = [
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
    const { registry, db } = openRegistry();
    register(registry, "weather");
    const error = await caughtAppError(() => action(registry));
    expect(error.status).toBe(404);
    expect(error.code).toBe(code as typeof error.code);
    expect(error.message).toBe(message);
    db.close();
  });
});

describe("durability", () => {
  test("a reopened database sees the same versions, aliases and history", async () => {
    const first = openRegistry();
    register(first.registry, "weather", 0);
    register(first.registry, "weather", 1);
    first.registry.setAlias("weather", "prod", 1, { actor: "ci" });
    first.registry.setAlias("weather", "prod", 2, { actor: "ci" });
    first.registry.setAlias("weather", "staging", 1, { actor: "ci" });
    const versions = first.registry.searchVersions("weather");
    const history = first.registry.aliasHistory("weather");
    first.db.close();

    const second = openRegistry(first.home);
    expect(second.registry.searchVersions("weather")).toEqual(versions);
    expect(second.registry.getModel("weather").aliases).toEqual({ prod: 2, staging: 1 });
    expect(second.registry.aliasHistory("weather")).toEqual(history);
    const prod = second.registry.getVersionByAlias("weather", "prod");
    expect(await second.registry.readArtifact(prod)).toEqual(skl2onnxClassifier({ bias: 1 }));
    expect(register(second.registry, "weather", 2).version).toBe(3);
    second.db.close();
  });
});
