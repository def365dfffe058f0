// `keel drift` as a user runs it: the real CLI on real files.

import { describe, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { writeWeatherParquet } from "../helpers/parquet.ts";
import { useTempDirs } from "../helpers/temp-dir.ts";
import { drifted, weatherRows } from "../http/weather-traffic.ts";
import { keelCli } from "./run-cli.ts";

const ROOT = resolve(import.meta.dir, "../..");
const SPEC = join(ROOT, "data/seattle-weather.spec.json");
const tempDir = useTempDirs();

function write(dir: string, name: string, rows: ReturnType<typeof weatherRows>): string {
  const path = join(dir, name);
  const lines = rows.map(
    (r) => `${r.date},${r.precipitation},${r.temp_max},${r.temp_min},${r.wind},${r.weather}`,
  );
  writeFileSync(path, `date,precipitation,temp_max,temp_min,wind,weather\n${lines.join("\n")}\n`);
  return path;
}

describe("keel drift", () => {
  const rows = weatherRows();

  test("prints a table and the verdict, exit 0 either way", async () => {
    const dir = tempDir();
    const reference = write(dir, "ref.csv", rows.slice(0, 700));
    const same = await keelCli([
      "drift",
      "--reference",
      reference,
      "--current",
      write(dir, "same.csv", rows.slice(0, 700)),
      "--spec",
      SPEC,
    ]);
    expect(same.code).toBe(0);
    expect(same.out).toContain("dataset: no drift");
    expect(same.out).toMatch(/temp_max\s+numeric\s+ks/);
    const shifted = await keelCli([
      "drift",
      "--reference",
      reference,
      "--current",
      write(dir, "cur.csv", drifted(rows.slice(700))),
      "--spec",
      SPEC,
    ]);
    expect(shifted.code).toBe(0);
    expect(shifted.out).toContain("dataset: DRIFT");
  });

  test("--json prints the report with the service's field names", async () => {
    const dir = tempDir();
    const result = await keelCli([
      "drift",
      "--reference",
      write(dir, "ref.csv", rows),
      "--current",
      write(dir, "cur.csv", drifted(rows.slice(0, 400))),
      "--target",
      "weather",
      "--exclude",
      "date",
      "--json",
    ]);
    expect(result.code).toBe(0);
    const report = JSON.parse(result.out);
    expect(report.dataset_drift).toBe(true);
    expect(report.reference_rows).toBe(1461);
    expect(report.features.map((f: { feature: string }) => f.feature)).toEqual([
      "precipitation",
      "temp_max",
      "temp_min",
      "wind",
    ]);
    expect(report.features[1]).toMatchObject({
      type: "numeric",
      method: "wasserstein",
      threshold: 0.1,
      drifted: true,
    });
  });

  test("reads parquet, for either side", async () => {
    const dir = tempDir();
    const reference = await writeWeatherParquet(join(dir, "ref.parquet"), rows.slice(0, 700));
    const drift = (current: string) =>
      keelCli(["drift", "--reference", reference, "--current", current, "--spec", SPEC, "--json"]);
    const same = await drift(
      await writeWeatherParquet(join(dir, "same.parquet"), rows.slice(0, 700)),
    );
    expect(same.code).toBe(0);
    expect(JSON.parse(same.out)).toMatchObject({ dataset_drift: false, reference_rows: 700 });
    const shifted = await drift(write(dir, "cur.csv", drifted(rows.slice(700))));
    expect(shifted.code).toBe(0);
    expect(JSON.parse(shifted.out)).toMatchObject({ dataset_drift: true, current_rows: 761 });
    writeFileSync(join(dir, "junk.parquet"), "PAR1 this is not parquet PAR1");
    const junk = await drift(join(dir, "junk.parquet"));
    expect(junk.code).toBe(2);
    expect(junk.err).toContain("junk.parquet cannot be read");
  });

  test("bad input: one clear line and exit 2", async () => {
    const dir = tempDir();
    const reference = write(dir, "ref.csv", rows.slice(0, 50));
    const missingFile = await keelCli([
      "drift",
      "--reference",
      reference,
      "--current",
      join(dir, "nope.csv"),
    ]);
    expect(missingFile.code).toBe(2);
    expect(missingFile.err.trim().split("\n")).toHaveLength(1);
    const noCurrent = await keelCli(["drift", "--reference", reference]);
    expect(noCurrent.code).toBe(2);
    expect(noCurrent.err).toContain("--current");
    writeFileSync(join(dir, "narrow.csv"), "precipitation,wind\n1,2\n");
    const narrow = await keelCli([
      "drift",
      "--reference",
      reference,
      "--current",
      join(dir, "narrow.csv"),
    ]);
    expect(narrow.code).toBe(2);
    expect(narrow.err).toContain('"temp_max"');
  });
});

test("keel drift uses the spec beside the reference file: the target is not a feature, the text column is text", async () => {
  const dir = tempDir();
  const current = join(dir, "digits.csv");
  const lines = Array.from({ length: 300 }, (_, i) => `${100000 + i * 7919},1.0`);
  writeFileSync(current, `Password,Times\n${lines.join("\n")}\n`);
  const result = await keelCli([
    "drift",
    "--reference",
    join(ROOT, "data/passwords.csv"),
    "--current",
    current,
  ]);
  expect(result.code).toBe(0);
  expect(result.out).toMatch(/Password\s+text\s+jensenshannon/);
  expect(result.out).not.toContain("Times");
  expect(result.out).toContain("1 of 1 features drifted");
});
