// Throughput and tail latency of POST /predict against a bare Bun.serve baseline,
// both measured in the same run with the same load generator (wrk when it is on
// PATH, else autocannon under node). Prints one key=value line per result:
//   predict_single_rps=… baseline_rps=… ratio=… p99_ms=…
//   predict_batch1000_rows_per_s=… baseline_rows_per_s=… ratio=… baseline_rps=… p99_ms=…
//     (the baseline parses the same 1,000-row body and answers a fixed object)
//   capture_all_rps=… capture_off_rps=… ratio=…   (the drift window's cost: every row
//   captured vs capture sampled down to 1 row/s, two more keel processes)
// plus errors=N (keel) / baseline_errors=N when any answer was not a 2xx or a socket failed.
//
// Run: bun bench/predict.ts   (npm run bench)
// Env: BENCH_SECONDS (10) per measurement, BENCH_WARMUP_SECONDS (2), BENCH_CONNECTIONS (32),
//      BENCH_THREADS (1, wrk threads), BENCH_GENERATOR (wrk | autocannon),
//      KEEL_LOG_REQUESTS and other KEEL_* settings pass through to keel.

import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { type LoadResult, pickLoadGenerator } from "./load.ts";
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
const WARMUP_SECONDS = setting("BENCH_WARMUP_SECONDS", 2, 0);
const CONNECTIONS = setting("BENCH_CONNECTIONS", 32);
const THREADS = setting("BENCH_THREADS", 1);
const GENERATOR = generatorSetting(process.env.BENCH_GENERATOR);
const BATCH_ROWS = 1000;

const ROW = { precipitation: 0.5, temp_max: 14.2, temp_min: 6.1, wind: 3.4 };

async function main(): Promise<void> {
  const workDir = await benchDir();
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
    baseline_rows_per_s: Math.round(baseBatch.rps * BATCH_ROWS),
    ratio: round(keelBatch.rps / baseBatch.rps, 3),
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

/** `errors=` (keel) and `baseline_errors=`, only when there were any. */
function errorsOf(keel: LoadResult, baseline: LoadResult): Record<string, number> {
  return {
    ...(keel.errors > 0 ? { errors: keel.errors } : {}),
    ...(baseline.errors > 0 ? { baseline_errors: baseline.errors } : {}),
  };
}

function generatorSetting(raw: string | undefined): "wrk" | "autocannon" | undefined {
  if (raw === undefined || raw === "" || raw === "wrk" || raw === "autocannon") {
    return raw || undefined;
  }
  throw new Error(`BENCH_GENERATOR must be wrk or autocannon, got "${raw}"`);
}

await runBenchmark(main);
