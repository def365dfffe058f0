// Runs the real `keel` command line as a child process.

import { join, resolve } from "node:path";
import { type ProcessResult, runProcess } from "../helpers/run-process.ts";

const ROOT = resolve(import.meta.dir, "../..");

export type CliResult = ProcessResult;

export function keelCli(
  args: string[],
  env: Record<string, string> = {},
  cwd = ROOT,
): Promise<CliResult> {
  return runProcess([process.execPath, join(ROOT, "src/cli.ts"), ...args], {
    cwd,
    env: { ...process.env, KEEL_ADMIN_TOKEN: "", KEEL_MODEL_NAME: "", ...env } as Record<
      string,
      string
    >,
  });
}
