// `keel serve`: the service, with settings from the environment, stopping
// cleanly on SIGTERM/SIGINT (a second signal forces the exit).

import { loadConfig } from "../config.ts";
import { startKeel } from "../main.ts";

export const SERVE_HELP = `keel serve: start the HTTP service

Settings come from the environment (PORT, KEEL_HOME, KEEL_DATA_URL, …; see the README).
`;

export async function serveCommand(argv: string[]): Promise<number> {
  if (argv.includes("--help") || argv.includes("-h")) {
    process.stdout.write(SERVE_HELP);
    return 0;
  }
  const config = loadConfig();
  const keel = await startKeel(config);
  let signals = 0;
  const shutdown = (signal: string) => {
    signals++;
    if (signals > 1) process.exit(1);
    keel.logger.info("keel.signal", { signal });
    const force = setTimeout(() => process.exit(1), config.shutdownTimeoutMs + 2000);
    force.unref();
    void keel.stop().then(() => process.exit(0));
  };
  process.on("SIGTERM", () => shutdown("SIGTERM"));
  process.on("SIGINT", () => shutdown("SIGINT"));
  return 0;
}
