// PostgreSQL restarted under load, with two real keel replicas on it: /ready
// turns 503 with the reason while /predict keeps answering on the loaded
// model (never a 5xx, never a dropped connection); both reconnect by
// themselves, and an alias move made right after the database is back still
// reaches the replica whose notifications were reconnecting.

import { afterAll, describe, expect, test } from "bun:test";
import { rmSync } from "node:fs";
import {
  canStartPostgres,
  freshDatabase,
  type PostgresServer,
  startPostgresServer,
} from "../helpers/postgres.ts";
import { tempHome, waitFor } from "../http/harness.ts";
import { type KeelProcess, spawnKeel } from "../main/process.ts";
import { ready, SAMPLE, servedVersion, stopAll } from "./replica-helpers.ts";

const homes: string[] = [];
let server: PostgresServer | undefined;
const replicas: KeelProcess[] = [];
afterAll(async () => {
  await stopAll(replicas);
  server?.destroy();
  for (const dir of homes) rmSync(dir, { recursive: true, force: true });
});

/** Posts /predict to every replica in turn until stopped; counts what came back. */
function predictLoad(targets: KeelProcess[]) {
  const outcome = { answered: 0, failures: [] as string[] };
  let going = true;
  const loop = (async () => {
    for (let i = 0; going; i++) {
      const keel = targets[i % targets.length]!;
      try {
        const res = await keel.request("POST", "/predict", SAMPLE);
        if (res.status >= 500) outcome.failures.push(`${res.status} ${await res.text()}`);
        else outcome.answered++;
      } catch (error) {
        outcome.failures.push(`dropped: ${(error as Error).message}`);
      }
      await Bun.sleep(5);
    }
  })();
  return {
    outcome,
    stop: async () => {
      going = false;
      await loop;
      return outcome;
    },
  };
}

const readyStatus = async (keel: KeelProcess) => (await keel.request("GET", "/ready")).status;

// It restarts the server, so it runs on one of its own (PostgreSQL must be installed).
describe.skipIf(!canStartPostgres)("the database going away", () => {
  test("PostgreSQL restarted under load: /ready 503 then 200, /predict never fails, no alias move lost", async () => {
    server = startPostgresServer();
    const databaseUrl = await freshDatabase(server.url);
    const env = { DATABASE_URL: databaseUrl, KEEL_ALGORITHM: "linear", KEEL_LOG_REQUESTS: "0" };
    for (let i = 0; i < 2; i++) {
      const home = tempHome();
      homes.push(home);
      const keel = await spawnKeel(home, env);
      replicas.push(keel);
      await ready(keel);
    }
    const [a, b] = replicas as [KeelProcess, KeelProcess];
    await a.request("POST", "/trigger", {});
    await waitFor(
      async () => ((await servedVersion(b)) === 2 ? true : undefined),
      "version 2 on b",
    );

    const load = predictLoad(replicas);
    await Bun.sleep(300);
    server.stopServer();
    for (const keel of replicas) {
      await waitFor(
        async () => ((await readyStatus(keel)) === 503 ? true : undefined),
        "/ready 503",
        10_000,
      );
    }
    const notReady = await (await a.request("GET", "/ready")).json();
    expect(notReady.error.message).toContain("database is unreachable");
    expect((await a.request("GET", "/models")).status).toBe(503);
    await Bun.sleep(1000);

    server.startServer();
    // The first alias move the database accepts after the restart.
    await waitFor(
      async () =>
        (await a.request("PUT", "/models/weather/aliases/prod", { version: 1 })).status === 200
          ? true
          : undefined,
      "the move to be accepted",
      20_000,
    );
    for (const keel of replicas) {
      await waitFor(
        async () => ((await readyStatus(keel)) === 200 ? true : undefined),
        "/ready 200",
        20_000,
      );
    }
    await waitFor(
      async () => ((await servedVersion(b)) === 1 ? true : undefined),
      "b serving the move",
      10_000,
    );
    const { answered, failures } = await load.stop();
    expect(failures).toEqual([]);
    expect(answered).toBeGreaterThan(100);
  }, 120_000);
});
