// One drift check of a 100,000-row reference against a 10,000-row window, 20
// numeric + 2 categorical features, as the service runs it (profile built
// beforehand, as at registration). In the same run, scipy's time for the same
// statistics when /usr/bin/python3 has scipy. Prints one line:
//   drift_check_ms=… scipy_ms=… ratio=…   (ratio = keel / scipy; below 1 is faster)
//
// Run: bun bench/drift.ts   (npm run bench:drift)

import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { FeatureColumn } from "../src/data/dataset.ts";
import { createRandom } from "../src/data/random.ts";
import { categoricalColumn, numericColumn } from "../src/drift/live-columns.ts";
import { buildReferenceProfile } from "../src/drift/profile.ts";
import { computeDriftReport } from "../src/drift/report.ts";

const REFERENCE_ROWS = 100_000;
const CURRENT_ROWS = 10_000;
const NUMERIC = 20;
const CATEGORICAL = 2;
const PYTHON = "/usr/bin/python3";
const random = createRandom(2026);

function gaussian(n: number, shift: number): number[] {
  return Array.from(
    { length: n },
    () =>
      shift +
      Math.sqrt(-2 * Math.log(Math.max(random(), 1e-12))) * Math.cos(2 * Math.PI * random()),
  );
}

function categories(n: number, k: number): string[] {
  return Array.from({ length: n }, () => `c${Math.floor(random() ** 2 * k)}`);
}

function table(rows: number, shift: number) {
  const numeric = Array.from(
    { length: NUMERIC },
    (_, i) => [`x${i}`, gaussian(rows, i % 3 === 0 ? shift : 0)] as const,
  );
  const categorical = Array.from(
    { length: CATEGORICAL },
    (_, i) => [`c${i}`, categories(rows, 10 + 90 * i)] as const,
  );
  return { numeric, categorical };
}

function columns(t: ReturnType<typeof table>): FeatureColumn[] {
  return [
    ...t.numeric.map(([name, values]) => numericColumn(name, values)),
    ...t.categorical.map(([name, values]) => categoricalColumn(name, values)),
  ];
}

async function scipyMs(
  reference: ReturnType<typeof table>,
  current: ReturnType<typeof table>,
): Promise<number | undefined> {
  const probe = Bun.spawnSync([PYTHON, "-c", "import scipy"], { stderr: "pipe" });
  if (probe.exitCode !== 0) return undefined;
  const dir = await mkdtemp(join(tmpdir(), "keel-drift-bench-"));
  try {
    const file = join(dir, "data.json");
    const asObject = (t: ReturnType<typeof table>) =>
      Object.fromEntries([...t.numeric, ...t.categorical]);
    await writeFile(
      file,
      JSON.stringify({
        reference: asObject(reference),
        current: asObject(current),
        numeric: reference.numeric.map(([n]) => n),
        categorical: reference.categorical.map(([n]) => n),
      }),
    );
    const run = Bun.spawnSync([PYTHON, resolve(import.meta.dir, "drift_scipy.py"), file], {
      stdout: "pipe",
      stderr: "pipe",
    });
    if (run.exitCode !== 0) throw new Error(`scipy bench failed: ${run.stderr.toString()}`);
    return Number(run.stdout.toString().trim());
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const reference = table(REFERENCE_ROWS, 0);
const current = table(CURRENT_ROWS, 0.3);
const profile = buildReferenceProfile({ features: columns(reference) });
const currentColumns = columns(current);

let best = Number.POSITIVE_INFINITY;
let drifted = 0;
for (let i = 0; i < 5; i++) {
  const start = performance.now();
  const report = computeDriftReport(profile, { features: currentColumns });
  best = Math.min(best, performance.now() - start);
  drifted = report.drifted_features.length;
}
const scipy = await scipyMs(reference, current);
const keel = `drift_check_ms=${best.toFixed(2)}`;
if (scipy === undefined) {
  console.log(
    `${keel} scipy_ms=unavailable (no scipy for ${PYTHON}; apt-get install python3-scipy) drifted=${drifted}`,
  );
} else {
  console.log(
    `${keel} scipy_ms=${scipy.toFixed(2)} ratio=${(best / scipy).toFixed(3)} drifted=${drifted}`,
  );
}
