// render.yaml and the README's settings table against the settings keel reads
// (src/config.ts), in both directions, so neither can drift from the code.

import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parse } from "yaml";

const ROOT = resolve(import.meta.dir, "../..");
const read = (path: string) => readFileSync(join(ROOT, path), "utf8");

/** Every environment variable loadConfig reads, from its source. */
function settingsKeelReads(): string[] {
  const names = read("src/config.ts").match(/"(?:KEEL_[A-Z0-9_]+|GITHUB_[A-Z0-9_]+|PORT)"/g) ?? [];
  return [...new Set(names.map((n) => n.slice(1, -1)))].sort();
}

interface EnvVar {
  key: string;
  value?: string;
  sync?: boolean;
}

describe("render.yaml", () => {
  const blueprint = parse(read("render.yaml")) as {
    services: {
      type: string;
      runtime: string;
      healthCheckPath: string;
      disk: { mountPath: string };
      envVars: EnvVar[];
    }[];
  };
  const [service] = blueprint.services;

  test("one web service, healthy on /ready, with its state on a persistent disk", () => {
    expect(blueprint.services).toHaveLength(1);
    expect(service!.type).toBe("web");
    expect(["image", "docker"]).toContain(service!.runtime);
    expect(service!.healthCheckPath).toBe("/ready");
    const home = service!.envVars.find((v) => v.key === "KEEL_HOME");
    expect(home?.value).toBe(service!.disk.mountPath);
  });

  test("lists exactly the settings keel reads", () => {
    expect(service!.envVars.map((v) => v.key).sort()).toEqual(settingsKeelReads());
  });

  test("secrets are never committed: sync false", () => {
    for (const key of ["KEEL_ADMIN_TOKEN", "GITHUB_TOKEN", "KEEL_DATA_URL"]) {
      const entry = service!.envVars.find((v) => v.key === key)!;
      expect(entry.sync).toBe(false);
      expect(entry.value).toBeUndefined();
    }
  });
});

test("the README's settings table documents every setting keel reads, and only those", () => {
  const table = read("README.md").split("## Settings")[1]!.split("\n## ")[0]!;
  const documented = [...table.matchAll(/^\| `([A-Z0-9_]+)` \|/gm)].map((m) => m[1]!).sort();
  expect(documented).toEqual(settingsKeelReads());
});
