// The cluster of one: with SQLite the process is the only replica, always the
// leader, and learns of its own alias moves directly (a move made by the CLI
// on the same file is picked up by the alias poll).

import type { Cluster } from "./cluster.ts";

export function singleProcessCluster(): Cluster {
  const replicaId = crypto.getRandomValues(new Uint32Array(1))[0]! & 0x7fffffff;
  return {
    replicaId,
    isLeader: () => true,
    onLeadership: () => {},
    onAliasMoved: () => {},
    health: () => ({ ok: true }),
    leave: async () => {},
  };
}
