// A retrain keeps the production model's features: a text feature keeps its
// n-gram options (a word-analyzer model is not retrained on characters),
// unless the spec now declares other options.

import { expect, test } from "bun:test";
import { resolve } from "node:path";
import { defaultTextOptions } from "../../src/data/text.ts";
import { loadTrainingData } from "../../src/pipeline/training-data.ts";
import type { ModelVersion } from "../../src/registry/registry.ts";

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
