// The start-up policy: serve what the serving alias points at; on an empty
// database the leader trains the first model while a follower waits for it;
// a registry with versions but no serving alias is left to the operator.

import { expect, test } from "bun:test";
import { bringModelIntoService } from "../../src/service/start-up.ts";
import { registerClassifier } from "../helpers/registered.ts";
import { useServiceReplicas } from "../helpers/service-replica.ts";

const replica = useServiceReplicas();

test("the leader of an empty database trains the first model and serves it", async () => {
  const { service, stores, startUp, events } = await replica({ leading: true });
  await bringModelIntoService(startUp);
  expect(events()).toContain("model.bootstrap");
  await service.retrainer.idle();
  expect(service.slot.current()?.identity).toEqual({ name: "weather", version: 1 });
  expect((await stores.tracking.searchRuns())[0]).toMatchObject({
    trigger: "bootstrap",
    status: "succeeded",
  });
});

test("a follower on an empty database waits for the leader's model and trains nothing", async () => {
  const { service, stores, startUp, events } = await replica({ leading: false });
  await bringModelIntoService(startUp);
  expect(events()).toContain("model.waiting_for_leader");
  expect(service.slot.isReady()).toBe(false);
  expect(await stores.tracking.searchRuns()).toEqual([]);
});

test("versions without a serving alias are left to the operator; an alias is served as it is", async () => {
  const { service, stores, startUp, events } = await replica({ leading: true });
  await registerClassifier(stores.registry);
  await bringModelIntoService(startUp);
  expect(events()).toContain("model.no_alias");
  expect(await stores.tracking.searchRuns()).toEqual([]);
  await stores.registry.setAlias("weather", "prod", 1, { actor: "ops" });
  await bringModelIntoService(startUp);
  expect(events()).toContain("model.loaded");
  expect(service.slot.current()?.identity).toEqual({ name: "weather", version: 1 });
});
