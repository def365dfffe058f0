// The drift reference follows the version in service: moving the serving
// alias (in its transaction) activates that version's training reference; an
// upload without one keeps the reference that was active; other aliases
// leave the reference alone. On both backends.

import { expect, test } from "bun:test";
import { followServedVersion } from "../../src/drift/follow-serving.ts";
import { silentLogger } from "../../src/observability/log.ts";
import { moveAlias } from "../../src/pipeline/move-alias.ts";
import type { Stores } from "../../src/state/stores.ts";
import { registerClassifier } from "../helpers/registered.ts";
import { eachBackend } from "../helpers/store-backends.ts";

async function twoVersions(stores: Stores) {
  await registerClassifier(stores.registry, 0, "trained");
  await registerClassifier(stores.registry, 1, "uploaded");
  return stores.drift.saveReference({
    modelName: "weather",
    version: 1,
    source: "training",
    rows: 10,
    profile: new Uint8Array([1]),
  });
}

const move = (stores: Stores, alias: string, version: number) =>
  stores.transaction((tx) =>
    moveAlias(
      tx,
      { name: "weather", alias, version, actor: "test" },
      {
        serveAlias: "prod",
        logger: silentLogger,
      },
    ),
  );

eachBackend((backend) => {
  test("moving the serving alias activates that version's training reference from the move", async () => {
    const { stores } = await backend.openStores();
    const reference = await twoVersions(stores);
    const before = Date.now();
    await move(stores, "prod", 1);
    const active = (await stores.drift.activeReference("weather"))!;
    expect(active.id).toBe(reference.id);
    expect(active.activatedAt).toBeGreaterThanOrEqual(before);
  });

  test("a version without a training reference keeps the active one; another alias changes nothing", async () => {
    const { stores } = await backend.openStores();
    const reference = await twoVersions(stores);
    await move(stores, "prod", 1);
    const activated = (await stores.drift.activeReference("weather"))!.activatedAt;
    await move(stores, "staging", 2);
    await move(stores, "prod", 2);
    const active = (await stores.drift.activeReference("weather"))!;
    expect(active.id).toBe(reference.id);
    expect(active.activatedAt).toBe(activated);
  });

  test("the outcome says what happened", async () => {
    const { stores } = await backend.openStores();
    const at = Date.now();
    expect(await followServedVersion(stores.drift, "weather", 1, at)).toEqual({ outcome: "none" });
    const reference = await twoVersions(stores);
    expect(await followServedVersion(stores.drift, "weather", 1, at)).toEqual({
      outcome: "activated",
      referenceId: reference.id,
    });
    expect(await followServedVersion(stores.drift, "weather", 1, at + 1)).toEqual({
      outcome: "already_active",
      referenceId: reference.id,
    });
    expect(await followServedVersion(stores.drift, "weather", 2, at + 2)).toEqual({
      outcome: "kept",
      referenceVersion: 1,
    });
  });
});
