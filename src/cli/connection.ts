// The options every registry and run command shares: where the state is
// (--home / KEEL_HOME, the default, or DATABASE_URL) or which service to ask
// (--url, with --token / KEEL_ADMIN_TOKEN for moves), and --json.

import { resolve } from "node:path";
import { UsageError } from "./errors.ts";
import { type KeelClient, openLocalClient, openRemoteClient } from "./keel-client.ts";

export const CONNECTION_OPTIONS = {
  url: { type: "string" },
  token: { type: "string" },
  home: { type: "string" },
  json: { type: "boolean", default: false },
  help: { type: "boolean", short: "h", default: false },
} as const;

export const CONNECTION_HELP = `  --home DIR     the state directory (default KEEL_HOME, else ./.keel); with DATABASE_URL
                 set, the state is read from (and moves are written to) that database
  --url URL      ask a running keel instead (e.g. https://keel.onrender.com)
  --token T      admin token for --url moves (default KEEL_ADMIN_TOKEN)
  --json         print JSON instead of a table
`;

export async function openClient(values: {
  url?: string;
  token?: string;
  home?: string;
}): Promise<KeelClient> {
  if (values.url) return openRemoteClient(values.url, values.token ?? process.env.KEEL_ADMIN_TOKEN);
  return openLocalClient(resolve(values.home ?? process.env.KEEL_HOME ?? ".keel"));
}

/** The model a command is about: the argument, else KEEL_MODEL_NAME, else the only one there is. */
export async function modelNameOf(client: KeelClient, given: string | undefined): Promise<string> {
  if (given) return given;
  if (process.env.KEEL_MODEL_NAME) return process.env.KEEL_MODEL_NAME;
  const models = await client.models();
  if (models.length === 1) return models[0]!.name;
  throw new UsageError(
    models.length === 0
      ? `No models in ${client.where}`
      : `Several models in ${client.where} (${models.map((m) => m.name).join(", ")}): name one`,
  );
}
