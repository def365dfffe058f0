// The leader's duties: a follower that takes the lead with nothing served
// trains the first model (its leader died during it), runs left by a gone
// replica are failed on taking the lead, and the periodic checks run only
// while this replica leads.

import { expect, test } from "bun:test";
import { startLeaderDuties } from "../../src/service/leader-duties.ts";
import { useServiceReplicas } from "../helpers/service-replica.ts";
import { waitFor } from "../http/harness.ts";

const replica = useServiceReplicas();

test("taking the lead with nothing served fails the dead leader's run and trains the first model", async () => {
  const follower = await replica({ leading: false });
  const { stores, service } = follower;
  const orphan = await stores.tracking.startTrainingRun({
    modelName: "weather",
    trigger: "bootstrap",
    owner: follower.cluster.replicaId + 1,
  });
  const duties = startLeaderDuties({ ...follower.startUp, slot: service.slot });
  try {
    follower.lead(true);
    await waitFor(() => service.slot.current() || undefined, "a model in service", 30_000);
    expect((await stores.tracking.getRun(orphan.run.id)).status).toBe("failed");
    const [bootstrap] = await stores.tracking.searchRuns({ status: "succeeded" });
    expect(bootstrap).toMatchObject({ trigger: "bootstrap", version: 1 });
  } finally {
    duties.stop();
  }
});

test("the periodic checks run while this replica leads, and stop when it follows", async () => {
  const leader = await replica({ leading: true });
  let checks = 0;
  const duties = startLeaderDuties({
    ...leader.startUp,
    slot: leader.service.slot,
    checks: [async () => void checks++],
    everyMs: 20,
  });
  try {
    await waitFor(() => checks >= 3 || undefined, "three checks", 2000);
    leader.lead(false);
    const seen = checks;
    await Bun.sleep(100);
    expect(checks).toBeLessThanOrEqual(seen + 1);
  } finally {
    duties.stop();
  }
});
