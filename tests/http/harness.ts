// Starts the real keel (HTTP on a random port, SQLite and artifacts in a temp
// dir, real training) for tests, and offers small request helpers.

import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfig } from "../../src/config.ts";
import { type Keel, startKeel } from "../../src/main.ts";
import { type Logger, silentLogger } from "../../src/observability/log.ts";

export const ADMIN_TOKEN = "test-admin-token";

export interface TestKeel extends Keel {
  home: string;
  get(path: string, headers?: Record<string, string>): Promise<Response>;
  post(path: string, body?: unknown, headers?: Record<string, string>): Promise<Response>;
  admin(method: string, path: string, body?: unknown): Promise<Response>;
}

export async function startTestKeel(
  env: Record<string, string> = {},
  home = tempHome(),
  logger: Logger = silentLogger,
): Promise<TestKeel> {
  const config = loadConfig({
    KEEL_HOME: home,
    PORT: "0",
    KEEL_HOST: "127.0.0.1",
    KEEL_ADMIN_TOKEN: ADMIN_TOKEN,
    // Most tests are about the service, not the trainer: the linear model alone keeps them quick.
    // Tests of model selection set KEEL_ALGORITHM themselves.
    KEEL_ALGORITHM: "linear",
    ...env,
  });
  const keel = await startKeel(config, { logger });
  const request = (
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ) =>
    fetch(`${keel.url}${path}`, {
      method,
      headers: body === undefined ? headers : { "content-type": "application/json", ...headers },
      body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
    });
  return {
    ...keel,
    home,
    stop: async () => {
      await keel.stop();
      rmSync(home, { recursive: true, force: true });
    },
    get: (path, headers) => request("GET", path, undefined, headers),
    post: (path, body, headers) => request("POST", path, body, headers),
    admin: (method, path, body) =>
      request(method, path, body, { authorization: `Bearer ${ADMIN_TOKEN}` }),
  };
}

/** A fresh state directory; `startTestKeel`'s stop() removes the one it runs on. */
export function tempHome(): string {
  return mkdtempSync(join(tmpdir(), "keel-test-"));
}

export async function waitFor<T>(
  check: () => Promise<T | undefined> | T | undefined,
  what: string,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    await Bun.sleep(25);
  }
  throw new Error(`Timed out waiting for ${what}`);
}

export async function waitReady(keel: { get(path: string): Promise<Response> }): Promise<void> {
  await waitFor(
    async () => ((await keel.get("/ready")).status === 200 ? true : undefined),
    "/ready",
  );
}

export async function waitForRun(keel: TestKeel, runId: string): Promise<Record<string, unknown>> {
  return waitFor(
    async () => {
      const run = (await (await keel.get(`/runs/${runId}`)).json()) as Record<string, unknown>;
      return run.status === "running" ? undefined : run;
    },
    `run ${runId} to finish`,
    120_000,
  );
}

export const SAMPLE_ROW = { precipitation: 0.5, temp_max: 14.2, temp_min: 6.1, wind: 3.4 };

/**
 * Writes a large weather-like CSV (same columns as the bundled data) so that a
 * training run lasts long enough to observe while it is going on.
 */
export function writeLargeWeatherCsv(dir: string, rows: number): string {
  const classes = ["drizzle", "fog", "rain", "snow", "sun"];
  const lines = ["date,precipitation,temp_max,temp_min,wind,weather"];
  let seed = 7;
  const random = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  const start = Date.UTC(2000, 0, 1);
  for (let i = 0; i < rows; i++) {
    const date = new Date(start + i * 3_600_000).toISOString();
    const precipitation = random() < 0.5 ? 0 : random() * 30;
    const tempMax = 5 + random() * 25;
    const tempMin = tempMax - 2 - random() * 8;
    const wind = random() * 8;
    const label =
      precipitation > 10 ? "rain" : tempMax < 7 ? "snow" : classes[Math.floor(random() * 5)];
    lines.push(
      `${date},${precipitation.toFixed(1)},${tempMax.toFixed(1)},${tempMin.toFixed(1)},${wind.toFixed(1)},${label}`,
    );
  }
  const path = join(dir, `weather-${rows}.csv`);
  writeFileSync(path, `${lines.join("\n")}\n`);
  return path;
}
