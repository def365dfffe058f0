// render.yaml, render.scaled.yaml and the README's settings table against the
// settings keel reads (src/config.ts), in both directions, so none can drift
// from the code.

import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parse } from "yaml";

const ROOT = resolve(import.meta.dir, "../..");
const read = (path: string) => readFileSync(join(ROOT, path), "utf8");

/** Every environment variable loadConfig reads, from its source. */
function settingsKeelReads(): string[] {
  const names =
    read("src/config.ts").match(/"(?:KEEL_[A-Z0-9_]+|GITHUB_[A-Z0-9_]+|PORT|DATABASE_URL)"/g) ?? [];
  return [...new Set(names.map((n) => n.slice(1, -1)))].sort();
}

/** Settings that only mean something with several replicas on one database. */
const SCALE_OUT = ["DATABASE_URL", "KEEL_ARTIFACT_URL"];

interface EnvVar {
  key: string;
  value?: string;
  sync?: boolean;
  fromDatabase?: { name: string; property: string };
}

interface Blueprint {
  databases?: { name: string }[];
  services: {
    type: string;
    runtime: string;
    healthCheckPath: string;
    numInstances: number;
    disk?: { mountPath: string };
    envVars: EnvVar[];
  }[];
}

const keysOf = (service: Blueprint["services"][number]) => service.envVars.map((v) => v.key).sort();

function expectSecretsUnset(service: Blueprint["services"][number]) {
  for (const key of ["KEEL_ADMIN_TOKEN", "GITHUB_TOKEN", "KEEL_DATA_URL"]) {
    const entry = service.envVars.find((v) => v.key === key)!;
    expect(entry.sync).toBe(false);
    expect(entry.value).toBeUndefined();
  }
}

describe("render.yaml: one instance with its state on a disk", () => {
  const blueprint = parse(read("render.yaml")) as Blueprint;
  const [service] = blueprint.services;

  test("one web service, healthy on /ready, with its state on a persistent disk", () => {
    expect(blueprint.services).toHaveLength(1);
    expect(service!.type).toBe("web");
    expect(["image", "docker"]).toContain(service!.runtime);
    expect(service!.healthCheckPath).toBe("/ready");
    expect(service!.numInstances).toBe(1);
    const home = service!.envVars.find((v) => v.key === "KEEL_HOME");
    expect(home?.value).toBe(service!.disk!.mountPath);
  });

  test("lists exactly the settings keel reads, but those of scaling out", () => {
    expect(keysOf(service!)).toEqual(settingsKeelReads().filter((k) => !SCALE_OUT.includes(k)));
  });

  test("secrets are never committed: sync false", () => expectSecretsUnset(service!));
});

describe("render.scaled.yaml: several instances on a managed PostgreSQL", () => {
  const blueprint = parse(read("render.scaled.yaml")) as Blueprint;
  const [service] = blueprint.services;

  test("two instances without a disk, DATABASE_URL from the blueprint's own database", () => {
    expect(blueprint.services).toHaveLength(1);
    expect(service!.numInstances).toBeGreaterThanOrEqual(2);
    expect(service!.disk).toBeUndefined();
    expect(service!.healthCheckPath).toBe("/ready");
    const url = service!.envVars.find((v) => v.key === "DATABASE_URL")!;
    expect(url.fromDatabase).toEqual({
      name: blueprint.databases![0]!.name,
      property: "connectionString",
    });
  });

  test("lists exactly the settings keel reads", () => {
    expect(keysOf(service!)).toEqual(settingsKeelReads());
  });

  test("secrets are never committed: sync false", () => expectSecretsUnset(service!));
});

test("the README's settings table documents every setting keel reads, and only those", () => {
  const table = read("README.md").split("## Settings")[1]!.split("\n## ")[0]!;
  const documented = [...table.matchAll(/^\| `([A-Z0-9_]+)` \|/gm)].map((m) => m[1]!).sort();
  expect(documented).toEqual(settingsKeelReads());
});
