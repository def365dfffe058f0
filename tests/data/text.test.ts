// How text cells are recognised and split: the rules the ONNX graph must
// reproduce (ASCII-only lowercasing, code points, ASCII words).

import { describe, expect, test } from "bun:test";
import { inferFeature } from "../../src/data/schema.ts";
import {
  forEachNgram,
  looksLikeText,
  MAX_TEXT_CHARS,
  ngramTokens,
  tokenize,
  toText,
} from "../../src/data/text.ts";

const rowsOf = (n: number) => Uint32Array.from({ length: n }, (_, i) => i);

describe("a text column", () => {
  test("is a string column of mostly distinct values longer than a short code", () => {
    const passwords = Array.from({ length: 40 }, (_, i) => `secret${i * 7}x`);
    expect(looksLikeText(passwords, rowsOf(40))).toBe(true);
    expect(inferFeature("p", passwords, rowsOf(40)).type).toBe("text");
  });

  test("is not a column of a few repeated categories, nor a column of short codes", () => {
    const weather = Array.from({ length: 40 }, (_, i) => ["rain", "sun", "fog"][i % 3]!);
    expect(inferFeature("w", weather, rowsOf(40)).type).toBe("categorical");
    const codes = Array.from({ length: 40 }, (_, i) => `K${i}`);
    expect(looksLikeText(codes, rowsOf(40))).toBe(false);
  });

  test("short free text with spaces counts too, but not with fewer than 20 values", () => {
    const reasons = Array.from({ length: 30 }, (_, i) => `a b${i}`);
    expect(looksLikeText(reasons, rowsOf(30))).toBe(true);
    expect(looksLikeText(reasons, rowsOf(10))).toBe(false);
  });
});

describe("reading a text cell", () => {
  test("missing is empty, numbers and booleans become their string form, spaces are trimmed", () => {
    expect(toText(null)).toBe("");
    expect(toText(12.5)).toBe("12.5");
    expect(toText(true)).toBe("true");
    expect(toText("  hunter2 ")).toBe("hunter2");
  });

  test(`is cut at ${MAX_TEXT_CHARS} characters`, () => {
    expect(toText("x".repeat(MAX_TEXT_CHARS + 10))).toHaveLength(MAX_TEXT_CHARS);
  });
});

describe("tokens and n-grams", () => {
  test("lowercasing touches A–Z only; characters are code points", () => {
    expect(tokenize("ÉaB😀", { analyzer: "char", lowercase: true })).toEqual(["É", "a", "b", "😀"]);
    expect(tokenize("AB", { analyzer: "char", lowercase: false })).toEqual(["A", "B"]);
  });

  test("words are runs of two or more ASCII word characters", () => {
    expect(tokenize("The cat, a dog_2 café", { analyzer: "word", lowercase: true })).toEqual([
      "the",
      "cat",
      "dog_2",
      "caf",
    ]);
  });

  test("n-grams are keyed like scikit-learn's and map back to their tokens", () => {
    const keys: string[] = [];
    forEachNgram(["a", "b", " "], "char", [1, 2], (key) => keys.push(key));
    expect(keys).toEqual(["a", "b", " ", "ab", "b "]);
    const words: string[] = [];
    forEachNgram(["the", "cat", "sat"], "word", [2, 2], (key) => words.push(key));
    expect(words).toEqual(["the cat", "cat sat"]);
    expect(ngramTokens("b ", "char")).toEqual(["b", " "]);
    expect(ngramTokens("the cat", "word")).toEqual(["the", "cat"]);
  });
});
