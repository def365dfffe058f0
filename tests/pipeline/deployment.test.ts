// The shadow slot follows the shadow alias as the serving slot follows the
// serving one: a move through the deployment loads the version beside the one
// in service, a move made elsewhere is picked up by follow(), and deleting the
// alias empties the slot. The model in service never changes meanwhile.

import { expect, test } from "bun:test";
import { twoVersionsDeployed } from "../helpers/registered.ts";
import { eachBackend } from "../helpers/store-backends.ts";

eachBackend((backend) => {
  test("the shadow alias loads its version beside the served one, follows moves and empties on delete", async () => {
    const opened = await backend.openStores();
    await opened.join();
    const { slot, shadowSlot, metrics, deployment } = await twoVersionsDeployed(opened.stores);
    await deployment.setAlias("weather", "prod", 1, "ci");
    expect(shadowSlot.current()).toBeUndefined();

    await deployment.setAlias("weather", "shadow", 2, "ci", "try v2 on live traffic");
    expect(shadowSlot.current()?.identity.version).toBe(2);
    expect(slot.current()?.identity.version).toBe(1);
    expect(await metrics.registry.getSingleMetricAsString("keel_shadow_info")).toContain(
      'version="2"',
    );

    // Moved elsewhere (the CLI, another replica): follow() brings the slot in line.
    const cli = await opened.reopen();
    await cli.registry.setAlias("weather", "shadow", 1, { actor: "cli" });
    await deployment.follow("poll");
    expect(shadowSlot.current()?.identity.version).toBe(1);

    await deployment.deleteAlias("weather", "shadow", "ci");
    expect(shadowSlot.current()).toBeUndefined();
    expect(slot.current()?.identity.version).toBe(1);
    expect(await metrics.registry.getSingleMetricAsString("keel_shadow_info")).not.toContain(
      "version=",
    );
  });

  test("a shadow version that does not exist leaves the slot as it was", async () => {
    const opened = await backend.openStores();
    await opened.join();
    const { shadowSlot, deployment } = await twoVersionsDeployed(opened.stores);
    await deployment.setAlias("weather", "shadow", 2, "ci");
    await expect(deployment.setAlias("weather", "shadow", 9, "ci")).rejects.toThrow();
    expect(shadowSlot.current()?.identity.version).toBe(2);
  });
});
