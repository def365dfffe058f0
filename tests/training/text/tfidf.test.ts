// The vectorizer against scikit-learn 1.2.1's TfidfVectorizer on the same
// documents (values printed by sklearn; idf weights are float32 in keel, so
// agreement is to about 1e-7).

import { describe, expect, test } from "bun:test";
import { defaultTextOptions, type TextOptions } from "../../../src/data/text.ts";
import { fitVectorizer, vectorize, vocabularyIndex } from "../../../src/training/text/tfidf.ts";

/** Each document's row as {n-gram: value}, zeros left out. */
function rowsByKey(docs: string[], options: TextOptions) {
  const vectorizer = fitVectorizer(docs, [0, 1, 2, 3].slice(0, docs.length), options);
  const index = vocabularyIndex(vectorizer);
  return {
    vectorizer,
    rows: docs.map((doc) => {
      const v = vectorize(doc, vectorizer, index);
      return Object.fromEntries(
        Array.from(v.indices, (c, e) => [vectorizer.ngrams[c]!, v.values[e]!]),
      );
    }),
  };
}

function expectRow(actual: Record<string, number>, expected: Record<string, number>) {
  expect(Object.keys(actual).sort()).toEqual(Object.keys(expected).sort());
  for (const [key, value] of Object.entries(expected)) expect(actual[key]!).toBeCloseTo(value, 6);
}

describe("TF-IDF like scikit-learn", () => {
  test("char 1–2-grams, max_features 6: the most frequent n-grams, ties alphabetical", () => {
    const options = {
      ...defaultTextOptions("char"),
      ngramRange: [1, 2] as [number, number],
      maxFeatures: 6,
    };
    const { vectorizer, rows } = rowsByKey(["abca", "Bcd", "ab", "xyz zz"], options);
    expect([...vectorizer.ngrams].sort()).toEqual(["a", "ab", "b", "bc", "c", "z"]);
    const idf = Object.fromEntries(vectorizer.ngrams.map((k, i) => [k, vectorizer.weights[i]!]));
    expect(idf.a).toBeCloseTo(1.51082562, 6);
    expect(idf.b).toBeCloseTo(1.22314355, 6);
    expect(idf.z).toBeCloseTo(1.91629073, 6);
    expectRow(rows[0]!, {
      a: 0.72284504,
      ab: 0.36142252,
      b: 0.29260268,
      bc: 0.36142252,
      c: 0.36142252,
    });
    expectRow(rows[1]!, { b: 0.49681612, bc: 0.61366674, c: 0.61366674 });
    expectRow(rows[3]!, { z: 1 });
  });

  test("word 1–2-grams", () => {
    const { rows } = rowsByKey(
      ["the cat sat", "The cat ran a mile", "dogs ran"],
      defaultTextOptions("word"),
    );
    expectRow(rows[0]!, {
      cat: 0.3935112,
      "cat sat": 0.51741994,
      sat: 0.51741994,
      the: 0.3935112,
      "the cat": 0.3935112,
    });
    expectRow(rows[2]!, { dogs: 0.62276601, "dogs ran": 0.62276601, ran: 0.4736296 });
  });

  test("columns are grouped by n (the ONNX pool layout); an unseen or empty text is all zeros", () => {
    const { vectorizer } = rowsByKey(["abc", "bcd"], defaultTextOptions("char"));
    const lengths = vectorizer.ngrams.map((k) => [...k].length);
    expect(lengths).toEqual([...lengths].sort());
    const index = vocabularyIndex(vectorizer);
    expect(vectorize("", vectorizer, index).indices).toHaveLength(0);
    expect(vectorize("xyz", vectorizer, index).indices).toHaveLength(0);
  });

  test("without idf the weights are 1 and rows are still unit length", () => {
    const options = { ...defaultTextOptions("char"), idf: false };
    const { vectorizer, rows } = rowsByKey(["aab", "b"], options);
    expect(Array.from(vectorizer.weights).every((w) => w === 1)).toBe(true);
    const squares = Object.values(rows[0]!).reduce((s, v) => s + v * v, 0);
    expect(squares).toBeCloseTo(1, 12);
  });
});
