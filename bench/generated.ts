// The generated 100,000 × 20 binary data set the benchmarks share (bench/train.ts
// fits on it, bench/peer.ts serves a model of it): a noisy logistic target with
// interactions and a step, like tabular data in the wild. Seeded, so every run and
// every benchmark sees the same rows.

import { writeFile } from "node:fs/promises";
import { createRandom } from "../src/data/random.ts";

export const GENERATED_ROWS = 100_000;
export const GENERATED_FEATURES = Array.from({ length: 20 }, (_, j) => `x${j}`);
export const GENERATED_TARGET = "target";

/** Writes the set as CSV (features x0…x19, then `target` 0/1) and returns `path`. */
export async function writeGenerated(path: string, seed = 42): Promise<string> {
  const random = createRandom(seed);
  const normal = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  const lines = [`${GENERATED_FEATURES.join(",")},${GENERATED_TARGET}`];
  for (let i = 0; i < GENERATED_ROWS; i++) {
    const x = Array.from({ length: GENERATED_FEATURES.length }, normal);
    const logit =
      x[0]! -
      0.8 * x[1]! +
      0.6 * x[2]! * x[3]! +
      (x[4]! > 0.5 ? 1.2 : -0.4) +
      0.5 * Math.sin(2 * x[5]!) +
      0.3 * x[6]! ** 2 -
      0.3;
    const y = random() < 1 / (1 + Math.exp(-logit)) ? 1 : 0;
    lines.push(`${x.map((v) => v.toFixed(5)).join(",")},${y}`);
  }
  await writeFile(path, `${lines.join("\n")}\n`);
  return path;
}
