// The processes a benchmark starts — servers it loads and the load generator —
// and its one-line results. Everything started here is stopped on exit,
// on Ctrl-C and on failure; servers log to files in the benchmark's work dir.

import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { Subprocess } from "bun";

export const ROOT = resolve(import.meta.dir, "..");
const READY_TIMEOUT_MS = 120_000;

export interface Target {
  name: string;
  /** The server's root, e.g. http://127.0.0.1:40123. */
  base: string;
  /** POST /predict on it. */
  url: string;
  proc: Subprocess;
}

const children = new Set<Subprocess>();
let workDir: string | undefined;

/** The benchmark's scratch directory (made on first use, removed at the end). */
export async function benchDir(): Promise<string> {
  workDir ??= await mkdtemp(join(tmpdir(), "keel-bench-"));
  return workDir;
}

/** Starts `bun …args` on a free port and waits until its /ready answers 200. */
export function startServer(
  name: string,
  args: string[],
  env: Record<string, string>,
): Promise<Target> {
  return startProcess(name, [process.execPath, ...args], env);
}

/**
 * Starts any server command (a peer in another language, say) with PORT set to a
 * free port, and waits until its GET /ready answers 200.
 */
export async function startProcess(
  name: string,
  command: string[],
  env: Record<string, string>,
): Promise<Target> {
  const port = freePort();
  const logFile = join(await benchDir(), `${name}.log`);
  const proc = Bun.spawn(command, {
    cwd: ROOT,
    env: { ...process.env, ...env, PORT: String(port) },
    // A file, not a pipe: keel logs a line per request and nobody here should have to read them.
    stdout: Bun.file(logFile),
    stderr: Bun.file(`${logFile}.err`),
  });
  children.add(proc);
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (proc.exitCode !== null || proc.signalCode !== null) {
      throw new Error(
        `${name} exited (${proc.exitCode ?? proc.signalCode}) before it was ready:\n${await tail(logFile)}`,
      );
    }
    const status = await fetch(`${base}/ready`).then(
      (r) => r.status,
      () => 0,
    );
    if (status === 200) return { name, base, url: `${base}/predict`, proc };
    await Bun.sleep(100);
  }
  throw new Error(
    `${name} was not ready after ${READY_TIMEOUT_MS / 1000} s:\n${await tail(logFile)}`,
  );
}

/** Stops every process started here; the work dir goes too unless kept for the next round. */
export async function stopChildren(options: { keepWorkDir?: boolean } = {}): Promise<void> {
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
export async function runTool(args: string[], env: Record<string, string>): Promise<string> {
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

/**
 * Runs the benchmark's main, then stops everything; Ctrl-C and SIGTERM stop
 * everything too, and a failure is one line on stderr with exit code 1.
 */
export async function runBenchmark(main: () => Promise<void>, cleanup?: () => void): Promise<void> {
  let interrupted = false;
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.on(signal, () => {
      if (interrupted) process.exit(signal === "SIGINT" ? 130 : 143);
      interrupted = true;
      note(`${signal}: stopping the servers`);
      cleanup?.();
      void stopChildren().finally(() => process.exit(signal === "SIGINT" ? 130 : 143));
    });
  }
  process.on("exit", () => {
    // Last resort if something exits without the awaited cleanup.
    for (const child of children) child.kill("SIGKILL");
    cleanup?.();
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
}

export function freePort(): number {
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

// --- output ----------------------------------------------------------------------

/** One result line: `key=value key=value …`. */
export function print(fields: Record<string, number>): void {
  process.stdout.write(
    `${Object.entries(fields)
      .map(([k, v]) => `${k}=${v}`)
      .join(" ")}\n`,
  );
}

/** Context on stderr, so stdout holds only result lines. */
export function note(text: string): void {
  process.stderr.write(`# ${text}\n`);
}

export function round(value: number, digits: number): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}

/** A whole-number setting from the environment. */
export function setting(name: string, fallback: number, min = 1): number {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) {
    throw new Error(`${name} must be a whole number >= ${min}, got "${raw}"`);
  }
  return value;
}
