// A real PostgreSQL for the tests, never a mock. KEEL_TEST_DATABASE_URL names a
// server (.ci/run starts a throwaway one); without it, when Debian's
// postgresql binaries are installed, the first caller starts a throwaway
// cluster of its own (initdb + pg_ctl in a temp dir, on a free loopback port,
// as the postgres user when run as root) and stops it when the test process
// exits. Each caller gets a fresh database of its own on that server.

import { spawnSync } from "node:child_process";
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir, userInfo } from "node:os";
import { join } from "node:path";

export interface PostgresServer {
  /** The server's admin URL (its `postgres` database). */
  url: string;
  port: number;
  /** Stops the server (fast shutdown: sessions are terminated). */
  stopServer(): void;
  startServer(): void;
  /** Stops it for good and removes its data directory. */
  destroy(): void;
}

const POSTGRES_ROOT = "/usr/lib/postgresql";

/** The directory of initdb and pg_ctl, or undefined when PostgreSQL is not installed. */
export function postgresBinaries(): string | undefined {
  if (!existsSync(POSTGRES_ROOT)) return undefined;
  const versions = readdirSync(POSTGRES_ROOT).sort((a, b) => Number(b) - Number(a));
  for (const version of versions) {
    const bin = join(POSTGRES_ROOT, version, "bin");
    if (existsSync(join(bin, "initdb")) && existsSync(join(bin, "pg_ctl"))) return bin;
  }
  return undefined;
}

const asRoot = () => userInfo().uid === 0;

function run(bin: string, args: string[]) {
  const argv = asRoot() ? ["runuser", "-u", "postgres", "--", bin, ...args] : [bin, ...args];
  const result = spawnSync(argv[0]!, argv.slice(1), { encoding: "utf8" });
  if (result.status !== 0) {
    throw new Error(`${bin} ${args.join(" ")} failed: ${result.stderr || result.stdout}`);
  }
}

function freePort(): number {
  const server = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
  const { port } = server;
  server.stop(true);
  return port;
}

/** Starts a throwaway PostgreSQL server; the caller destroys it. */
export function startPostgresServer(): PostgresServer {
  const bin = postgresBinaries();
  if (!bin) throw new Error(`PostgreSQL is not installed (no initdb under ${POSTGRES_ROOT})`);
  const dir = mkdtempSync(join(tmpdir(), "keel-pg-"));
  if (asRoot()) chownSync(dir, postgresUid(), postgresUid());
  const data = join(dir, "data");
  const port = freePort();
  run(join(bin, "initdb"), [
    "-D",
    data,
    "-A",
    "trust",
    "-U",
    "postgres",
    "--no-sync",
    "-E",
    "UTF8",
  ]);
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200`;
  const start = () =>
    run(join(bin, "pg_ctl"), ["-D", data, "-o", options, "-l", join(dir, "log"), "-w", "start"]);
  const stop = () => run(join(bin, "pg_ctl"), ["-D", data, "-m", "fast", "-w", "stop"]);
  start();
  let running = true;
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    stopServer() {
      stop();
      running = false;
    },
    startServer() {
      start();
      running = true;
    },
    destroy() {
      if (running) {
        try {
          stop();
        } catch {
          // Already gone.
        }
      }
      running = false;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function postgresUid(): number {
  const result = spawnSync("id", ["-u", "postgres"], { encoding: "utf8" });
  return Number(result.stdout.trim());
}
