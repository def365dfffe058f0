// Publishes a model trained in CI to the running keel: waits for the service
// to wake up (free Render instances sleep) with bounded retries, uploads the
// ONNX file as a new version, moves `prod` when asked, and writes the job
// summary (metrics table) for GitHub. Used by .github/workflows/retrain.yml.
//
// Env: KEEL_URL, KEEL_ADMIN_TOKEN, KEEL_MODEL_NAME, MODEL_FILE (model.onnx),
// REPORT_FILE (report.json), PROMOTE (yes | no), WAKE_ATTEMPTS (20),
// WAKE_DELAY_S (15), GITHUB_STEP_SUMMARY (file to append the summary to).

import { appendFile } from "node:fs/promises";

const env = (name: string, fallback?: string): string => {
  const value = process.env[name]?.trim() || fallback;
  if (value === undefined) fail(`${name} is not set`);
  return value;
};

function fail(message: string): never {
  process.stderr.write(`publish-model: ${message}\n`);
  process.exit(1);
}

const base = env("KEEL_URL").replace(/\/+$/, "");
const token = env("KEEL_ADMIN_TOKEN");
const modelName = env("KEEL_MODEL_NAME");
const modelFile = env("MODEL_FILE", "model.onnx");
const reportFile = env("REPORT_FILE", "report.json");
const promote = env("PROMOTE", "no") === "yes";
const attempts = Number(env("WAKE_ATTEMPTS", "20"));
const delayMs = Number(env("WAKE_DELAY_S", "15")) * 1000;
const auth = { authorization: `Bearer ${token}` };

async function waitAwake(): Promise<void> {
  for (let attempt = 1; attempt <= attempts; attempt++) {
    const status = await fetch(`${base}/health`, { signal: AbortSignal.timeout(30_000) }).then(
      (r) => r.status,
      () => 0,
    );
    if (status === 200) return;
    process.stdout.write(
      `waiting for ${base} to wake up (attempt ${attempt}/${attempts}, got ${status || "no answer"})\n`,
    );
    if (attempt < attempts) await Bun.sleep(delayMs);
  }
  fail(`${base} did not answer /health after ${attempts} attempts`);
}

async function call(
  method: string,
  path: string,
  body: BodyInit,
  type: string,
): Promise<Record<string, unknown>> {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: { ...auth, "content-type": type },
    body,
  });
  const answer = (await response.json().catch(() => ({}))) as Record<string, unknown> & {
    error?: { message?: string };
  };
  if (!response.ok)
    fail(`${method} ${path} answered ${response.status}: ${answer.error?.message ?? "no message"}`);
  return answer;
}

const report = JSON.parse(await Bun.file(reportFile).text()) as {
  metrics?: Record<string, number>;
  algorithm?: string;
  dataset?: { rows?: number };
};
await waitAwake();
const uploaded = await call(
  "POST",
  `/models/${encodeURIComponent(modelName)}/versions`,
  await Bun.file(modelFile).arrayBuffer(),
  "application/octet-stream",
);
const version = uploaded.version as number;
process.stdout.write(`registered ${modelName} version ${version}\n`);
if (promote) {
  await call(
    "PUT",
    `/models/${encodeURIComponent(modelName)}/aliases/prod`,
    JSON.stringify({
      version,
      reason: `retrain workflow ${process.env.GITHUB_RUN_ID ?? "(local)"}`,
    }),
    "application/json",
  );
  process.stdout.write(`prod → version ${version}\n`);
}

const rows = Object.entries(report.metrics ?? {}).map(
  ([k, v]) => `| ${k} | ${Math.round(v * 10_000) / 10_000} |`,
);
const summary = [
  `### ${modelName} version ${version}${promote ? " — promoted to prod" : " — registered, not promoted"}`,
  "",
  `Algorithm ${report.algorithm ?? "?"}, ${report.dataset?.rows ?? "?"} rows, service ${base}.`,
  "",
  "| metric | holdout |",
  "|---|---|",
  ...rows,
  "",
].join("\n");
if (process.env.GITHUB_STEP_SUMMARY) await appendFile(process.env.GITHUB_STEP_SUMMARY, summary);
else process.stdout.write(summary);
