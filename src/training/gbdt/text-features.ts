// Text for the GBDT: each text feature becomes the TF-IDF weights of its most
// frequent n-grams (GBDT_TEXT_NGRAMS of them), as plain numeric columns the
// trees can split on. Thousands of n-gram columns would multiply the cost of
// every histogram for little gain; the linear model is the one that reads the
// whole vocabulary. The export turns each block back into the same ONNX text
// subgraph the linear model uses, so the artifact still takes the raw string.

import type { Dataset, FeatureColumn, NumericColumn } from "../../data/dataset.ts";
import { fitVectorizer, type TextVectorizer, vectorize, vocabularyIndex } from "../text/tfidf.ts";

export const GBDT_TEXT_NGRAMS = 100;

export interface TextFeatureBlock {
  /** The text feature (the model input) this block is computed from. */
  feature: string;
  vectorizer: TextVectorizer;
  /** Names of the block's numeric columns in the expanded dataset, in vectorizer order. */
  columns: string[];
}

export interface TextExpansion {
  /** The dataset with every text feature replaced by its block of numeric columns. */
  dataset: Dataset;
  blocks: TextFeatureBlock[];
  /** For each expanded feature, the name of the original feature it comes from. */
  origin: string[];
}

/** Fits the n-gram vocabularies on `trainRows` and expands every row of the dataset. */
export function expandText(dataset: Dataset, trainRows: Uint32Array): TextExpansion {
  const features: FeatureColumn[] = [];
  const blocks: TextFeatureBlock[] = [];
  const origin: string[] = [];
  for (const column of dataset.features) {
    if (column.type !== "text") {
      features.push(column);
      origin.push(column.name);
      continue;
    }
    const options = { ...column.options, maxFeatures: GBDT_TEXT_NGRAMS };
    const vectorizer = fitVectorizer(column.values, trainRows, options);
    const index = vocabularyIndex(vectorizer);
    const width = vectorizer.ngrams.length;
    const dense = vectorizer.ngrams.map(() => new Float64Array(dataset.rows));
    column.values.forEach((text, row) => {
      const vector = vectorize(text, vectorizer, index);
      for (let e = 0; e < vector.indices.length; e++) {
        dense[vector.indices[e]!]![row] = vector.values[e]!;
      }
    });
    const names = Array.from({ length: width }, (_, i) => `keel/${column.name}/ngram${i}`);
    names.forEach((name, i) => {
      features.push({ name, type: "numeric", values: dense[i]! } satisfies NumericColumn);
      origin.push(column.name);
    });
    blocks.push({ feature: column.name, vectorizer, columns: names });
  }
  return { dataset: { ...dataset, features }, blocks, origin };
}
