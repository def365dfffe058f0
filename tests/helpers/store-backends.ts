// The store contract runs against both backends: SQLite on a real file in a
// temp dir, PostgreSQL on a fresh database of a real server. `eachBackend`
// repeats a suite per backend; `openStores` there gives that backend's stores
// (closed after each test) and `reopen` the same state through a new
// connection, as a restart or a second replica would see it.

import { afterEach, describe } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Cluster } from "../../src/cluster/cluster.ts";
import { silentLogger } from "../../src/observability/log.ts";
import { openStores as open } from "../../src/state/open-stores.ts";
import type { Backend, Stores } from "../../src/state/stores.ts";
import { freshDatabase, hasPostgres } from "./postgres.ts";

export interface BackendUnderTest {
  name: Backend;
  /** Fresh, empty stores. */
  openStores(): Promise<OpenedStores>;
}

export interface OpenedStores {
  stores: Stores;
  home: string;
  databaseUrl?: string;
  /** The same state through new connections (and a new KEEL_HOME cache when on PostgreSQL). */
  reopen(): Promise<Stores>;
  /** Joins the cluster as a replica of model "weather" (it owns the runs it starts); left after the test. */
  join(stores?: Stores): Promise<Cluster>;
}

export function eachBackend(suite: (backend: BackendUnderTest) => void): void {
  const opened: Stores[] = [];
  const joined: Cluster[] = [];
  const homes: string[] = [];
  afterEach(async () => {
    for (const cluster of joined.splice(0)) await cluster.leave();
    for (const stores of opened.splice(0)) await stores.close().catch(() => undefined);
    for (const home of homes.splice(0)) rmSync(home, { recursive: true, force: true });
  });
  const tempHome = () => {
    const home = mkdtempSync(join(tmpdir(), "keel-stores-"));
    homes.push(home);
    return home;
  };
  const track = async (stores: Promise<Stores>) => {
    const s = await stores;
    opened.push(s);
    return s;
  };
  const joiner =
    (first: Stores) =>
    async (stores: Stores = first) => {
      const cluster = await stores.joinCluster({ modelName: "weather", logger: silentLogger });
      joined.push(cluster);
      return cluster;
    };

  describe("sqlite", () => {
    suite({
      name: "sqlite",
      async openStores() {
        const home = tempHome();
        const stores = await track(open({ home }));
        return { stores, home, reopen: () => track(open({ home })), join: joiner(stores) };
      },
    });
  });
  describe.skipIf(!hasPostgres)("postgres", () => {
    suite({
      name: "postgres",
      async openStores() {
        const databaseUrl = await freshDatabase();
        const home = tempHome();
        const stores = await track(open({ home, databaseUrl }));
        return {
          stores,
          home,
          databaseUrl,
          reopen: () => track(open({ home: tempHome(), databaseUrl })),
          join: joiner(stores),
        };
      },
    });
  });
}
