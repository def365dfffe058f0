// `keel models` (list) and `keel models show NAME [VERSION]`.

import { parseArgs } from "node:util";
import { CONNECTION_HELP, CONNECTION_OPTIONS, openClient } from "./connection.ts";
import { UsageError } from "./errors.ts";
import { metricsCell, printJson, printTable } from "./output.ts";

export const MODELS_HELP = `keel models: the registered models, their versions and aliases

Usage:
  keel models                       list models
  keel models show NAME [VERSION]   a model's versions, or one version in full

Options:
${CONNECTION_HELP}`;

const METRICS = ["accuracy", "macro_f1", "log_loss", "rmse", "r2"];

export async function modelsCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: CONNECTION_OPTIONS,
    allowPositionals: true,
    strict: true,
  });
  if (values.help) {
    process.stdout.write(MODELS_HELP);
    return 0;
  }
  const [action, name, version] = positionals;
  const client = await openClient(values);
  try {
    if (action === undefined || action === "list") {
      const models = await client.models();
      if (values.json) printJson(models);
      else
        printTable(
          ["model", "latest", "aliases"],
          models.map((m) => [m.name, m.latest_version, aliasesCell(m.aliases)]),
        );
      return 0;
    }
    if (action !== "show" || !name)
      throw new UsageError('expected "keel models" or "keel models show NAME [VERSION]"');
    if (version !== undefined) {
      printJson(await client.version(name, versionNumber(version)));
      return 0;
    }
    const versions = await client.versions(name);
    if (values.json) printJson(versions);
    else
      printTable(
        ["version", "source", "algorithm", "created", "aliases", "metrics"],
        versions.map((v) => [
          v.version,
          v.source,
          v.algorithm,
          v.created_at,
          v.aliases.join(","),
          metricsCell(v.metrics, METRICS),
        ]),
      );
    return 0;
  } finally {
    await client.close();
  }
}

export function versionNumber(text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1)
    throw new UsageError(`"${text}" is not a version number`);
  return value;
}

function aliasesCell(aliases: Record<string, number> | string[] | undefined): string {
  if (!aliases) return "-";
  if (Array.isArray(aliases)) return aliases.join(",") || "-";
  const entries = Object.entries(aliases).map(([alias, v]) => `${alias}=${v}`);
  return entries.join(",") || "-";
}
