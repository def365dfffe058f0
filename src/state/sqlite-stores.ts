// The stores on one SQLite file under KEEL_HOME (the embedded default), with
// artifacts as files beside it, or in S3 when KEEL_ARTIFACT_URL says so.

import { join } from "node:path";
import { singleProcessCluster } from "../cluster/single-process.ts";
import { createSqliteDriftStore } from "../drift/sqlite-drift-store.ts";
import type { ArtifactStore } from "../registry/artifacts.ts";
import { createSqliteRegistry } from "../registry/sqlite-registry.ts";
import { openStore } from "../store/sqlite.ts";
import { createSqliteGate, ungated } from "../store/sqlite-gate.ts";
import { createSqliteTracking } from "../tracking/sqlite-tracking.ts";
import type { StorePorts, Stores } from "./stores.ts";

export function openSqliteStores(options: { path: string; artifacts: ArtifactStore }): Stores {
  const db = openStore(options.path);
  const gate = createSqliteGate();
  const registry = createSqliteRegistry({ db, artifacts: options.artifacts });
  const tracking = createSqliteTracking({ db });
  const drift = createSqliteDriftStore(db);
  const txPorts: StorePorts = {
    registry: ungated(registry),
    tracking: ungated(tracking),
    drift: ungated(drift),
  };
  return {
    backend: "sqlite",
    where: options.path,
    registry: gate.wrap(registry),
    tracking: gate.wrap(tracking),
    drift: gate.wrap(drift),
    transaction: (work) => gate.transaction(db, () => work(txPorts)),
    joinCluster: async () => singleProcessCluster(),
    async close() {
      // Waits for the gate, so an operation in flight finishes before the file closes.
      await gate.wrap({ close: () => db.close() }).close();
    },
  };
}

export const sqlitePath = (home: string) => join(home, "keel.db");
