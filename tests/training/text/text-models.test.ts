// Models on a text column, end to end in the calling thread: the linear model
// and the GBDT learn from n-grams, and the exported graph (Tokenizer →
// TfIdfVectorizer inside ONNX) matches the trainer within 1e-5 on holdout text
// that includes the awkward cases: empty, upper case, non-ASCII, emoji, n-grams
// never seen in training, and the longest text allowed.

import { describe, expect, test } from "bun:test";
import { InferenceSession, Tensor } from "onnxruntime-node";
import type { Dataset, TextColumn } from "../../../src/data/dataset.ts";
import { createRandom } from "../../../src/data/random.ts";
import { defaultTextOptions, MAX_TEXT_CHARS, type TextAnalyzer } from "../../../src/data/text.ts";
import { METADATA_KEYS } from "../../../src/registry/model-format.ts";
import { readMetadataProps } from "../../../src/training/onnx-builder.ts";
import type { Algorithm } from "../../../src/training/protocol.ts";
import { CHOLESKY_MAX_WIDTH } from "../../../src/training/ridge.ts";
import { trainModel } from "../../../src/training/train.ts";
import { classes, dataset, numeric, splitAt, values } from "../fixtures.ts";

const AWKWARD = ["", "HUNTER2", "ÉÉ café ünïcode", "😀😀 x", "zzqqjj", "a".repeat(MAX_TEXT_CHARS)];

const text = (name: string, rows: string[], analyzer: TextAnalyzer = "char"): TextColumn => ({
  name,
  type: "text",
  values: rows,
  options: defaultTextOptions(analyzer),
});

/** Strings whose digits and length set the target; the last rows are the awkward ones. */
function passwordLike(n: number, task: "regression" | "classification"): Dataset {
  const random = createRandom(11);
  const words = ["sun", "dragon", "monkey", "qwerty", "shadow", "master"];
  const strings: string[] = [];
  const scores: number[] = [];
  for (let i = 0; i < n; i++) {
    let s = words[Math.floor(random() * words.length)]!;
    let score = 0;
    const digits = Math.floor(random() * 5);
    for (let d = 0; d < digits; d++) s += String(Math.floor(random() * 10));
    score += digits;
    if (random() < 0.3) {
      s += "!#";
      score += 3;
    }
    strings.push(s);
    scores.push(score + random() * 0.5);
  }
  strings.splice(n - AWKWARD.length, AWKWARD.length, ...AWKWARD);
  const extra = numeric(
    "noise",
    Float64Array.from(strings, () => random()),
  );
  const target =
    task === "regression"
      ? values("strength", scores)
      : classes(
          "strong",
          Int32Array.from(scores, (s) => (s > 3 ? 1 : 0)),
          ["no", "yes"],
        );
  return dataset([text("password", strings), extra], target);
}

const train = (d: Dataset, algorithm: Algorithm) =>
  trainModel({
    dataset: d,
    // The awkward rows are at the end, so they land in the holdout.
    split: splitAt(d.rows, 0.8),
    options: { algorithm, modelName: "pw", runId: "r1" },
  });

describe.each(["linear", "gbdt"] as Algorithm[])("%s on a text column", (algorithm) => {
  test("regression learns from the n-grams and its graph matches the trainer", async () => {
    const result = await train(passwordLike(1500, "regression"), algorithm);
    expect(result.metrics.r2).toBeGreaterThan(0.8);
    expect(result.parityMaxAbsDiff).toBeLessThanOrEqual(1e-5);
  }, 30_000);

  test("classification learns from the n-grams and its graph matches the trainer", async () => {
    const result = await train(passwordLike(1500, "classification"), algorithm);
    expect(result.metrics.roc_auc).toBeGreaterThan(0.9);
    expect(result.parityMaxAbsDiff).toBeLessThanOrEqual(1e-5);
  }, 30_000);
});

test("the text options travel in the model's metadata, and the graph needs only the string", async () => {
  const d = passwordLike(400, "regression");
  d.features = [text("password", (d.features[0] as TextColumn).values, "word")];
  const result = await train(d, "linear");
  const features = JSON.parse(readMetadataProps(result.onnx)[METADATA_KEYS.features]!);
  expect(features).toEqual([
    { name: "password", type: "text", text: { ...defaultTextOptions("word") } },
  ]);
  const session = await InferenceSession.create(result.onnx);
  const out = await session.run({
    password: new Tensor("string", ["dragon 123", ""], [2, 1]),
  });
  expect(out.variable!.dims).toEqual([2, 1]);
});

test("thousands of n-gram columns are solved without a dense Gram matrix", async () => {
  const random = createRandom(3);
  const alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
  const strings = Array.from({ length: 3000 }, () =>
    Array.from({ length: 12 }, () => alphabet[Math.floor(random() * alphabet.length)]).join(""),
  );
  const target = Float64Array.from(strings, (s) => (s.match(/[0-9]/g) ?? []).length);
  const result = await train(dataset([text("s", strings)], values("digits", target)), "linear");
  expect(result.params.solver).toBe("conjugate_gradients");
  expect(result.metrics.r2).toBeGreaterThan(0.8);
  expect(result.parityMaxAbsDiff).toBeLessThanOrEqual(1e-5);
  expect(CHOLESKY_MAX_WIDTH).toBeLessThan(5000);
});

test("the GBDT reads the text's linear score and length, and its graph takes a batch of empty texts", async () => {
  const result = await train(passwordLike(1500, "regression"), "gbdt");
  expect(Object.keys(result.featureImportance!)).toEqual(["password", "noise"]);
  expect(result.featureImportance!.password).toBeGreaterThan(0.5);
  const session = await InferenceSession.create(result.onnx);
  const out = await session.run({
    password: new Tensor("string", ["", ""], [2, 1]),
    noise: new Tensor("float64", Float64Array.of(0.5, 0.5), [2, 1]),
  });
  const [a, b] = Array.from(out.variable!.data as Float64Array);
  expect(Number.isFinite(a)).toBe(true);
  expect(a).toBe(b!);
}, 30_000);
