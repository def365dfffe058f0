// Runs the real `keel` command line as a child process.

import { join, resolve } from "node:path";

const ROOT = resolve(import.meta.dir, "../..");

export interface CliResult {
  code: number;
  out: string;
  err: string;
}

export async function keelCli(
  args: string[],
  env: Record<string, string> = {},
  cwd = ROOT,
): Promise<CliResult> {
  const child = Bun.spawn([process.execPath, join(ROOT, "src/cli.ts"), ...args], {
    cwd,
    env: { ...process.env, KEEL_ADMIN_TOKEN: "", KEEL_MODEL_NAME: "", ...env },
    stdout: "pipe",
    stderr: "pipe",
  });
  const [out, err, code] = await Promise.all([
    new Response(child.stdout).text(),
    new Response(child.stderr).text(),
    child.exited,
  ]);
  return { code, out, err };
}
