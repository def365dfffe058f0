// A TF-IDF vectorizer with scikit-learn's TfidfVectorizer semantics (smooth
// idf, raw counts, L2-normalised rows; the max_features most frequent n-grams,
// ties broken alphabetically), fitted on the train rows only.
//
// The weights are rounded to float32 because ONNX's TfIdfVectorizer stores
// them as floats and multiplies in float: the trainer computes the very same
// products, so the graph and the trainer agree to the last bit before the
// (double) normalisation.

import {
  forEachNgram,
  ngramTokens,
  normalizeText,
  type TextOptions,
  tokenize,
} from "../../data/text.ts";

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

const SURROGATE = /[\uD800-\uDFFF]/;

/** Calls `visit` with the key of every n-gram occurrence in the text. */
function forEachNgramOf(text: string, options: TextOptions, visit: (key: string) => void): void {
  if (options.analyzer === "char" && !SURROGATE.test(text)) {
    // Every code point is one code unit: a char n-gram is a plain substring,
    // much cheaper than joining token arrays (this loop dominates fitting).
    const normalized = normalizeText(text, options);
    const [minN, maxN] = options.ngramRange;
    for (let n = minN; n <= maxN; n++) {
      for (let i = 0; i + n <= normalized.length; i++) visit(normalized.substring(i, i + n));
    }
    return;
  }
  forEachNgram(tokenize(text, options), options.analyzer, options.ngramRange, visit);
}

const byCodeUnits = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

export function fitVectorizer(
  values: readonly string[],
  rows: ArrayLike<number>,
  options: TextOptions,
): TextVectorizer {
  // One id per distinct n-gram; occurrences and documents counted by id, the
  // last document seen per id telling a new document from a repeat.
  const ids = new Map<string, number>();
  let total: Float64Array = new Float64Array(1024);
  let documents: Float64Array = new Float64Array(1024);
  let lastRow: Int32Array = new Int32Array(1024).fill(-1);
  for (let i = 0; i < rows.length; i++) {
    forEachNgramOf(values[rows[i]!]!, options, (key) => {
      let id = ids.get(key);
      if (id === undefined) {
        id = ids.size;
        ids.set(key, id);
        if (id === total.length) [total, documents, lastRow] = grown(total, documents, lastRow);
      }
      total[id] = total[id]! + 1;
      if (lastRow[id] !== i) {
        lastRow[id] = i;
        documents[id] = documents[id]! + 1;
      }
    });
  }
  const alphabetical = [...ids.keys()].sort(byCodeUnits);
  // A stable sort by frequency keeps alphabetical order among ties, as scikit-learn does.
  const kept = alphabetical
    .map((key, order) => ({ key, order, count: total[ids.get(key)!]! }))
    .sort((a, b) => b.count - a.count || a.order - b.order)
    .slice(0, options.maxFeatures)
    .map((entry) => ({ key: entry.key, n: ngramTokens(entry.key, options.analyzer).length }))
    .sort((a, b) => a.n - b.n || byCodeUnits(a.key, b.key))
    .map((entry) => entry.key);
  const n = rows.length;
  const weights = Float64Array.from(kept, (key) =>
    options.idf ? Math.fround(Math.log((1 + n) / (1 + documents[ids.get(key)!]!)) + 1) : 1,
  );
  return { options, ngrams: kept, weights };
}

/** The three counters at twice their size, new slots empty (lastRow -1). */
function grown(total: Float64Array, documents: Float64Array, lastRow: Int32Array) {
  const size = total.length * 2;
  const moreTotal = new Float64Array(size);
  moreTotal.set(total);
  const moreDocuments = new Float64Array(size);
  moreDocuments.set(documents);
  const moreLastRow = new Int32Array(size).fill(-1);
  moreLastRow.set(lastRow);
  return [moreTotal, moreDocuments, moreLastRow] as const;
}

/** Column index of each kept n-gram. */
export function vocabularyIndex(vectorizer: TextVectorizer): Map<string, number> {
  return new Map(vectorizer.ngrams.map((key, i) => [key, i]));
}

/** The TF-IDF row of one text: float32 sums of the weight per occurrence, then L2-normalised in double. */
export function vectorize(
  text: string,
  vectorizer: TextVectorizer,
  index: Map<string, number>,
): SparseVector {
  // onnxruntime's TfIdfVectorizer adds the weight once per occurrence in float32, so a
  // long repetitive text (4,096 × "a") drifts from count × weight; the sum is kept as it does.
  const sums = new Map<number, number>();
  forEachNgramOf(text, vectorizer.options, (key) => {
    const column = index.get(key);
    if (column !== undefined) {
      sums.set(column, Math.fround((sums.get(column) ?? 0) + vectorizer.weights[column]!));
    }
  });
  const indices = new Uint32Array(sums.size);
  const values = new Float64Array(sums.size);
  let size = 0;
  for (const [column, sum] of sums) {
    // Insertion keeps the columns ascending; a text has only tens of n-grams.
    let at = size++;
    while (at > 0 && indices[at - 1]! > column) {
      indices[at] = indices[at - 1]!;
      values[at] = values[at - 1]!;
      at--;
    }
    indices[at] = column;
    values[at] = sum;
  }
  let squares = 0;
  for (let e = 0; e < size; e++) squares += values[e]! * values[e]!;
  const norm = squares > 0 ? Math.sqrt(squares) : 1;
  for (let e = 0; e < size; e++) values[e] = values[e]! / norm;
  return { indices, values };
}
