// What can be checked of the image without a Docker engine: every COPY source
// exists, the base is Bun's official image, the user is not root, the state is
// a volume and the health check asks /ready. (.ci/run also runs dockerfilelint.)

import { expect, test } from "bun:test";
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";

const ROOT = resolve(import.meta.dir, "../..");
const dockerfile = readFileSync(join(ROOT, "Dockerfile"), "utf8");
const instructions = dockerfile
  .replace(/\\\n/g, " ")
  .split("\n")
  .filter((line) => line.trim() !== "" && !line.trim().startsWith("#"));

test("every COPY from the build context exists and is not ignored", () => {
  const ignored = readFileSync(join(ROOT, ".dockerignore"), "utf8").split("\n").filter(Boolean);
  const copies = instructions.filter((l) => l.startsWith("COPY ") && !l.includes("--from="));
  expect(copies.length).toBeGreaterThan(0);
  for (const line of copies) {
    const sources = line.split(/\s+/).slice(1, -1);
    for (const source of sources) {
      expect(existsSync(join(ROOT, source))).toBe(true);
      expect(ignored).not.toContain(source);
    }
  }
});

test("official Bun base, non-root user, state on a volume, health on /ready", () => {
  const froms = instructions.filter((l) => l.startsWith("FROM "));
  expect(froms.length).toBeGreaterThanOrEqual(2);
  for (const from of froms) expect(from).toMatch(/^FROM oven\/bun:/);
  expect(instructions.some((l) => /^USER (?!root)\S+/.test(l))).toBe(true);
  expect(dockerfile).toMatch(/VOLUME \["\/var\/lib\/keel"\]/);
  expect(dockerfile).toMatch(/KEEL_HOME=\/var\/lib\/keel/);
  expect(dockerfile).toMatch(/HEALTHCHECK[^\n]*\\\n[^\n]*\/ready/);
  expect(dockerfile).toContain("--production");
});
