#!/usr/bin/env bun
// keel's command line: one file per command under src/cli/, dispatched from
// the table below. Errors end as one line on stderr: exit 2 for bad arguments
// or bad input, 1 when keel or the service could not do it.

import "./native-preload.ts";
import { driftCommand } from "./cli/drift.ts";
import { UsageError } from "./cli/errors.ts";
import { modelsCommand } from "./cli/models.ts";
import { predictCommand } from "./cli/predict.ts";
import { promoteCommand } from "./cli/promote.ts";
import { rollbackCommand } from "./cli/rollback.ts";
import { runsCommand } from "./cli/runs.ts";
import { serveCommand } from "./cli/serve.ts";
import { simulateCommand } from "./cli/simulate.ts";
import { trainCommand } from "./cli/train.ts";
import { errorMessage, isInputError } from "./errors.ts";

const COMMANDS: Record<string, { run: (argv: string[]) => Promise<number>; summary: string }> = {
  serve: {
    run: serveCommand,
    summary: "start the HTTP service (settings from the environment; see README)",
  },
  train: { run: trainCommand, summary: "train a model from a data file, without a server" },
  predict: { run: predictCommand, summary: "score a data file with an ONNX model" },
  models: { run: modelsCommand, summary: "list models; models show NAME [VERSION]" },
  promote: { run: promoteCommand, summary: "point an alias (default prod) at a version" },
  rollback: { run: rollbackCommand, summary: "move an alias back to its previous version" },
  runs: { run: runsCommand, summary: "the run history; runs show ID" },
  drift: { run: driftCommand, summary: "compare two data files feature by feature" },
  simulate: {
    run: simulateCommand,
    summary: "replay data against a running keel, optionally drifted",
  },
};

const USAGE = `keel: serve, monitor, retrain and hot-swap a tabular model in one process

Usage: keel COMMAND [options]     (keel COMMAND --help for its options)

Commands:
${Object.entries(COMMANDS)
  .map(([name, c]) => `  ${name.padEnd(10)}${c.summary}`)
  .join("\n")}
`;

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "help" || name === "--help" || name === "-h") {
    process.stdout.write(USAGE);
    return name === undefined ? 1 : 0;
  }
  const command = COMMANDS[name];
  if (!command) throw new UsageError(`unknown command "${name}" (keel --help lists them)`);
  return command.run(rest);
}

/** Bad arguments or bad input (an AppError whose fix is in the input), as opposed to keel or the service failing. */
function isBadInput(error: unknown): boolean {
  return (
    error instanceof UsageError ||
    isInputError(error) ||
    (error instanceof TypeError &&
      "code" in error &&
      String(error.code).startsWith("ERR_PARSE_ARGS"))
  );
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code !== 0) process.exit(code);
  },
  (error) => {
    process.stderr.write(`keel: ${errorMessage(error).split("\n")[0]}\n`);
    process.exit(isBadInput(error) ? 2 : 1);
  },
);
