// `keel simulate`: replays a dataset's rows against a running keel in time
// order at a set rate, optionally drifted, optionally sending the true labels
// to /feedback, with a live progress line; stops after --duration or at the end
// of the data and prints a summary.

import { parseArgs } from "node:util";
import { BUNDLED_DATA } from "../config.ts";
import { loadDataset } from "../data/load.ts";
import { parseDriftSpec } from "../simulate/drift-spec.ts";
import { distort, type ReplayRow, replayRows } from "../simulate/replay.ts";
import { UsageError } from "./errors.ts";
import { createProgress } from "./progress.ts";

export const SIMULATE_HELP = `keel simulate: replay data against a running keel, optionally drifted

Usage:
  keel simulate [--url http://127.0.0.1:3000] [options]

Options:
  --url URL          the service (default http://127.0.0.1:3000)
  --data FILE|URL    rows to replay (default the bundled Seattle weather data), in time order
  --target COL       the label column (default from the data's spec)
  --rate N           rows per second (default 20)
  --duration S       stop after S seconds (default: at the end of the data)
  --drift SPEC       distortions, e.g. "temp_max:shift=2.0,wind:scale=1.5,cat:mix=a=0.8"
                     (shift: + N standard deviations; scale: stretch around the mean;
                      mix: replace the value by "a" with probability 0.8)
  --feedback         send each row's true label to POST /feedback
  --json             print the summary as JSON
`;

const MAX_IN_FLIGHT = 64;

interface Tally {
  sent: number;
  ok: number;
  errors: number;
  feedback: number;
  latencies: number[];
  firstError?: string;
}

export async function simulateCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      url: { type: "string", default: "http://127.0.0.1:3000" },
      data: { type: "string", default: BUNDLED_DATA },
      target: { type: "string" },
      rate: { type: "string", default: "20" },
      duration: { type: "string" },
      drift: { type: "string" },
      feedback: { type: "boolean", default: false },
      json: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(SIMULATE_HELP);
    return 0;
  }
  const rate = positive(values.rate, "--rate");
  const duration =
    values.duration === undefined ? undefined : positive(values.duration, "--duration");
  const distortions = values.drift ? parseDriftSpec(values.drift) : [];
  const base = values.url.replace(/\/+$/, "");
  await checkReachable(base);
  const loaded = await loadDataset({ source: values.data, target: values.target });
  const rows = distort(replayRows(loaded.dataset), distortions);
  const tally = await replay(base, rows, { rate, duration, feedback: values.feedback });
  const summary = summarise(tally);
  process.stdout.write(values.json ? `${JSON.stringify(summary)}\n` : `${describe(summary)}\n`);
  return tally.ok === 0 && tally.sent > 0 ? 1 : 0;
}

async function replay(
  base: string,
  rows: ReplayRow[],
  options: { rate: number; duration?: number; feedback: boolean },
): Promise<Tally> {
  const tally: Tally = { sent: 0, ok: 0, errors: 0, feedback: 0, latencies: [] };
  const progress = createProgress();
  const start = performance.now();
  const deadline =
    options.duration === undefined ? Number.POSITIVE_INFINITY : start + options.duration * 1000;
  const inFlight = new Set<Promise<void>>();
  let feedbackSupported = options.feedback;
  for (const row of rows) {
    const due = start + (tally.sent * 1000) / options.rate;
    if (due >= deadline) break;
    const wait = due - performance.now();
    if (wait > 0) await Bun.sleep(wait);
    while (inFlight.size >= MAX_IN_FLIGHT) await Promise.race(inFlight);
    tally.sent++;
    const task = send(base, row, tally, feedbackSupported).then((supported) => {
      feedbackSupported &&= supported;
      inFlight.delete(task);
    });
    inFlight.add(task);
    progress.update(line(tally, rows.length, performance.now() - start));
  }
  await Promise.all(inFlight);
  progress.done(line(tally, rows.length, performance.now() - start));
  return tally;
}

/** Predicts one row (and sends its label); answers whether /feedback is there. */
async function send(
  base: string,
  row: ReplayRow,
  tally: Tally,
  withFeedback: boolean,
): Promise<boolean> {
  const t0 = performance.now();
  try {
    const response = await post(`${base}/predict`, row.features);
    tally.latencies.push(performance.now() - t0);
    const body = (await response.json()) as {
      prediction_id?: string;
      error?: { message?: string };
    };
    if (!response.ok) {
      tally.errors++;
      tally.firstError ??= `${response.status}: ${body.error?.message ?? "error"}`;
      return true;
    }
    tally.ok++;
    if (!withFeedback || !body.prediction_id) return true;
    const feedback = await post(`${base}/feedback`, {
      prediction_id: body.prediction_id,
      label: row.label,
    });
    if (feedback.status === 404 && !(await feedback.text()).includes("live window")) return false;
    if (feedback.ok) tally.feedback++;
    return true;
  } catch (error) {
    tally.errors++;
    tally.firstError ??= (error as Error).message;
    return true;
  }
}

const post = (url: string, body: unknown) =>
  fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });

async function checkReachable(base: string): Promise<void> {
  try {
    await fetch(`${base}/health`, { signal: AbortSignal.timeout(5000) });
  } catch (error) {
    throw new UsageError(`cannot reach ${base} (${(error as Error).message})`);
  }
}

function line(t: Tally, total: number, elapsedMs: number): string {
  const p = percentiles(t.latencies);
  return `sent ${t.sent}/${total}  ok ${t.ok}  errors ${t.errors}  feedback ${t.feedback}  p50 ${p.p50.toFixed(1)} ms  p99 ${p.p99.toFixed(1)} ms  ${(elapsedMs / 1000).toFixed(1)} s`;
}

function summarise(t: Tally) {
  const p = percentiles(t.latencies);
  return {
    sent: t.sent,
    ok: t.ok,
    errors: t.errors,
    feedback: t.feedback,
    p50_ms: Math.round(p.p50 * 100) / 100,
    p99_ms: Math.round(p.p99 * 100) / 100,
    ...(t.firstError ? { first_error: t.firstError } : {}),
  };
}

function describe(s: ReturnType<typeof summarise>): string {
  const error = s.first_error ? `\nfirst error: ${s.first_error}` : "";
  return `sent ${s.sent}, ok ${s.ok}, errors ${s.errors}, feedback ${s.feedback}, latency p50 ${s.p50_ms} ms, p99 ${s.p99_ms} ms${error}`;
}

function percentiles(values: number[]): { p50: number; p99: number } {
  if (values.length === 0) return { p50: 0, p99: 0 };
  const sorted = Float64Array.from(values).sort();
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  return { p50: at(0.5), p99: at(0.99) };
}

function positive(text: string, name: string): number {
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0)
    throw new UsageError(`${name} must be a positive number, got "${text}"`);
  return value;
}
