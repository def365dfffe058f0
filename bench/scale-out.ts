// What several replicas on PostgreSQL cost and how fast they agree, measured
// in one run on a throwaway PostgreSQL (or BENCH_DATABASE_URL's server):
//   predict_single_rps_postgres=… predict_single_rps_sqlite=… ratio=… p99_ms_postgres=… p99_ms_sqlite=…
//     single-row POST /predict with DATABASE_URL set against the SQLite default,
//     alternating, best of BENCH_ROUNDS each (serving never touches the database)
//   alias_move_ms_p50=… alias_move_ms_max=… replicas=3 moves=N
//     from an alias move answered by one replica to every other replica serving it
//
// Run: bun bench/scale-out.ts   (npm run bench:scale-out)
// Env: BENCH_SECONDS (10) per measurement, BENCH_ROUNDS (2), BENCH_MOVES (20),
//      BENCH_CONNECTIONS (32), BENCH_DATABASE_URL (a server's admin URL).

import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { SQL } from "bun";
import { type PostgresServer, startPostgresServer } from "../scripts/throwaway-postgres.ts";
import { pickLoadGenerator } from "./load.ts";
import {
  benchDir,
  note,
  print,
  ROOT,
  round,
  runBenchmark,
  runTool,
  setting,
  startServer,
  stopChildren,
  type Target,
} from "./processes.ts";

const SECONDS = setting("BENCH_SECONDS", 10);
const ROUNDS = setting("BENCH_ROUNDS", 2);
const MOVES = setting("BENCH_MOVES", 20);
const CONNECTIONS = setting("BENCH_CONNECTIONS", 32);
const ROW = { precipitation: 0.5, temp_max: 14.2, temp_min: 6.1, wind: 3.4 };
const ADMIN = { authorization: "Bearer bench", "content-type": "application/json" };
const KEEL_ENV = { KEEL_HOST: "127.0.0.1", KEEL_ALGORITHM: "linear", KEEL_ADMIN_TOKEN: "bench" };

let server: PostgresServer | undefined;

async function main(): Promise<void> {
  const dir = await benchDir();
  if (!process.env.BENCH_DATABASE_URL) server = startPostgresServer();
  const serverUrl = process.env.BENCH_DATABASE_URL ?? server!.url;
  const body = join(dir, "single.json");
  await writeFile(body, JSON.stringify(ROW));
  const { name, run: load } = await pickLoadGenerator({
    dir,
    root: ROOT,
    connections: CONNECTIONS,
    threads: 1,
    runTool,
  });
  note(`generator=${name} connections=${CONNECTIONS} seconds=${SECONDS} rounds=${ROUNDS}`);

  const databaseUrl = await freshDatabase(serverUrl, "bench_predict");
  const sqlite = await startServer("keel-sqlite", ["src/cli.ts", "serve"], {
    ...KEEL_ENV,
    KEEL_HOME: join(dir, "sqlite"),
  });
  const postgres = await startServer("keel-postgres", ["src/cli.ts", "serve"], {
    ...KEEL_ENV,
    KEEL_HOME: join(dir, "postgres"),
    DATABASE_URL: databaseUrl,
  });
  const best = { sqlite: { rps: 0, p99Ms: 0 }, postgres: { rps: 0, p99Ms: 0 } };
  for (let round = 0; round < ROUNDS; round++) {
    for (const [key, target] of [
      ["sqlite", sqlite],
      ["postgres", postgres],
    ] as const) {
      await load(target.url, body, 2);
      const result = await load(target.url, body, SECONDS);
      note(`${target.name} round ${round + 1}: ${JSON.stringify(result)}`);
      if (result.errors > 0) throw new Error(`${target.name} answered ${result.errors} errors`);
      if (result.rps > best[key].rps) best[key] = result;
    }
  }
  print({
    predict_single_rps_postgres: Math.round(best.postgres.rps),
    predict_single_rps_sqlite: Math.round(best.sqlite.rps),
    ratio: round(best.postgres.rps / best.sqlite.rps, 3),
    p99_ms_postgres: round(best.postgres.p99Ms, 2),
    p99_ms_sqlite: round(best.sqlite.p99Ms, 2),
  });
  await stopChildren({ keepWorkDir: true });

  print({
    ...(await aliasMoves(await freshDatabase(serverUrl, "bench_moves"), dir)),
    replicas: 3,
    moves: MOVES,
  });
}

/** Milliseconds from each alias move's answer to the last other replica serving the new version. */
async function aliasMoves(databaseUrl: string, dir: string): Promise<Record<string, number>> {
  const replicas: Target[] = [];
  for (const name of ["a", "b", "c"]) {
    replicas.push(
      await startServer(`keel-${name}`, ["src/cli.ts", "serve"], {
        ...KEEL_ENV,
        KEEL_HOME: join(dir, `replica-${name}`),
        DATABASE_URL: databaseUrl,
        KEEL_LOG_REQUESTS: "0",
      }),
    );
  }
  const [mover, ...others] = replicas as [Target, ...Target[]];
  await fetch(`${mover.base}/trigger`, { method: "POST", headers: ADMIN, body: "{}" });
  await until(async () => (await served(mover)) === 2);

  const times: number[] = [];
  for (let i = 0; i < MOVES; i++) {
    const version = i % 2 === 0 ? 1 : 2;
    const res = await fetch(`${mover.base}/models/weather/aliases/prod`, {
      method: "PUT",
      headers: ADMIN,
      body: JSON.stringify({ version }),
    });
    if (!res.ok) throw new Error(`alias move answered ${res.status}: ${await res.text()}`);
    const moved = performance.now();
    await Promise.all(
      others.map((replica) => until(async () => (await served(replica)) === version)),
    );
    times.push(performance.now() - moved);
  }
  times.sort((a, b) => a - b);
  return {
    alias_move_ms_p50: round(times[Math.floor(times.length / 2)]!, 1),
    alias_move_ms_max: round(times[times.length - 1]!, 1),
  };
}

async function served(target: Target): Promise<number | undefined> {
  const res = await fetch(`${target.base}/ready`);
  return res.ok ? ((await res.json()) as { model: { version: number } }).model.version : undefined;
}

async function until(check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!(await check())) {
    if (performance.now() > deadline) throw new Error(`not within ${timeoutMs} ms`);
    await Bun.sleep(1);
  }
}

async function freshDatabase(serverUrl: string, prefix: string): Promise<string> {
  const name = `${prefix}_${Date.now().toString(36)}`;
  const admin = new SQL(serverUrl, { max: 1 });
  await admin.unsafe(`CREATE DATABASE ${name}`);
  await admin.close();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

await runBenchmark(main, () => server?.destroy());
