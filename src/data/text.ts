// Text columns: when a string column is free text rather than a category, how
// its cells are read, and how a string becomes the n-grams a model counts.
// Training, serving and drift all split text here, and the exported ONNX graph
// (training/text/export-text.ts) reproduces exactly these rules:
//   - lowercasing touches A–Z only (ONNX StringNormalizer under the C locale);
//   - char n-grams run over Unicode code points, whitespace kept as it is;
//   - words are runs of two or more ASCII word characters [0-9A-Za-z_].

import type { Cell } from "./table.ts";

export type TextAnalyzer = "char" | "word";

export interface TextOptions {
  analyzer: TextAnalyzer;
  /** Smallest and largest n-gram length, inclusive. */
  ngramRange: [number, number];
  /** Keep the most frequent n-grams (training rows), at most this many. */
  maxFeatures: number;
  /** Weight counts by smoothed inverse document frequency. */
  idf: boolean;
  lowercase: boolean;
}

/** Longer text is cut here when training and refused by /predict (422). */
export const MAX_TEXT_CHARS = 4096;

export function defaultTextOptions(analyzer: TextAnalyzer = "char"): TextOptions {
  return {
    analyzer,
    ngramRange: analyzer === "char" ? [1, 3] : [1, 2],
    maxFeatures: 5000,
    idf: true,
    lowercase: true,
  };
}

/** A text cell as a string: "" when missing, numbers and booleans as their string form. */
export function toText(cell: Cell | undefined): string {
  if (cell === null || cell === undefined) return "";
  const text = typeof cell === "string" ? cell.trim() : String(cell);
  return text.length > MAX_TEXT_CHARS ? text.slice(0, MAX_TEXT_CHARS) : text;
}

/** At least this many values before a column can be judged free text. */
const MIN_TEXT_VALUES = 20;

/**
 * Free text rather than a category: most present values are distinct and they
 * are longer than a short code (mean ≥ 5 characters) or hold spaces.
 */
export function looksLikeText(cells: readonly Cell[], rows: ArrayLike<number>): boolean {
  const distinct = new Set<string>();
  let present = 0;
  let characters = 0;
  let spaced = 0;
  for (let i = 0; i < rows.length; i++) {
    const cell = cells[rows[i]!];
    if (cell === null || cell === undefined || typeof cell !== "string") continue;
    present++;
    characters += cell.length;
    if (cell.includes(" ")) spaced++;
    distinct.add(cell);
  }
  if (present < MIN_TEXT_VALUES || distinct.size < present * 0.5) return false;
  return characters / present >= 5 || spaced >= present / 2;
}

const ASCII_UPPER = /[A-Z]+/g;

function lowerAscii(text: string): string {
  return text.replace(ASCII_UPPER, (run) => run.toLowerCase());
}

const WORD = /[0-9A-Za-z_]{2,}/g;

/** Length in code points, as the char analyzer (and the graph's character Tokenizer) counts it. */
export function characterCount(text: string): number {
  let count = 0;
  for (const _ of text) count++;
  return count;
}

/** The text as the tokenizer sees it: A–Z lowercased when asked. */
export function normalizeText(text: string, options: Pick<TextOptions, "lowercase">): string {
  return options.lowercase ? lowerAscii(text) : text;
}

/** The tokens n-grams are built from: code points (char) or words. */
export function tokenize(text: string, options: Pick<TextOptions, "analyzer" | "lowercase">) {
  const normalized = normalizeText(text, options);
  return options.analyzer === "char" ? Array.from(normalized) : (normalized.match(WORD) ?? []);
}

/**
 * Calls `visit` with each n-gram of the tokens, in order, keyed as
 * scikit-learn keys them: char n-grams as the substring, word n-grams joined
 * by one space. Neither a character nor a word holds a space-joined run, so a
 * key names exactly one token sequence (see ngramTokens).
 */
export function forEachNgram(
  tokens: readonly string[],
  analyzer: TextAnalyzer,
  [minN, maxN]: [number, number],
  visit: (key: string) => void,
): void {
  const joiner = analyzer === "char" ? "" : " ";
  for (let n = minN; n <= maxN; n++) {
    for (let i = 0; i + n <= tokens.length; i++) {
      visit(n === 1 ? tokens[i]! : tokens.slice(i, i + n).join(joiner));
    }
  }
}

/** The token sequence an n-gram key stands for. */
export function ngramTokens(key: string, analyzer: TextAnalyzer): string[] {
  return analyzer === "char" ? Array.from(key) : key.split(" ");
}
