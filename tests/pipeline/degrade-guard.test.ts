// Live quality can roll back: when the version last promoted to the serving
// alias does worse on labelled live traffic than the one it replaced, the
// leader moves the alias back, audited, with a `rollback` run ending in the
// same transaction. A follower never acts, a version put back is never rolled
// forward, and a replica that lost its lock cannot commit the move.

import { expect, test } from "bun:test";
import type { VersionQuality } from "../../src/drift/live-quality.ts";
import { silentLogger } from "../../src/observability/log.ts";
import { createDegradeGuard, ROLLBACK_ACTOR } from "../../src/pipeline/degrade-guard.ts";
import { twoVersionsDeployed } from "../helpers/registered.ts";
import { eachBackend, type OpenedStores } from "../helpers/store-backends.ts";

const worse: VersionQuality[] = [
  { version: 2, labelled_rows: 50, metrics: { accuracy: 0.6, macro_f1: 0.5 } },
  { version: 1, labelled_rows: 50, metrics: { accuracy: 0.9, macro_f1: 0.85 } },
];

/** Versions 1 and 2 registered, prod moved 1 → 2 by a run, 2 in service. */
async function promotedTwice(opened: OpenedStores, replicaId: number, leading: { now: boolean }) {
  const { stores } = opened;
  const { slot, metrics, deployment } = await twoVersionsDeployed(stores);
  await deployment.setAlias("weather", "prod", 1, "ci");
  await deployment.setAlias("weather", "prod", 2, "run:abc");
  const guard = createDegradeGuard({
    stores,
    deployment,
    replica: { replicaId, isLeader: () => leading.now },
    settings: { margin: 0.05, minLabels: 20 },
    metrics,
    logger: silentLogger,
  });
  return { stores, slot, guard };
}

eachBackend((backend) => {
  test("the leader rolls a worse promotion back, audited and recorded as a run; only once", async () => {
    const opened = await backend.openStores();
    const leading = { now: false };
    const { stores, slot, guard } = await promotedTwice(
      opened,
      (await opened.join()).replicaId,
      leading,
    );

    await guard.review(worse);
    expect((await stores.registry.getVersionByAlias("weather", "prod")).version).toBe(2);
    expect(await stores.tracking.searchRuns({ trigger: "rollback" })).toEqual([]);

    leading.now = true;
    await guard.review(worse);
    expect((await stores.registry.getVersionByAlias("weather", "prod")).version).toBe(1);
    expect(slot.current()?.identity.version).toBe(1);
    const [event] = await stores.registry.aliasHistory("weather", "prod");
    expect(event).toMatchObject({ fromVersion: 2, toVersion: 1, actor: ROLLBACK_ACTOR });
    expect(event!.reason).toContain("accuracy of version 2 is 0.6 against 0.9 of version 1");
    const runs = await stores.tracking.searchRuns({ trigger: "rollback" });
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ status: "succeeded", decision: "rolled_back", version: 1 });

    await guard.review(worse);
    expect(await stores.tracking.searchRuns({ trigger: "rollback" })).toHaveLength(1);
  });

  test("too few labels, or a margin not passed, moves nothing", async () => {
    const opened = await backend.openStores();
    const { stores, guard } = await promotedTwice(opened, (await opened.join()).replicaId, {
      now: true,
    });
    await guard.review([
      { ...worse[0]!, labelled_rows: 5 },
      { ...worse[1]!, labelled_rows: 50 },
    ]);
    await guard.review([
      { ...worse[0]!, metrics: { accuracy: 0.88 } },
      { ...worse[1]!, metrics: { accuracy: 0.9 } },
    ]);
    expect((await stores.registry.getVersionByAlias("weather", "prod")).version).toBe(2);
  });
});

eachBackend((backend) => {
  if (backend.name !== "postgres") return;
  test("a leader that lost its lock cannot commit the rollback: the alias stays, the run is left for the new leader", async () => {
    const opened = await backend.openStores();
    const stale = await opened.join();
    const { stores, guard } = await promotedTwice(opened, stale.replicaId, { now: true });
    await stale.leave();
    await guard.review(worse);
    expect((await stores.registry.getVersionByAlias("weather", "prod")).version).toBe(2);
    const [run] = await stores.tracking.searchRuns({ trigger: "rollback" });
    expect(run?.status).toBe("running");
    const next = await opened.join();
    expect(await stores.tracking.failOrphanedRuns("leader gone", next.replicaId)).toEqual([
      run!.id,
    ]);
  });
});
