#!/usr/bin/env bun

// keel's command line. `keel serve` runs the service; more commands join as
// the features behind them land.

import { driftCommand, UsageError } from "./cli/drift.ts";
import { simulateCommand } from "./cli/simulate.ts";
import { ConfigError, loadConfig } from "./config.ts";
import { AppError, errorMessage } from "./errors.ts";
import { startKeel } from "./main.ts";
import { DriftSpecError } from "./simulate/drift-spec.ts";

/** Bad arguments or bad data (as opposed to keel failing): exit code 2. */
function isInputError(error: unknown): boolean {
  return (
    error instanceof UsageError ||
    error instanceof DriftSpecError ||
    (error instanceof AppError && error.status >= 400 && error.status < 500) ||
    (error instanceof TypeError &&
      "code" in error &&
      String(error.code).startsWith("ERR_PARSE_ARGS"))
  );
}

const USAGE = `keel: serve, monitor, retrain and hot-swap a tabular model in one process

Usage:
  keel serve        start the HTTP service (settings come from the environment; see README)
  keel drift        compare two data files feature by feature (keel drift --help)
  keel simulate     replay data against a running keel, optionally drifted (keel simulate --help)
  keel --help       show this help
`;

async function serve(): Promise<void> {
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
}

async function main(argv: string[]): Promise<number> {
  const [command] = argv;
  switch (command) {
    case "serve":
      await serve();
      return 0;
    case "drift":
      return driftCommand(argv.slice(1));
    case "simulate":
      return simulateCommand(argv.slice(1));
    case undefined:
    case "help":
    case "--help":
    case "-h":
      process.stdout.write(USAGE);
      return command === undefined ? 1 : 0;
    default:
      process.stderr.write(`keel: unknown command "${command}"\n\n${USAGE}`);
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code !== 0) process.exit(code);
  },
  (error) => {
    const message = error instanceof ConfigError ? error.message : errorMessage(error);
    process.stderr.write(`keel: ${message}\n`);
    process.exit(isInputError(error) ? 2 : 1);
  },
);
