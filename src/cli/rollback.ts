// `keel rollback [NAME] [--alias prod]`: move the alias back to the version it
// pointed at before its latest move, as the audit trail records it.

import { parseArgs } from "node:util";
import { CONNECTION_HELP, CONNECTION_OPTIONS, modelNameOf, openClient } from "./connection.ts";
import { ServiceError } from "./errors.ts";
import { printJson } from "./output.ts";

export const ROLLBACK_HELP = `keel rollback: move an alias back to the version before its latest move

Usage:
  keel rollback [NAME] [--alias prod]

NAME defaults to KEEL_MODEL_NAME, else the only registered model.

Options:
  --alias A      the alias to move back (default prod)
${CONNECTION_HELP}`;

export async function rollbackCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: { ...CONNECTION_OPTIONS, alias: { type: "string", default: "prod" } },
    allowPositionals: true,
    strict: true,
  });
  if (values.help) {
    process.stdout.write(ROLLBACK_HELP);
    return 0;
  }
  const client = await openClient(values);
  try {
    const name = await modelNameOf(client, positionals[0]);
    const { history, version } = await client.alias(name, values.alias);
    const previous = history[0]?.from_version;
    if (previous === null || previous === undefined) {
      throw new ServiceError(
        `${name}: ${values.alias} has no earlier version to go back to (it points at ${version})`,
      );
    }
    const event = await client.setAlias(
      name,
      values.alias,
      previous,
      `rollback from version ${version}`,
    );
    if (values.json) printJson(event);
    else process.stdout.write(`${name}: ${values.alias} ${version} → ${previous}\n`);
    return 0;
  } finally {
    await client.close();
  }
}
