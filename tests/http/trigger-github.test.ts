// POST /trigger {"target": "github"} against a local stand-in for api.github.com
// that checks the request exactly as GitHub documents workflow dispatches.

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createLogger } from "../../src/observability/log.ts";
import { startTestKeel, type TestKeel, tempHome, waitReady } from "./harness.ts";

const TOKEN = "ghp_secret-token-never-shown";

interface Seen {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: unknown;
}

describe("POST /trigger to GitHub", () => {
  const seen: Seen[] = [];
  let answer: { status: number; body?: unknown } = { status: 204 };
  let github: ReturnType<typeof Bun.serve>;
  let keel: TestKeel;
  const logs: string[] = [];

  beforeAll(async () => {
    github = Bun.serve({
      port: 0,
      hostname: "127.0.0.1",
      async fetch(request) {
        const url = new URL(request.url);
        seen.push({
          method: request.method,
          path: url.pathname,
          headers: Object.fromEntries(request.headers),
          body: await request.json(),
        });
        return answer.body === undefined
          ? new Response(null, { status: answer.status })
          : Response.json(answer.body, { status: answer.status });
      },
    });
    keel = await startTestKeel(
      {
        GITHUB_REPOSITORY: "acme/forecast",
        GITHUB_TOKEN: TOKEN,
        GITHUB_API_URL: `http://127.0.0.1:${github.port}`,
        KEEL_GITHUB_REF: "release",
      },
      tempHome(),
      createLogger({ level: "debug", write: (text) => logs.push(text) }),
    );
    await waitReady(keel);
  });
  afterAll(async () => {
    await keel.stop();
    github.stop(true);
  });

  test("dispatches retrain.yml as GitHub documents it and records a dispatched ci run", async () => {
    answer = { status: 204 };
    const response = await keel.admin("POST", "/trigger", {
      target: "github",
      inputs: { data_url: "https://example.com/week.csv", algorithm: "linear", promote: true },
    });
    expect(response.status).toBe(202);
    const body = await response.json();
    expect(body).toMatchObject({
      target: "github",
      status: "dispatched",
      workflow: "retrain.yml",
      ref: "release",
    });
    const request = seen.at(-1)!;
    expect(request.method).toBe("POST");
    expect(request.path).toBe("/repos/acme/forecast/actions/workflows/retrain.yml/dispatches");
    expect(request.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(request.headers.accept).toBe("application/vnd.github+json");
    expect(request.headers["x-github-api-version"]).toBe("2022-11-28");
    expect(request.body).toEqual({
      ref: "release",
      inputs: { data_url: "https://example.com/week.csv", algorithm: "linear", promote: "true" },
    });
    const run = await (await keel.get(`/runs/${body.run_id}`)).json();
    expect(run).toMatchObject({ trigger: "ci", status: "dispatched" });
  });

  test("GitHub's refusal keeps its status and message; the run is failed", async () => {
    answer = {
      status: 404,
      body: { message: "Not Found", documentation_url: "https://docs.github.com" },
    };
    const response = await keel.admin("POST", "/trigger", { target: "github" });
    expect(response.status).toBe(404);
    const { error } = await response.json();
    expect(error.code).toBe("GITHUB_REFUSED");
    expect(error.message).toContain("Not Found");
    const runs = (await (await keel.get("/runs?trigger=ci&status=failed")).json()).runs;
    expect(runs[0].reason).toContain("Not Found");
  });

  test("the token appears in no answer and no log line", async () => {
    answer = { status: 401, body: { message: "Bad credentials" } };
    const refused = await (await keel.admin("POST", "/trigger", { target: "github" })).text();
    const runs = await (await keel.get("/runs?trigger=ci")).text();
    keel.logger.flush();
    for (const text of [refused, runs, ...logs]) expect(text).not.toContain(TOKEN);
  });

  test("bad bodies are refused before anything is sent", async () => {
    const count = seen.length;
    expect((await keel.admin("POST", "/trigger", { target: "gitlab" })).status).toBe(400);
    expect((await keel.admin("POST", "/trigger", { target: "github", data_url: "x" })).status).toBe(
      400,
    );
    expect((await keel.admin("POST", "/trigger", { inputs: { a: "b" } })).status).toBe(400);
    expect(seen.length).toBe(count);
  });
});

test("missing GitHub settings are a 400 naming them", async () => {
  const keel = await startTestKeel();
  try {
    await waitReady(keel);
    const response = await keel.admin("POST", "/trigger", { target: "github" });
    expect(response.status).toBe(400);
    const { error } = await response.json();
    expect(error.message).toContain("GITHUB_REPOSITORY");
    expect(error.message).toContain("GITHUB_TOKEN");
  } finally {
    await keel.stop();
  }
});

test("an unreachable GitHub is a 502", async () => {
  const keel = await startTestKeel({
    GITHUB_REPOSITORY: "a/b",
    GITHUB_TOKEN: "t",
    GITHUB_API_URL: "http://127.0.0.1:9",
  });
  try {
    await waitReady(keel);
    const response = await keel.admin("POST", "/trigger", { target: "github" });
    expect(response.status).toBe(502);
    expect((await response.json()).error.message).toContain("could not be reached");
  } finally {
    await keel.stop();
  }
});
