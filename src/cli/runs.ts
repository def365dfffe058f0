// `keel runs [--status S] [--trigger T] [--limit N]` and `keel runs show ID`.

import { parseArgs } from "node:util";
import { RUN_STATUSES, RUN_TRIGGERS } from "../tracking/tracking.ts";
import { CONNECTION_HELP, CONNECTION_OPTIONS, openClient } from "./connection.ts";
import { UsageError } from "./errors.ts";
import { printJson, printTable } from "./output.ts";

export const RUNS_HELP = `keel runs: the run history (training, dispatches, rollbacks)

Usage:
  keel runs [--status S] [--trigger T] [--limit N]
  keel runs show ID

Options:
  --status S     ${RUN_STATUSES.join(" | ")}
  --trigger T    ${RUN_TRIGGERS.join(" | ")}
  --limit N      at most N runs, newest first (default 20)
${CONNECTION_HELP}`;

export async function runsCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: {
      ...CONNECTION_OPTIONS,
      status: { type: "string" },
      trigger: { type: "string" },
      limit: { type: "string", default: "20" },
    },
    allowPositionals: true,
    strict: true,
  });
  if (values.help) {
    process.stdout.write(RUNS_HELP);
    return 0;
  }
  const [action, id] = positionals;
  const client = await openClient(values);
  try {
    if (action === "show") {
      if (!id) throw new UsageError("expected keel runs show ID");
      printJson(await client.run(id));
      return 0;
    }
    if (action !== undefined && action !== "list")
      throw new UsageError(`unknown runs action "${action}"`);
    const runs = await client.runs({
      status: oneOf(values.status, RUN_STATUSES, "--status"),
      trigger: oneOf(values.trigger, RUN_TRIGGERS, "--trigger"),
      limit: limit(values.limit),
    });
    if (values.json) printJson(runs);
    else
      printTable(
        ["id", "trigger", "status", "started", "duration_s", "version", "decision", "reason"],
        runs.map((r) => [
          r.id,
          r.trigger,
          r.status,
          r.started_at,
          r.duration_ms === null ? null : (r.duration_ms / 1000).toFixed(1),
          r.version,
          r.decision,
          r.reason && r.reason.length > 60 ? `${r.reason.slice(0, 57)}...` : r.reason,
        ]),
      );
    return 0;
  } finally {
    await client.close();
  }
}

function oneOf<T extends string>(
  value: string | undefined,
  allowed: readonly T[],
  flag: string,
): T | undefined {
  if (value === undefined) return undefined;
  if (!allowed.includes(value as T))
    throw new UsageError(`${flag} must be one of ${allowed.join(", ")}`);
  return value as T;
}

function limit(text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1 || value > 1000)
    throw new UsageError("--limit must be a whole number from 1 to 1000");
  return value;
}
