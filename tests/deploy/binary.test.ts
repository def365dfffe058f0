// `npm run build`'s single binary: dist/ copied to a fresh folder runs
// `keel serve` with an empty environment (no node_modules, no Bun on PATH),
// trains its first model from the embedded data, and predicts.

import { afterAll, expect, test } from "bun:test";
import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const ROOT = resolve(import.meta.dir, "../..");
const place = mkdtempSync(join(tmpdir(), "keel-binary-"));
afterAll(() => rmSync(place, { recursive: true, force: true }));

test("dist/ runs anywhere: ready, then a prediction", async () => {
  const build = Bun.spawnSync([process.execPath, join(ROOT, "scripts/build.ts")], {
    cwd: ROOT,
    stdout: "pipe",
    stderr: "pipe",
  });
  expect(build.exitCode).toBe(0);
  cpSync(join(ROOT, "dist"), join(place, "keel"), { recursive: true });

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
  } finally {
    child.kill("SIGTERM");
    await child.exited;
  }
}, 120_000);
