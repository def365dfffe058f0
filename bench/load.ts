// The load generators bench/predict.ts drives both targets with: wrk when it is on
// PATH (light, native), else autocannon run by node as its own process. Either way
// the generator is a separate process, so it competes with the servers only for
// the CPU, never for their event loop.

import { writeFile } from "node:fs/promises";
import { join } from "node:path";

export interface LoadResult {
  /** 2xx answers per second. */
  rps: number;
  p99Ms: number;
  /** Non-2xx answers plus socket errors and timeouts. */
  errors: number;
}

/** POSTs the body in `bodyFile` to `url` for `seconds` and reports what came back. */
export type LoadGenerator = (url: string, bodyFile: string, seconds: number) => Promise<LoadResult>;

export interface LoadOptions {
  /** A scratch directory for the wrk script. */
  dir: string;
  /** The project root (autocannon lives in its node_modules). */
  root: string;
  connections: number;
  /** wrk threads; autocannon has one event loop. */
  threads: number;
  prefer?: "wrk" | "autocannon";
  /** Runs a command to completion and returns its stdout; throws if it fails. */
  runTool: (args: string[], env: Record<string, string>) => Promise<string>;
}

export async function pickLoadGenerator(
  options: LoadOptions,
): Promise<{ name: string; run: LoadGenerator }> {
  const wrk = Bun.which("wrk");
  if (options.prefer !== "autocannon" && wrk) {
    return { name: "wrk", run: await wrkGenerator(wrk, options) };
  }
  if (options.prefer === "wrk") throw new Error("BENCH_GENERATOR=wrk but wrk is not on PATH");
  return { name: "autocannon", run: autocannonGenerator(options) };
}

// wrk's own error count only sees statuses >= 400, so every thread counts the
// answers that are not 2xx itself, and `done` reports one JSON line.
const WRK_SCRIPT = `
local file = assert(io.open(os.getenv("BENCH_BODY_FILE"), "rb"))
wrk.method = "POST"
wrk.body = file:read("*a")
file:close()
wrk.headers["Content-Type"] = "application/json"

local threads = {}
function setup(thread) table.insert(threads, thread) end
bad = 0
function response(status, headers, body)
  if status < 200 or status > 299 then bad = bad + 1 end
end
function done(summary, latency, requests)
  local bad_total = 0
  for _, thread in ipairs(threads) do bad_total = bad_total + thread:get("bad") end
  local e = summary.errors
  io.write(string.format(
    'BENCH_RESULT {"requests":%d,"duration_us":%d,"p99_us":%d,"non2xx":%d,"socket_errors":%d}\\n',
    summary.requests, summary.duration, latency:percentile(99), bad_total,
    e.connect + e.read + e.write + e.timeout))
end
`;

async function wrkGenerator(wrk: string, options: LoadOptions): Promise<LoadGenerator> {
  const script = join(options.dir, "post.lua");
  await writeFile(script, WRK_SCRIPT);
  const threads = Math.min(options.threads, options.connections);
  return async (url, bodyFile, seconds) => {
    const args = [wrk, `-t${threads}`, `-c${options.connections}`, `-d${seconds}s`];
    args.push("--timeout", "10s", "-s", script, url);
    const output = await options.runTool(args, { BENCH_BODY_FILE: bodyFile });
    const line = output.split("\n").find((l) => l.startsWith("BENCH_RESULT "));
    if (!line) throw new Error(`wrk printed no result:\n${output}`);
    const r = JSON.parse(line.slice("BENCH_RESULT ".length)) as {
      requests: number;
      duration_us: number;
      p99_us: number;
      non2xx: number;
      socket_errors: number;
    };
    return {
      rps: (r.requests - r.non2xx) / (r.duration_us / 1e6),
      p99Ms: r.p99_us / 1000,
      errors: r.non2xx + r.socket_errors,
    };
  };
}

// autocannon reports latency percentiles in whole milliseconds.
function autocannonGenerator(options: LoadOptions): LoadGenerator {
  const runtime = Bun.which("node") ?? process.execPath;
  const cli = join(options.root, "node_modules/autocannon/autocannon.js");
  return async (url, bodyFile, seconds) => {
    const args = [runtime, cli, "-c", String(options.connections), "-d", String(seconds)];
    args.push("-t", "10", "-m", "POST", "-H", "content-type=application/json");
    args.push("-i", bodyFile, "-n", "-j", url);
    const output = await options.runTool(args, {});
    const line = output.split("\n").find((l) => l.startsWith("{"));
    if (!line) throw new Error(`autocannon printed no result:\n${output}`);
    const r = JSON.parse(line) as {
      "2xx": number;
      non2xx: number;
      errors: number;
      duration: number;
      latency: { p99: number };
    };
    return { rps: r["2xx"] / r.duration, p99Ms: r.latency.p99, errors: r.non2xx + r.errors };
  };
}
