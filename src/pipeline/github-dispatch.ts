// `POST /trigger {"target": "github"}`: asks GitHub Actions to run the retrain
// workflow (workflow_dispatch through the REST API) and records a run with
// trigger `ci` and status `dispatched`. The token goes only into the
// Authorization header: never into a log line, a run or an answer.

import type { GithubSettings } from "../config.ts";
import { AppError, badRequest, errorMessage } from "../errors.ts";
import type { Logger } from "../observability/log.ts";
import { failRun, type Tracking } from "../tracking/tracking.ts";

export type WorkflowInputs = Record<string, string>;

const API_VERSION = "2022-11-28";
const TIMEOUT_MS = 15_000;

export async function dispatchRetrainWorkflow(deps: {
  settings: GithubSettings;
  modelName: string;
  inputs: WorkflowInputs;
  tracking: Tracking;
  /** The replica recording the dispatch run. */
  owner: number;
  logger: Logger;
}): Promise<{ runId: string; workflow: string; ref: string; repository: string }> {
  const { settings, tracking, logger } = deps;
  const missing = [
    settings.repository ? undefined : "GITHUB_REPOSITORY",
    settings.token ? undefined : "GITHUB_TOKEN",
  ].filter((name): name is string => name !== undefined);
  if (missing.length > 0) {
    throw badRequest(`Dispatching to GitHub needs ${missing.join(" and ")} to be set`, { missing });
  }
  const repository = settings.repository!;
  const run = await tracking.createRun({
    modelName: deps.modelName,
    trigger: "ci",
    params: { repository, workflow: settings.workflow, ref: settings.ref, ...deps.inputs },
    owner: deps.owner,
  });
  try {
    await postDispatch(settings, repository, deps.inputs);
  } catch (error) {
    const message = errorMessage(error);
    await failRun(tracking, run.id, message);
    logger.warn("github.dispatch_failed", {
      run_id: run.id,
      repository,
      workflow: settings.workflow,
      error: message,
    });
    throw error;
  }
  await tracking.finishRun(run.id, {
    status: "dispatched",
    decision: "dispatched",
    reason: `workflow ${settings.workflow} dispatched on ${repository}@${settings.ref}`,
  });
  logger.info("github.dispatched", {
    run_id: run.id,
    repository,
    workflow: settings.workflow,
    ref: settings.ref,
  });
  return { runId: run.id, workflow: settings.workflow, ref: settings.ref, repository };
}

async function postDispatch(
  settings: GithubSettings,
  repository: string,
  inputs: WorkflowInputs,
): Promise<void> {
  const url = `${settings.apiUrl.replace(/\/+$/, "")}/repos/${repository}/actions/workflows/${encodeURIComponent(settings.workflow)}/dispatches`;
  let response: Response;
  try {
    response = await fetch(url, {
      method: "POST",
      headers: {
        accept: "application/vnd.github+json",
        authorization: `Bearer ${settings.token}`,
        "x-github-api-version": API_VERSION,
        "content-type": "application/json",
        "user-agent": "keel",
      },
      body: JSON.stringify({ ref: settings.ref, inputs }),
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
  } catch (error) {
    throw new AppError(
      "UPSTREAM_UNAVAILABLE",
      `GitHub could not be reached: ${errorMessage(error)}`,
    );
  }
  if (response.status === 204 || response.ok) return;
  const message = await githubMessage(response);
  // GitHub's status rides along: the HTTP layer relays its 4xx refusals (src/http/errors.ts).
  throw new AppError(
    "GITHUB_REFUSED",
    `GitHub refused the dispatch (${response.status}): ${message}`,
    {
      github_status: response.status,
    },
  );
}

async function githubMessage(response: Response): Promise<string> {
  const text = await response.text().catch(() => "");
  try {
    const body = JSON.parse(text) as { message?: unknown };
    if (typeof body.message === "string") return body.message;
  } catch {
    // Not JSON: fall through to the raw text.
  }
  return text.slice(0, 300) || response.statusText || "no message";
}
