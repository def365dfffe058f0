// Feature preprocessing fitted on the train rows only, kept as plain data so the
// ONNX exporter can rebuild exactly the same transform inside the graph.
//
// Design-matrix column order: every numeric feature first (dataset order),
// imputed with its median then standardised; then every categorical feature
// (dataset order) one-hot over its vocabulary, unknown or missing → all zeros;
// then every text feature's TF-IDF n-gram columns (text/tfidf.ts).

import type { CategoricalColumn, Dataset, NumericColumn, TextColumn } from "../data/dataset.ts";
import { createMatrixBuilder, type DesignMatrix } from "./design-matrix.ts";
import { fitVectorizer, type TextVectorizer, vectorize, vocabularyIndex } from "./text/tfidf.ts";

export interface NumericTransform {
  name: string;
  median: number;
  mean: number;
  std: number;
}

export interface CategoricalTransform {
  name: string;
  vocabulary: string[];
}

export interface TextTransform {
  name: string;
  vectorizer: TextVectorizer;
}

export interface Preprocessor {
  numeric: NumericTransform[];
  categorical: CategoricalTransform[];
  text: TextTransform[];
  /** Number of columns of the design matrix. */
  width: number;
}

/** Median of the non-NaN values at `rows`; 0 when there are none. */
export function medianOf(values: Float64Array, rows: Uint32Array): number {
  const present = new Float64Array(rows.length);
  let n = 0;
  for (let i = 0; i < rows.length; i++) {
    const v = values[rows[i]!]!;
    if (!Number.isNaN(v)) present[n++] = v;
  }
  if (n === 0) return 0;
  const sorted = present.subarray(0, n).sort();
  const mid = n >> 1;
  return n % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function fitNumeric(column: NumericColumn, rows: Uint32Array): NumericTransform {
  const median = medianOf(column.values, rows);
  const n = rows.length;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const v = column.values[rows[i]!]!;
    sum += Number.isNaN(v) ? median : v;
  }
  const mean = n > 0 ? sum / n : 0;
  let squares = 0;
  for (let i = 0; i < n; i++) {
    const v = column.values[rows[i]!]!;
    const d = (Number.isNaN(v) ? median : v) - mean;
    squares += d * d;
  }
  const std = n > 0 ? Math.sqrt(squares / n) : 0;
  return { name: column.name, median, mean, std: std > 0 && Number.isFinite(std) ? std : 1 };
}

/** Fits imputation, scaling and one-hot encoding on `rows` of `dataset`. */
export function fitPreprocessor(dataset: Dataset, rows: Uint32Array): Preprocessor {
  const numeric: NumericTransform[] = [];
  const categorical: CategoricalTransform[] = [];
  const text: TextTransform[] = [];
  for (const column of dataset.features) {
    if (column.type === "numeric") numeric.push(fitNumeric(column, rows));
    else if (column.type === "text") {
      text.push({
        name: column.name,
        vectorizer: fitVectorizer(column.values, rows, column.options),
      });
    } else if (column.type === "datetime") {
      throw new Error(`Datetime feature "${column.name}" must be expanded into its parts first`);
    } else categorical.push({ name: column.name, vocabulary: [...column.vocabulary] });
  }
  const width =
    numeric.length +
    categorical.reduce((w, c) => w + c.vocabulary.length, 0) +
    text.reduce((w, t) => w + t.vectorizer.ngrams.length, 0);
  return { numeric, categorical, text, width };
}

interface ColumnOfType {
  numeric: NumericColumn;
  categorical: CategoricalColumn;
  text: TextColumn;
}

function findColumn<T extends keyof ColumnOfType>(
  dataset: Dataset,
  name: string,
  type: T,
): ColumnOfType[T] {
  const column = dataset.features.find((f) => f.name === name);
  if (!column || column.type !== type) {
    throw new Error(`Feature "${name}" (${type}) is missing from the dataset`);
  }
  return column as ColumnOfType[T];
}

/** Maps the dataset's category codes onto the fitted vocabulary (-1 = not in it). */
function codeMap(column: CategoricalColumn, vocabulary: string[]): Int32Array {
  const index = new Map(vocabulary.map((v, i) => [v, i]));
  const map = new Int32Array(column.vocabulary.length);
  for (let c = 0; c < map.length; c++) map[c] = index.get(column.vocabulary[c]!) ?? -1;
  return map;
}

/** The design matrix (`rows.length` × `prep.width`, sparse rows) for `rows`. */
export function transform(prep: Preprocessor, dataset: Dataset, rows: Uint32Array): DesignMatrix {
  const numeric = prep.numeric.map((t) => findColumn(dataset, t.name, "numeric").values);
  const categorical = prep.categorical.map((t) => {
    const column = findColumn(dataset, t.name, "categorical");
    return { codes: column.codes, map: codeMap(column, t.vocabulary), size: t.vocabulary.length };
  });
  const text = prep.text.map((t) => ({
    values: findColumn(dataset, t.name, "text").values,
    vectorizer: t.vectorizer,
    index: vocabularyIndex(t.vectorizer),
  }));
  const builder = createMatrixBuilder(prep.width, rows.length);
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i]!;
    prep.numeric.forEach((t, j) => {
      const v = numeric[j]![row]!;
      builder.push(j, ((Number.isNaN(v) ? t.median : v) - t.mean) / t.std);
    });
    let offset = prep.numeric.length;
    for (const { codes, map, size } of categorical) {
      const code = codes[row]!;
      const k = code >= 0 && code < map.length ? map[code]! : -1;
      if (k >= 0) builder.push(offset + k, 1);
      offset += size;
    }
    for (const { values, vectorizer, index } of text) {
      const vector = vectorize(values[row]!, vectorizer, index);
      for (let e = 0; e < vector.indices.length; e++) {
        builder.push(offset + vector.indices[e]!, vector.values[e]!);
      }
      offset += vectorizer.ngrams.length;
    }
    builder.endRow();
  }
  return builder.finish();
}
