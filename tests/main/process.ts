// Runs `keel serve` as a real child process, for tests that restart or kill it.

import type { Subprocess } from "bun";
import { ADMIN_TOKEN } from "../http/harness.ts";

export interface KeelProcess {
  proc: Subprocess<"ignore", "pipe", "pipe">;
  url: string;
  logs: string[];
  request(method: string, path: string, body?: unknown): Promise<Response>;
}

export async function spawnKeel(
  home: string,
  env: Record<string, string> = {},
): Promise<KeelProcess> {
  const proc = Bun.spawn([process.execPath, "src/cli.ts", "serve"], {
    env: {
      ...process.env,
      KEEL_HOME: home,
      PORT: "0",
      KEEL_HOST: "127.0.0.1",
      KEEL_ADMIN_TOKEN: ADMIN_TOKEN,
      ...env,
    },
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
  });
  const logs: string[] = [];
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`keel did not start: ${logs.join("\n")}`)),
      30_000,
    );
    void (async () => {
      const decoder = new TextDecoder();
      let pending = "";
      for await (const chunk of proc.stdout) {
        pending += decoder.decode(chunk);
        const lines = pending.split("\n");
        pending = lines.pop() ?? "";
        for (const line of lines) {
          logs.push(line);
          const event = JSON.parse(line);
          if (event.event === "keel.listening") {
            clearTimeout(timer);
            resolve(event.url);
          }
        }
      }
    })();
  });
  return {
    proc,
    url,
    logs,
    request: (method, path, body) =>
      fetch(`${url}${path}`, {
        method,
        headers: { authorization: `Bearer ${ADMIN_TOKEN}`, "content-type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
      }),
  };
}
