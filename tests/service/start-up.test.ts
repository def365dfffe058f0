// The start-up policy: serve what the serving alias points at; on an empty
// database the leader trains the first model while a follower waits for it;
// a registry with versions but no serving alias is left to the operator.

import { afterEach, expect, test } from "bun:test";
import type { Cluster } from "../../src/cluster/cluster.ts";
import { loadConfig } from "../../src/config.ts";
import { createLogger, silentLogger } from "../../src/observability/log.ts";
import { buildService, type Service } from "../../src/service/graph.ts";
import { bringModelIntoService } from "../../src/service/start-up.ts";
import { inspectOnnx } from "../../src/serving/inspect.ts";
import { openStores } from "../../src/state/open-stores.ts";
import type { Stores } from "../../src/state/stores.ts";
import { skl2onnxClassifier } from "../helpers/onnx-models.ts";
import { useTempDirs } from "../helpers/temp-dir.ts";

const tempDir = useTempDirs("keel-start-up-");
const services: { service: Service; stores: Stores }[] = [];
afterEach(async () => {
  for (const { service, stores } of services.splice(0)) {
    service.scheduler.stop();
    await service.retrainer.idle();
    await service.window.stop();
    await stores.close();
  }
});

/** The service graph on fresh SQLite stores, as a replica that leads or follows; its log lines. */
async function replica(leading: boolean) {
  const home = tempDir();
  const stores = await openStores({ home });
  const joined = await stores.joinCluster({ modelName: "weather", logger: silentLogger });
  const cluster: Cluster = { ...joined, replicaId: joined.replicaId, isLeader: () => leading };
  const events: string[] = [];
  const logger = createLogger({
    level: "info",
    write: (text) => {
      for (const line of text.trim().split("\n")) events.push(JSON.parse(line).event);
    },
  });
  const config = loadConfig({ KEEL_HOME: home, KEEL_ALGORITHM: "linear" });
  const service = buildService({
    config,
    stores,
    cluster,
    spec: undefined,
    modelName: "weather",
    logger,
  });
  services.push({ service, stores });
  const startUp = async () => {
    await bringModelIntoService({
      stores,
      cluster,
      deployment: service.deployment,
      retrainer: service.retrainer,
      logger,
    });
    logger.flush();
  };
  return { stores, service, events, startUp };
}

test("the leader of an empty database trains the first model and serves it", async () => {
  const { service, stores, events, startUp } = await replica(true);
  await startUp();
  expect(events).toContain("model.bootstrap");
  await service.retrainer.idle();
  expect(service.slot.current()?.identity).toEqual({ name: "weather", version: 1 });
  expect((await stores.tracking.searchRuns())[0]).toMatchObject({
    trigger: "bootstrap",
    status: "succeeded",
  });
});

test("a follower on an empty database waits for the leader's model and trains nothing", async () => {
  const { service, stores, events, startUp } = await replica(false);
  await startUp();
  expect(events).toContain("model.waiting_for_leader");
  expect(service.slot.isReady()).toBe(false);
  expect(await stores.tracking.searchRuns()).toEqual([]);
});

test("versions without a serving alias are left to the operator; an alias is served as it is", async () => {
  const { service, stores, events, startUp } = await replica(true);
  const onnx = skl2onnxClassifier();
  await stores.registry.createVersion({
    modelName: "weather",
    onnx,
    signature: inspectOnnx(onnx).signature,
    source: "uploaded",
  });
  await startUp();
  expect(events).toContain("model.no_alias");
  expect(await stores.tracking.searchRuns()).toEqual([]);
  await stores.registry.setAlias("weather", "prod", 1, { actor: "ops" });
  await startUp();
  expect(events).toContain("model.loaded");
  expect(service.slot.current()?.identity).toEqual({ name: "weather", version: 1 });
});
