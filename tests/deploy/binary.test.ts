// `npm run build`'s single binary: dist/ copied to a fresh folder runs
// `keel serve` with an empty environment (no node_modules, no Bun on PATH),
// trains its first model from the embedded data, and predicts; serves /docs
// and the dashboard with every script and stylesheet they load embedded; and
// `keel train` reads a parquet file (the reader and its decompressors embedded).

import { afterAll, beforeAll, expect, test } from "bun:test";
import { cpSync, existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fetchPageAssets, servedRight } from "../helpers/page-assets.ts";
import { writeWeatherParquet } from "../helpers/parquet.ts";
import { weatherRows } from "../http/weather-traffic.ts";

const ROOT = resolve(import.meta.dir, "../..");
const place = mkdtempSync(join(tmpdir(), "keel-binary-"));
afterAll(() => rmSync(place, { recursive: true, force: true }));

beforeAll(() => {
  const build = Bun.spawnSync([process.execPath, join(ROOT, "scripts/build.ts")], {
    cwd: ROOT,
    stdout: "pipe",
    stderr: "pipe",
  });
  expect(build.exitCode).toBe(0);
  cpSync(join(ROOT, "dist"), join(place, "keel"), { recursive: true });
}, 120_000);

test("dist/ runs anywhere: ready, a prediction, and its pages' assets embedded", async () => {
  const probe = Bun.serve({ port: 0, fetch: () => new Response() });
  const port = probe.port!;
  probe.stop(true);
  const child = Bun.spawn([join(place, "keel/keel"), "serve"], {
    cwd: place,
    env: {
      PORT: String(port),
      KEEL_HOST: "127.0.0.1",
      KEEL_HOME: join(place, "state"),
      KEEL_LOG_LEVEL: "warn",
    },
    stdout: "pipe",
    stderr: "pipe",
  });
  try {
    const url = `http://127.0.0.1:${port}`;
    let ready = 0;
    for (let i = 0; i < 200 && ready !== 200; i++) {
      await Bun.sleep(100);
      ready = await fetch(`${url}/ready`).then(
        (r) => r.status,
        () => 0,
      );
    }
    expect(ready).toBe(200);
    const answer = await fetch(`${url}/predict`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ precipitation: 12, temp_max: 9, temp_min: 4, wind: 5 }),
    });
    expect(answer.status).toBe(200);
    expect(await answer.json()).toMatchObject({
      prediction: "rain",
      model: { name: "weather", version: 1 },
    });
    for (const page of [`${url}/docs`, `${url}/`]) {
      const assets = await fetchPageAssets(page);
      expect(assets.length).toBeGreaterThanOrEqual(2);
      for (const asset of assets)
        expect({ ...asset, right: servedRight(asset) }).toMatchObject({ right: true });
    }
    const spec = await (await fetch(`${url}/docs/json`)).json();
    expect(Object.keys(spec.paths)).toContain("/predict");
  } finally {
    child.kill("SIGTERM");
    await child.exited;
  }
}, 120_000);

test("dist/keel trains from a parquet file with an empty environment", async () => {
  const data = await writeWeatherParquet(join(place, "weather.parquet"), weatherRows(), {
    compression: "GZIP",
  });
  const train = Bun.spawn(
    [join(place, "keel/keel"), "train", "--data", data, "--target", "weather"],
    { cwd: place, env: {}, stdout: "pipe", stderr: "pipe" },
  );
  const [code, out, err] = await Promise.all([
    train.exited,
    new Response(train.stdout).text(),
    new Response(train.stderr).text(),
  ]);
  expect({ code, err: code === 0 ? "" : err }).toEqual({ code: 0, err: "" });
  expect(out).toContain("refit on all 1461 rows, holdout accuracy=");
  expect(existsSync(join(place, "model.onnx"))).toBe(true);
}, 120_000);
