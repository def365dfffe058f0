// How one keel process coordinates with the other replicas on the same
// database: who it is (runs are owned by a replica), whether it leads (the
// leader runs the cron jobs, the drift checks, the bootstrap training and
// fails the runs of replicas that are gone), when an alias moved somewhere,
// and whether the shared database is reachable. On SQLite one process is the
// whole cluster (single-process.ts); on PostgreSQL see postgres-cluster.ts.

export interface AliasMoved {
  /** The model and alias that moved; both undefined after a reconnect (anything may have moved). */
  model?: string;
  alias?: string;
}

export type StoreHealth = { ok: true } | { ok: false; reason: string };

export interface Cluster {
  /** This replica's id: the owner of the runs it starts. */
  readonly replicaId: number;
  isLeader(): boolean;
  /** Calls `listener` each time this replica gains (true) or loses (false) the lead. */
  onLeadership(listener: (leading: boolean) => void): void;
  /** Calls `listener` when an alias moved on any replica, and when the notifications (re)connect. */
  onAliasMoved(listener: (moved: AliasMoved) => void): void;
  /** Whether the database is reachable now, and why not. */
  health(): StoreHealth;
  /** Gives up the lead and the replica's lock (shutdown). */
  leave(): Promise<void>;
}
