// `keel promote NAME VERSION [--alias prod] [--reason TEXT]`: point an alias at a version.

import { parseArgs } from "node:util";
import { CONNECTION_HELP, CONNECTION_OPTIONS, openClient } from "./connection.ts";
import { UsageError } from "./errors.ts";
import { versionNumber } from "./models.ts";
import { printJson } from "./output.ts";

export const PROMOTE_HELP = `keel promote: point an alias (default prod) at a version

Usage:
  keel promote NAME VERSION [--alias prod] [--reason TEXT]

With --url the running service loads the version and swaps at once. Without it
the alias moves in the database (KEEL_HOME's, or DATABASE_URL's): services on
PostgreSQL are told at once and swap within seconds; a service on SQLite picks
the move up within 30 s (its alias poll), or at once on POST /reload-model.

Options:
  --alias A      the alias to move (default prod)
  --reason TEXT  recorded in the alias's audit trail
${CONNECTION_HELP}`;

export async function promoteCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: {
      ...CONNECTION_OPTIONS,
      alias: { type: "string", default: "prod" },
      reason: { type: "string" },
    },
    allowPositionals: true,
    strict: true,
  });
  if (values.help) {
    process.stdout.write(PROMOTE_HELP);
    return 0;
  }
  const [name, version] = positionals;
  if (!name || !version) throw new UsageError("expected keel promote NAME VERSION");
  const client = await openClient(values);
  try {
    const event = await client.setAlias(
      name,
      values.alias,
      versionNumber(version),
      values.reason ?? "promoted from the command line",
    );
    if (values.json) printJson(event);
    else
      process.stdout.write(
        `${name}: ${values.alias} ${event.from_version ?? "(none)"} → ${event.to_version}\n`,
      );
    return 0;
  } finally {
    await client.close();
  }
}
