// Runs a child process to completion and collects what it printed.

export interface ProcessResult {
  code: number;
  out: string;
  err: string;
}

export async function runProcess(
  argv: string[],
  options: { env?: Record<string, string>; cwd?: string } = {},
): Promise<ProcessResult> {
  const child = Bun.spawn(argv, {
    cwd: options.cwd,
    env: options.env,
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
