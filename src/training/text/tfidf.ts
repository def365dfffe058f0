// A TF-IDF vectorizer with scikit-learn's TfidfVectorizer semantics (smooth
// idf, raw counts, L2-normalised rows; the max_features most frequent n-grams,
// ties broken alphabetically), fitted on the train rows only.
//
// The weights are rounded to float32 because ONNX's TfIdfVectorizer stores
// them as floats and multiplies in float: the trainer computes the very same
// products, so the graph and the trainer agree to the last bit before the
// (double) normalisation.

import { forEachNgram, ngramTokens, type TextOptions, tokenize } from "../../data/text.ts";

export interface TextVectorizer {
  options: TextOptions;
  /**
   * Kept n-gram keys (see data/text.ts) in column order: by n, then
   * alphabetically. Grouping by n is the layout ONNX's TfIdfVectorizer pool
   * wants, so a column index is also the n-gram's position in the pool.
   */
  ngrams: string[];
  /** Per n-gram weight: float32-rounded smoothed idf, or 1 without idf. */
  weights: Float64Array;
}

/** One text's non-zero entries: column indices (ascending) and L2-normalised values. */
export interface SparseVector {
  indices: Uint32Array;
  values: Float64Array;
}

/** N-gram counts of one text, keyed as the vocabulary keys them. */
function countNgrams(text: string, options: TextOptions): Map<string, number> {
  const counts = new Map<string, number>();
  forEachNgram(tokenize(text, options), options.analyzer, options.ngramRange, (key) => {
    counts.set(key, (counts.get(key) ?? 0) + 1);
  });
  return counts;
}

const byCodeUnits = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

export function fitVectorizer(
  values: readonly string[],
  rows: ArrayLike<number>,
  options: TextOptions,
): TextVectorizer {
  const total = new Map<string, number>();
  const documents = new Map<string, number>();
  for (let i = 0; i < rows.length; i++) {
    for (const [key, count] of countNgrams(values[rows[i]!]!, options)) {
      total.set(key, (total.get(key) ?? 0) + count);
      documents.set(key, (documents.get(key) ?? 0) + 1);
    }
  }
  const alphabetical = [...total.keys()].sort(byCodeUnits);
  // A stable sort by frequency keeps alphabetical order among ties, as scikit-learn does.
  const kept = alphabetical
    .map((key, order) => ({ key, order, count: total.get(key)! }))
    .sort((a, b) => b.count - a.count || a.order - b.order)
    .slice(0, options.maxFeatures)
    .map((entry) => ({ key: entry.key, n: ngramTokens(entry.key, options.analyzer).length }))
    .sort((a, b) => a.n - b.n || byCodeUnits(a.key, b.key))
    .map((entry) => entry.key);
  const n = rows.length;
  const weights = Float64Array.from(kept, (key) =>
    options.idf ? Math.fround(Math.log((1 + n) / (1 + documents.get(key)!)) + 1) : 1,
  );
  return { options, ngrams: kept, weights };
}

/** Column index of each kept n-gram. */
export function vocabularyIndex(vectorizer: TextVectorizer): Map<string, number> {
  return new Map(vectorizer.ngrams.map((key, i) => [key, i]));
}

/** The TF-IDF row of one text: float32 products of count and weight, then L2-normalised in double. */
export function vectorize(
  text: string,
  vectorizer: TextVectorizer,
  index: Map<string, number>,
): SparseVector {
  const entries: [number, number][] = [];
  for (const [key, count] of countNgrams(text, vectorizer.options)) {
    const column = index.get(key);
    if (column !== undefined) {
      entries.push([column, Math.fround(count * vectorizer.weights[column]!)]);
    }
  }
  entries.sort((a, b) => a[0] - b[0]);
  let squares = 0;
  for (const [, value] of entries) squares += value * value;
  const norm = squares > 0 ? Math.sqrt(squares) : 1;
  return {
    indices: Uint32Array.from(entries, (e) => e[0]),
    values: Float64Array.from(entries, (e) => e[1] / norm),
  };
}
