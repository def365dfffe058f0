// The ONNX text subgraph on its own: its TF-IDF vectors equal the trainer's
// vectorizer (text/tfidf.ts) on awkward strings, for both analyzers, with and
// without idf and lowercasing — and the length block counts code points.

import { describe, expect, test } from "bun:test";
import { InferenceSession, Tensor } from "onnxruntime-node";
import { defaultTextOptions, type TextOptions } from "../../../src/data/text.ts";
import { ElemType, encodeModel, OPSETS, valueInfo } from "../../../src/training/onnx-builder.ts";
import {
  type GraphParts,
  lengthBlock,
  MS_DOMAIN,
  textBlock,
} from "../../../src/training/text/export-text.ts";
import { fitVectorizer, vectorize, vocabularyIndex } from "../../../src/training/text/tfidf.ts";

const TRAIN = [
  "quququququ",
  "The quick brown fox",
  "jumps over the lazy dog",
  "hunter2",
  "Tr0ub4dor&3",
  "correct horse battery staple",
  "ÉCOLE café über",
  "😀 smile 😀",
  "  spaced   out  ",
  "snake_case words_here",
];
const SERVED = [
  "",
  "THE QUICK",
  "ünknown ñ",
  "😀😀😀",
  "dog dog dog",
  "x".repeat(4096),
  "qu".repeat(2048),
  "a  b",
  "\t tab",
];

async function run(
  g: GraphParts,
  output: string,
  width: number | string,
  texts: string[],
  opset = 17,
) {
  const bytes = encodeModel({
    graphName: "text",
    nodes: g.nodes,
    initializers: g.initializers,
    inputs: [valueInfo("text", ElemType.STRING, ["N", 1])],
    outputs: [valueInfo(output, ElemType.DOUBLE, ["N", width])],
    opsets: [{ domain: "", version: opset }, OPSETS[1], { domain: MS_DOMAIN, version: 1 }],
  });
  const session = await InferenceSession.create(bytes);
  const result = await session.run({ text: new Tensor("string", texts, [texts.length, 1]) });
  return result[output]!.data as Float64Array;
}

const variants: [string, TextOptions][] = [
  ["char 1–3", defaultTextOptions("char")],
  ["word 1–2", defaultTextOptions("word")],
  ["char 2–4 without idf", { ...defaultTextOptions("char"), ngramRange: [2, 4], idf: false }],
  [
    "word 1–3 keeping case",
    { ...defaultTextOptions("word"), ngramRange: [1, 3], lowercase: false },
  ],
];

describe.each(variants)("the %s subgraph", (_, options) => {
  test("gives the trainer's vectors on training and unseen text", async () => {
    const vectorizer = fitVectorizer(
      TRAIN,
      TRAIN.map((__, i) => i),
      options,
    );
    const width = vectorizer.ngrams.length;
    const g: GraphParts = { nodes: [], initializers: [] };
    const output = textBlock(g, "text", vectorizer, "0");
    const texts = [...TRAIN, ...SERVED];
    const graph = await run(g, output, width, texts);
    const index = vocabularyIndex(vectorizer);
    let maxDiff = 0;
    texts.forEach((text, row) => {
      const expected = new Float64Array(width);
      const v = vectorize(text, vectorizer, index);
      v.indices.forEach((column, e) => {
        expected[column] = v.values[e]!;
      });
      for (let j = 0; j < width; j++) {
        maxDiff = Math.max(maxDiff, Math.abs(graph[row * width + j]! - expected[j]!));
      }
    });
    expect(maxDiff).toBeLessThanOrEqual(1e-12);
  });
});

test("the length subgraph (opset 19+, as the GBDT's graph) counts code points, empty text included", async () => {
  const g: GraphParts = { nodes: [], initializers: [] };
  const output = lengthBlock(g, "text", "0");
  const texts = ["", "abc", "😀x", "café", " a b "];
  expect(Array.from(await run(g, output, 1, texts, 21))).toEqual([0, 3, 2, 4, 5]);
  expect(Array.from(await run(g, output, 1, ["", ""], 21))).toEqual([0, 0]);
});
