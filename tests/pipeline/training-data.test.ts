// A retrain keeps the production model's features: a text feature keeps its
// n-gram options (a word-analyzer model is not retrained on characters),
// unless the spec now declares other options.

import { describe, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { defaultTextOptions } from "../../src/data/text.ts";
import { loadTrainingData } from "../../src/pipeline/training-data.ts";
import type { ModelVersion } from "../../src/registry/registry.ts";
import { caughtAppError } from "../helpers/app-error.ts";
import { useTempDirs } from "../helpers/temp-dir.ts";

const PASSWORDS = resolve(import.meta.dir, "../../data/passwords.csv");
const wordOptions = { ...defaultTextOptions("word"), maxFeatures: 300 };

const champion = {
  version: 1,
  signature: {
    task: "regression",
    target: "Times",
    features: [{ name: "Password", type: "text", text: wordOptions }],
    inputs: { layout: "per-feature", tensors: [] },
    outputs: { labelIsIndex: false, value: "variable" },
  },
} as unknown as ModelVersion;

test("a text feature keeps the production model's options on retrain", async () => {
  const { dataset } = await loadTrainingData(
    { dataUrl: PASSWORDS, spec: { target: "Times" } },
    champion,
  );
  const [feature] = dataset.features;
  expect(feature?.type === "text" && feature.options).toEqual(wordOptions);
});

test("options the spec declares now win over the production model's", async () => {
  const spec = {
    target: "Times",
    features: { Password: { type: "text" as const, analyzer: "char" as const, max_features: 50 } },
  };
  const { dataset } = await loadTrainingData({ dataUrl: PASSWORDS, spec }, champion);
  const [feature] = dataset.features;
  expect(feature?.type === "text" && feature.options).toEqual({
    ...defaultTextOptions("char"),
    maxFeatures: 50,
  });
});

describe("data the production model does not fit is INVALID_DATA, as a load failure is", () => {
  const dir = useTempDirs("keel-training-data-");
  const numericCsv = () => {
    const path = join(dir(), "week.csv");
    const rows = Array.from({ length: 30 }, (_, i) => `${i},${i % 4},${(i * 7) % 11}`);
    writeFileSync(path, `a,b,y\n${rows.join("\n")}\n`);
    return path;
  };
  const production = (signature: Record<string, unknown>) =>
    ({
      version: 3,
      signature: {
        task: "regression",
        target: "y",
        features: [{ name: "a", type: "numeric" }],
        ...signature,
      },
    }) as unknown as ModelVersion;

  test("another target than production's", async () => {
    const error = await caughtAppError(() =>
      loadTrainingData({ dataUrl: numericCsv(), target: "y" }, production({ target: "z" })),
    );
    expect(error.code).toBe("INVALID_DATA");
    expect(error.message).toBe(
      'The data\'s target "y" differs from "z" of version 3 in production',
    );
  });

  test("a target that now reads as another task", async () => {
    const error = await caughtAppError(() =>
      loadTrainingData({ dataUrl: numericCsv() }, production({ task: "classification" })),
    );
    expect(error.code).toBe("INVALID_DATA");
    expect(error.message).toBe(
      "The data reads as regression but version 3 in production is classification",
    );
  });

  test("a feature of production's missing from the data", async () => {
    const features = [
      { name: "a", type: "numeric" },
      { name: "wind", type: "numeric" },
    ];
    const error = await caughtAppError(() =>
      loadTrainingData({ dataUrl: numericCsv() }, production({ features })),
    );
    expect(error.code).toBe("INVALID_DATA");
    expect(error.message).toContain('Feature "wind" is missing');
  });
});
