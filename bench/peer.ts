// keel's POST /predict against the server it replaces: FastAPI + uvicorn (one
// worker, access log off, a pydantic request model) serving scikit-learn's
// LogisticRegression (bench/peer_fastapi.py). Both fit a logistic regression on
// the same generated 100,000 × 20 binary set (bench/generated.ts; keel trains its
// own with KEEL_ALGORITHM=linear), both are loaded by the same generator in the
// same run, one after the other. Prints:
//   peer_single_ratio=… keel_single_rps=… peer_single_rps=… keel_p99_ms=… peer_p99_ms=…
//   peer_batch1000_ratio=… keel_batch1000_rows_per_s=… peer_batch1000_rows_per_s=… keel_p99_ms=… peer_p99_ms=…
// (ratio = keel / peer; errors=N / peer_errors=N when any answer was not a 2xx).
// Without FastAPI, uvicorn or scikit-learn for /usr/bin/python3 it says so and exits 0.
//
// Run: bun bench/peer.ts   (npm run bench:peer)
// Env: BENCH_SECONDS (15) per measurement, BENCH_WARMUP_SECONDS (2), BENCH_CONNECTIONS (32),
//      BENCH_THREADS (1, wrk threads); KEEL_LOG_REQUESTS and other KEEL_* settings pass
//      through to keel (its request log stays on by default, as in service).

import { readFile, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { GENERATED_FEATURES, GENERATED_TARGET, writeGenerated } from "./generated.ts";
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
  startProcess,
  startServer,
  type Target,
} from "./processes.ts";

const PYTHON = "/usr/bin/python3";
const PEER_SCRIPT = resolve(import.meta.dir, "peer_fastapi.py");
const SECONDS = setting("BENCH_SECONDS", 15);
const WARMUP_SECONDS = setting("BENCH_WARMUP_SECONDS", 2, 0);
const CONNECTIONS = setting("BENCH_CONNECTIONS", 32);
const THREADS = setting("BENCH_THREADS", 1);
const BATCH_ROWS = 1000;
/** keel and scikit-learn fit the same regularised objective; their probabilities agree to ~1e-3. */
const MAX_PROBABILITY_GAP = 0.02;

type Row = Record<string, number>;

interface Answer {
  prediction: string;
  probabilities: Record<string, number>;
}

async function main(): Promise<void> {
  const missing = missingPythonModules();
  if (missing) {
    note(
      `${missing} not found for ${PYTHON}: no peer to compare with ` +
        "(apt-get install -y python3-fastapi python3-uvicorn python3-sklearn)",
    );
    return;
  }
  const dir = await benchDir();
  const dataFile = await writeGenerated(join(dir, "generated.csv"));
  const rows = await firstRows(dataFile, BATCH_ROWS);
  const singleBody = join(dir, "single.json");
  const batchBody = join(dir, "batch.json");
  await writeFile(singleBody, JSON.stringify(rows[0]));
  await writeFile(batchBody, JSON.stringify({ instances: rows }));

  const { name: generator, run: load } = await pickLoadGenerator({
    dir,
    root: ROOT,
    connections: CONNECTIONS,
    threads: THREADS,
    prefer: "wrk",
    runTool,
  });
  const keel = await startServer("keel", ["src/cli.ts", "serve"], {
    KEEL_HOME: join(dir, "home"),
    KEEL_HOST: "127.0.0.1",
    KEEL_DATA_URL: dataFile,
    KEEL_TARGET: GENERATED_TARGET,
    KEEL_ALGORITHM: "linear",
  });
  const peer = await startProcess("peer", [PYTHON, PEER_SCRIPT, dataFile], {});
  const peerBatchUrl = `${peer.base}/predict/batch`;
  await checkAnswers(keel, peer, peerBatchUrl, rows);
  note(
    `generator=${generator} threads=${THREADS} connections=${CONNECTIONS} seconds=${SECONDS} ` +
      `warmup_seconds=${WARMUP_SECONDS} keel_log_requests=${process.env.KEEL_LOG_REQUESTS ?? "1"}`,
  );

  const measure = async (name: string, url: string, bodyFile: string) => {
    if (WARMUP_SECONDS > 0) await load(url, bodyFile, WARMUP_SECONDS);
    const result = await load(url, bodyFile, SECONDS);
    note(`${name}: ${JSON.stringify(result)}`);
    return result;
  };

  const peerSingle = await measure("peer single", peer.url, singleBody);
  const keelSingle = await measure("keel single", keel.url, singleBody);
  print({
    peer_single_ratio: round(keelSingle.rps / peerSingle.rps, 1),
    keel_single_rps: Math.round(keelSingle.rps),
    peer_single_rps: Math.round(peerSingle.rps),
    keel_p99_ms: round(keelSingle.p99Ms, 2),
    peer_p99_ms: round(peerSingle.p99Ms, 2),
    ...errorsOf(keelSingle, peerSingle),
  });

  const peerBatch = await measure("peer batch", peerBatchUrl, batchBody);
  const keelBatch = await measure("keel batch", keel.url, batchBody);
  print({
    peer_batch1000_ratio: round(keelBatch.rps / peerBatch.rps, 1),
    keel_batch1000_rows_per_s: Math.round(keelBatch.rps * BATCH_ROWS),
    peer_batch1000_rows_per_s: Math.round(peerBatch.rps * BATCH_ROWS),
    keel_p99_ms: round(keelBatch.p99Ms, 2),
    peer_p99_ms: round(peerBatch.p99Ms, 2),
    ...errorsOf(keelBatch, peerBatch),
  });
}

/** The first Python module of the peer that /usr/bin/python3 lacks, or undefined. */
function missingPythonModules(): string | undefined {
  for (const module of ["fastapi", "uvicorn", "sklearn"]) {
    const probe = Bun.spawnSync([PYTHON, "-c", `import ${module}`], {
      stdout: "ignore",
      stderr: "ignore",
    });
    if (probe.exitCode !== 0) return module;
  }
  return undefined;
}

/** The first `n` rows of the generated CSV as request rows (features only, no target). */
async function firstRows(csvFile: string, n: number): Promise<Row[]> {
  const lines = (await readFile(csvFile, "utf8")).split("\n");
  const header = lines[0]!.split(",");
  const rows: Row[] = [];
  for (const line of lines.slice(1, n + 1)) {
    const cells = line.split(",");
    const row: Row = {};
    for (const name of GENERATED_FEATURES) row[name] = Number(cells[header.indexOf(name)]);
    rows.push(row);
  }
  return rows;
}

/**
 * One request of each kind to both servers before loading: both must answer 200 with
 * one prediction per row, and their models must agree, so neither can pass by
 * answering nonsense fast.
 */
async function checkAnswers(keel: Target, peer: Target, peerBatchUrl: string, rows: Row[]) {
  const post = async (url: string, body: unknown) => {
    const response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    if (response.status !== 200) {
      throw new Error(`${url} answered ${response.status}: ${await response.text()}`);
    }
    return response.json();
  };
  const keelOne = (await post(keel.url, rows[0])) as Answer;
  const peerOne = (await post(peer.url, rows[0])) as Answer;
  const keelMany = ((await post(keel.url, { instances: rows })) as { predictions: Answer[] })
    .predictions;
  const peerMany = ((await post(peerBatchUrl, { instances: rows })) as { predictions: Answer[] })
    .predictions;
  if (keelMany.length !== rows.length || peerMany.length !== rows.length) {
    throw new Error(
      `a ${rows.length}-row batch got ${keelMany.length} answers from keel, ${peerMany.length} from the peer`,
    );
  }
  let gap = 0;
  for (const [ours, theirs] of [[keelOne, peerOne], ...keelMany.map((a, i) => [a, peerMany[i]!])]) {
    gap = Math.max(gap, Math.abs(ours!.probabilities["1"]! - theirs!.probabilities["1"]!));
  }
  note(`largest gap between keel's and the peer's probabilities: ${gap.toExponential(2)}`);
  if (!(gap <= MAX_PROBABILITY_GAP)) {
    throw new Error(
      `keel and the peer disagree: probabilities differ by up to ${gap} (allowed ${MAX_PROBABILITY_GAP})`,
    );
  }
}

function errorsOf(keel: LoadResult, peer: LoadResult): Record<string, number> {
  return {
    ...(keel.errors > 0 ? { errors: keel.errors } : {}),
    ...(peer.errors > 0 ? { peer_errors: peer.errors } : {}),
  };
}

await runBenchmark(main);
