// The service graph of one replica on fresh SQLite stores, in this process,
// with its lead in the test's hands (`lead(true|false)` tells the service as
// the cluster would) and the events it logged. Stopped after each test.

import { afterEach } from "bun:test";
import type { Cluster } from "../../src/cluster/cluster.ts";
import { loadConfig } from "../../src/config.ts";
import { createLogger, silentLogger } from "../../src/observability/log.ts";
import { buildService, type Service } from "../../src/service/graph.ts";
import type { StartUpDeps } from "../../src/service/start-up.ts";
import { openStores } from "../../src/state/open-stores.ts";
import type { Stores } from "../../src/state/stores.ts";
import { useTempDirs } from "./temp-dir.ts";

export interface ServiceReplica {
  stores: Stores;
  service: Service;
  cluster: Cluster;
  /** What start-up.ts and leader-duties.ts are given. */
  startUp: StartUpDeps;
  /** Gains or loses the lead, telling the listeners. */
  lead(leading: boolean): void;
  /** The events logged so far (flushed first). */
  events(): string[];
}

export function useServiceReplicas(): (options: {
  leading: boolean;
  env?: Record<string, string>;
}) => Promise<ServiceReplica> {
  const tempDir = useTempDirs("keel-replica-");
  const made: ServiceReplica[] = [];
  afterEach(async () => {
    for (const { service, stores } of made.splice(0)) {
      service.scheduler.stop();
      await service.retrainer.idle();
      await service.window.stop();
      await stores.close();
    }
  });
  return async ({ leading, env = {} }) => {
    const home = tempDir();
    const stores = await openStores({ home });
    const joined = await stores.joinCluster({ modelName: "weather", logger: silentLogger });
    const listeners: ((leading: boolean) => void)[] = [];
    let leads = leading;
    const cluster: Cluster = {
      ...joined,
      replicaId: joined.replicaId,
      isLeader: () => leads,
      onLeadership: (listener) => {
        listeners.push(listener);
      },
    };
    const logged: string[] = [];
    const logger = createLogger({
      level: "info",
      write: (text) => {
        for (const line of text.trim().split("\n")) logged.push(JSON.parse(line).event);
      },
    });
    const config = loadConfig({ KEEL_HOME: home, KEEL_ALGORITHM: "linear", ...env });
    const service = buildService({
      config,
      stores,
      cluster,
      spec: undefined,
      modelName: "weather",
      logger,
    });
    const replica: ServiceReplica = {
      stores,
      service,
      cluster,
      startUp: {
        stores,
        cluster,
        deployment: service.deployment,
        retrainer: service.retrainer,
        logger,
      },
      lead(value) {
        leads = value;
        for (const listener of listeners) listener(value);
      },
      events() {
        logger.flush();
        return logged;
      },
    };
    made.push(replica);
    return replica;
  };
}
