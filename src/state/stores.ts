// The three stores keel keeps its state in — registry, tracking, drift — opened
// together on one database (SQLite by default, PostgreSQL for several
// replicas), and the one transaction that can span them.

import type { Cluster } from "../cluster/cluster.ts";
import type { DriftStore } from "../drift/drift-store.ts";
import type { Logger } from "../observability/log.ts";
import type { Registry } from "../registry/registry.ts";
import type { Tracking } from "../tracking/tracking.ts";

export interface StorePorts {
  registry: Registry;
  tracking: Tracking;
  drift: DriftStore;
}

export type Backend = "sqlite" | "postgres";

export interface Stores extends StorePorts {
  backend: Backend;
  /** Where the state is, without credentials: for logs and messages. */
  where: string;
  /**
   * Runs `work` in one transaction over the three stores: everything it wrote
   * commits together, or nothing does. Inside, use only the ports it is given.
   */
  transaction<T>(work: (tx: StorePorts) => Promise<T>): Promise<T>;
  /** Joins the replicas on this database (the service does; the CLI does not). */
  joinCluster(options: { modelName: string; logger: Logger }): Promise<Cluster>;
  close(): Promise<void>;
}
