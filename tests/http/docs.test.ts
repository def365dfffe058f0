// /docs works offline: every script and stylesheet the Swagger UI page loads is
// served by keel itself (same origin, 200, the right content type), and the page
// it points at for the spec documents the routes.

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { fetchPageAssets, pageAssets, servedRight } from "../helpers/page-assets.ts";
import { startTestKeel, type TestKeel, waitReady } from "./harness.ts";

let keel: TestKeel;

beforeAll(async () => {
  keel = await startTestKeel();
  await waitReady(keel);
}, 60_000);

afterAll(() => keel.stop());

describe("/docs", () => {
  test("loads only keel's own script and stylesheet, each served with its content type", async () => {
    const assets = await fetchPageAssets(`${keel.url}/docs`);
    expect(assets.map((a) => a.kind).sort()).toEqual(["script", "stylesheet"]);
    for (const asset of assets)
      expect({ ...asset, right: servedRight(asset) }).toMatchObject({ right: true });
    const script = assets.find((a) => a.kind === "script")!;
    expect(await (await fetch(script.url)).text()).toContain("SwaggerUIBundle");
    // No pointer to a source map keel does not serve (developer tools would log a 404).
    const stylesheet = assets.find((a) => a.kind === "stylesheet")!;
    expect(await (await fetch(stylesheet.url)).text()).not.toContain("sourceMappingURL");
  });

  test("the page reads the spec keel serves at /docs/json", async () => {
    const html = await (await keel.get("/docs")).text();
    expect(html).toContain('url: "/docs/json"');
    const spec = await (await keel.get("/docs/json")).json();
    expect(Object.keys(spec.paths)).toContain("/predict");
    // The page routes are not operations of the API.
    expect(Object.keys(spec.paths).filter((p) => p.startsWith("/docs"))).toEqual([]);
  });
});

describe("the page-asset check", () => {
  test("finds scripts and stylesheets in any attribute order and quoting, resolved to absolute URLs", () => {
    const html = `<link rel="icon" href="data:,"><link href='/a.css' rel=stylesheet>
      <script crossorigin src="https://unpkg.com/x.js"></script><script>inline()</script>
      <link media="(prefers-color-scheme: dark)" rel="stylesheet" href="dark.css">`;
    expect(pageAssets(html, "http://127.0.0.1:3000/docs")).toEqual([
      { kind: "script", url: "https://unpkg.com/x.js" },
      { kind: "stylesheet", url: "http://127.0.0.1:3000/a.css" },
      { kind: "stylesheet", url: "http://127.0.0.1:3000/dark.css" },
    ]);
  });

  test("refuses a page that loads from another origin", async () => {
    const server = Bun.serve({
      port: 0,
      fetch: () =>
        new Response('<script src="https://cdn.example/ui.js"></script>', {
          headers: { "content-type": "text/html" },
        }),
    });
    try {
      await expect(fetchPageAssets(`http://127.0.0.1:${server.port}/`)).rejects.toThrow(
        "loads from elsewhere: https://cdn.example/ui.js",
      );
    } finally {
      server.stop(true);
    }
  });
});
