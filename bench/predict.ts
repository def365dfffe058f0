// Throughput and tail latency of POST /predict against a bare Bun.serve baseline,
// both measured in the same run with the same load generator (wrk when it is on
// PATH, else autocannon under node). Prints one key=value line per result:
//   predict_single_rps=… baseline_rps=… ratio=… p99_ms=…
//   predict_batch1000_rows_per_s=… baseline_rps=… p99_ms=…
//   capture_all_rps=… capture_off_rps=… ratio=…   (the drift window's cost: every row
//   captured vs capture sampled down to 1 row/s, two more keel processes)
// plus errors=N (keel) / baseline_errors=N when any answer was not a 2xx or a socket failed.
//
// Run: bun bench/predict.ts   (npm run bench)
// Env: BENCH_SECONDS (10) per measurement, BENCH_WARMUP_SECONDS (2), BENCH_CONNECTIONS (32),
//      BENCH_THREADS (1, wrk threads), BENCH_GENERATOR (wrk | autocannon),
//      KEEL_LOG_REQUESTS and other KEEL_* settings pass through to keel.

import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { Subprocess } from "bun";
import { type LoadResult, pickLoadGenerator } from "./load.ts";

const ROOT = resolve(import.meta.dir, "..");
const SECONDS = setting("BENCH_SECONDS", 10);
const WARMUP_SECONDS = setting("BENCH_WARMUP_SECONDS", 2, 0);
const CONNECTIONS = setting("BENCH_CONNECTIONS", 32);
const THREADS = setting("BENCH_THREADS", 1);
const GENERATOR = generatorSetting(process.env.BENCH_GENERATOR);
const BATCH_ROWS = 1000;
const READY_TIMEOUT_MS = 120_000;

const ROW = { precipitation: 0.5, temp_max: 14.2, temp_min: 6.1, wind: 3.4 };

interface Target {
  name: string;
  url: string;
}

const children = new Set<Subprocess>();
let workDir: string | undefined;

async function main(): Promise<void> {
  workDir = await mkdtemp(join(tmpdir(), "keel-bench-"));
  const singleBody = join(workDir, "single.json");
  const batchBody = join(workDir, "batch.json");
  await writeFile(singleBody, JSON.stringify(ROW));
  await writeFile(batchBody, JSON.stringify({ instances: batchRows(BATCH_ROWS) }));

  const { name: generatorName, run: load } = await pickLoadGenerator({
    dir: workDir,
    root: ROOT,
    connections: CONNECTIONS,
    threads: THREADS,
    prefer: GENERATOR,
    runTool,
  });
  const keelHome = join(workDir, "home");
  const keel = await startServer("keel", ["src/cli.ts", "serve"], {
    KEEL_HOME: keelHome,
    KEEL_HOST: "127.0.0.1",
  });
  const baseline = await startServer("baseline", ["bench/baseline-server.ts"], {});
  await checkAnswers(keel, baseline);

  note(
    `generator=${generatorName} connections=${CONNECTIONS} seconds=${SECONDS} ` +
      `warmup_seconds=${WARMUP_SECONDS} keel_log_requests=${process.env.KEEL_LOG_REQUESTS ?? "1"}`,
  );

  const measure = async (target: Target, bodyFile: string) => {
    if (WARMUP_SECONDS > 0) await load(target.url, bodyFile, WARMUP_SECONDS);
    const result = await load(target.url, bodyFile, SECONDS);
    note(
      `${target.name} ${bodyFile === batchBody ? "batch" : "single"}: ${JSON.stringify(result)}`,
    );
    return result;
  };

  const baseSingle = await measure(baseline, singleBody);
  const keelSingle = await measure(keel, singleBody);
  print({
    predict_single_rps: Math.round(keelSingle.rps),
    baseline_rps: Math.round(baseSingle.rps),
    ratio: round(keelSingle.rps / baseSingle.rps, 3),
    p99_ms: round(keelSingle.p99Ms, 2),
    ...errorsOf(keelSingle, baseSingle),
  });

  const baseBatch = await measure(baseline, batchBody);
  const keelBatch = await measure(keel, batchBody);
  print({
    predict_batch1000_rows_per_s: Math.round(keelBatch.rps * BATCH_ROWS),
    baseline_rps: Math.round(baseBatch.rps),
    p99_ms: round(keelBatch.p99Ms, 2),
    ...errorsOf(keelBatch, baseBatch),
  });
  await stopChildren({ keepWorkDir: true });

  const captureAll = await startServer("keel-capture-all", ["src/cli.ts", "serve"], {
    KEEL_HOME: join(workDir, "home-all"),
    KEEL_HOST: "127.0.0.1",
    KEEL_CAPTURE_ROWS_PER_S: "1000000",
  });
  const all = await measure(captureAll, singleBody);
  await stopChildren({ keepWorkDir: true });
  const captureOff = await startServer("keel-capture-off", ["src/cli.ts", "serve"], {
    KEEL_HOME: join(workDir, "home-off"),
    KEEL_HOST: "127.0.0.1",
    KEEL_CAPTURE_ROWS_PER_S: "1",
  });
  const off = await measure(captureOff, singleBody);
  print({
    capture_all_rps: Math.round(all.rps),
    capture_off_rps: Math.round(off.rps),
    ratio: round(all.rps / off.rps, 3),
    ...errorsOf(all, off),
  });
}

function batchRows(n: number) {
  // Slightly different rows, so nothing downstream can get away with caching one answer.
  return Array.from({ length: n }, (_, i) => ({
    precipitation: round((i % 50) / 10, 1),
    temp_max: round(5 + (i % 25), 1),
    temp_min: round(-2 + (i % 15), 1),
    wind: round(1 + (i % 7) / 2, 1),
  }));
}

// --- servers -------------------------------------------------------------------

async function startServer(
  name: string,
  args: string[],
  env: Record<string, string>,
): Promise<Target> {
  const port = freePort();
  const logFile = join(workDir!, `${name}.log`);
  const child = Bun.spawn([process.execPath, ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env, PORT: String(port) },
    // A file, not a pipe: keel logs a line per request and nobody here should have to read them.
    stdout: Bun.file(logFile),
    stderr: Bun.file(`${logFile}.err`),
  });
  children.add(child);
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(
        `${name} exited (${child.exitCode ?? child.signalCode}) before it was ready:\n${await tail(logFile)}`,
      );
    }
    const status = await fetch(`${url}/ready`).then(
      (r) => r.status,
      () => 0,
    );
    if (status === 200) return { name, url: `${url}/predict` };
    await Bun.sleep(100);
  }
  throw new Error(
    `${name} was not ready after ${READY_TIMEOUT_MS / 1000} s:\n${await tail(logFile)}`,
  );
}

/** One request of each kind before loading, so a server answering nonsense fast cannot pass. */
async function checkAnswers(keel: Target, baseline: Target): Promise<void> {
  const post = (target: Target, body: unknown) =>
    fetch(target.url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
  const single = await post(keel, ROW);
  const one = (await single.json()) as { prediction?: unknown; prediction_id?: unknown };
  if (
    single.status !== 200 ||
    one.prediction === undefined ||
    !single.headers.get("x-request-id")
  ) {
    throw new Error(`keel answered a single row with ${single.status}: ${JSON.stringify(one)}`);
  }
  const batch = await post(keel, { instances: batchRows(BATCH_ROWS) });
  const many = (await batch.json()) as { predictions?: unknown[] };
  if (batch.status !== 200 || many.predictions?.length !== BATCH_ROWS) {
    throw new Error(`keel answered a ${BATCH_ROWS}-row batch with ${batch.status}`);
  }
  const bare = await post(baseline, ROW);
  if (bare.status !== 200) throw new Error(`the baseline answered ${bare.status}`);
}

function freePort(): number {
  const probe = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: () => new Response() });
  const port = probe.port!;
  probe.stop(true);
  return port;
}

async function tail(file: string): Promise<string> {
  const text =
    (await Bun.file(file)
      .text()
      .catch(() => "")) +
    (await Bun.file(`${file}.err`)
      .text()
      .catch(() => ""));
  return text.split("\n").slice(-20).join("\n");
}

async function stopChildren(options: { keepWorkDir?: boolean } = {}): Promise<void> {
  await Promise.all(
    [...children].map(async (child) => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill("SIGTERM");
        const timer = setTimeout(() => child.kill("SIGKILL"), 15_000);
        await child.exited;
        clearTimeout(timer);
      }
      children.delete(child);
    }),
  );
  if (options.keepWorkDir) return;
  if (workDir) await rm(workDir, { recursive: true, force: true });
  workDir = undefined;
}

/** Runs a load generator to completion (killed with the servers on Ctrl-C) and returns its stdout. */
async function runTool(args: string[], env: Record<string, string>): Promise<string> {
  const child = Bun.spawn(args, {
    env: { ...process.env, ...env },
    stdout: "pipe",
    stderr: "pipe",
  });
  children.add(child);
  const [out, err, code] = await Promise.all([
    new Response(child.stdout).text(),
    new Response(child.stderr).text(),
    child.exited,
  ]);
  children.delete(child);
  if (code !== 0) throw new Error(`${args[0]} exited with ${code}:\n${out}${err}`);
  return out;
}

// --- output ----------------------------------------------------------------------

/** `errors=` (keel) and `baseline_errors=`, only when there were any. */
function errorsOf(keel: LoadResult, baseline: LoadResult): Record<string, number> {
  return {
    ...(keel.errors > 0 ? { errors: keel.errors } : {}),
    ...(baseline.errors > 0 ? { baseline_errors: baseline.errors } : {}),
  };
}

function print(fields: Record<string, number>): void {
  process.stdout.write(
    `${Object.entries(fields)
      .map(([k, v]) => `${k}=${v}`)
      .join(" ")}\n`,
  );
}

function note(text: string): void {
  process.stderr.write(`# ${text}\n`);
}

function round(value: number, digits: number): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}

function setting(name: string, fallback: number, min = 1): number {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) {
    throw new Error(`${name} must be a whole number >= ${min}, got "${raw}"`);
  }
  return value;
}

function generatorSetting(raw: string | undefined): "wrk" | "autocannon" | undefined {
  if (raw === undefined || raw === "" || raw === "wrk" || raw === "autocannon") {
    return raw || undefined;
  }
  throw new Error(`BENCH_GENERATOR must be wrk or autocannon, got "${raw}"`);
}

// --- lifecycle -------------------------------------------------------------------

let interrupted = false;
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    if (interrupted) process.exit(signal === "SIGINT" ? 130 : 143);
    interrupted = true;
    note(`${signal}: stopping the servers`);
    void stopChildren().finally(() => process.exit(signal === "SIGINT" ? 130 : 143));
  });
}
process.on("exit", () => {
  // Last resort if something exits without the awaited cleanup.
  for (const child of children) child.kill("SIGKILL");
});

try {
  await main();
  await stopChildren();
} catch (error) {
  // After Ctrl-C the killed load generator fails the run; that is not worth reporting.
  if (!interrupted) {
    process.stderr.write(
      `bench failed: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    await stopChildren();
    process.exit(1);
  }
}
