// The ONNX subgraph of one text feature, computing what text/tfidf.ts computes:
//   string [N, 1] → Reshape [N] → StringNormalizer (lowercase A–Z)
//   → com.microsoft.Tokenizer (code points, or words by regex) → [N, T]
//   → TfIdfVectorizer (the kept n-grams and their float weights) → [N, V] float
//   → Cast double → divide by the row's L2 norm (an all-zero row stays zero).
// The result is a double [N, V] block the caller concatenates with the others.

import type { onnx } from "onnx-proto";
import { ngramTokens } from "../../data/text.ts";
import {
  attr,
  doubleTensor,
  ElemType,
  int64Tensor,
  makeNode,
  stringTensor,
} from "../onnx-builder.ts";
import type { TextVectorizer } from "./tfidf.ts";

export const MS_DOMAIN = "com.microsoft";

/** Pads short rows of the token matrix; longer than one character, so it never equals a token. */
const PAD = "<keel:pad>";
/** Words as data/text.ts reads them (RE2 syntax, used by the Tokenizer). */
const WORD_PATTERN = "[0-9A-Za-z_]{2,}";
/** Below any real norm (weights are ≥ 1), above zero: an empty text divides 0 by it. */
const SMALLEST_NORM = 1e-300;

export interface GraphParts {
  nodes: onnx.INodeProto[];
  initializers: onnx.ITensorProto[];
}

/** Appends the text block of feature `input` to `g`; returns the name of its [N, V] double output. */
export function textBlock(g: GraphParts, input: string, vectorizer: TextVectorizer, id: string) {
  const name = (part: string) => `keel/text${id}_${part}`;
  const { options } = vectorizer;
  g.initializers.push(
    int64Tensor(name("flat_shape"), [1], [-1]),
    int64Tensor(name("axes"), [1], [1]),
    doubleTensor(name("smallest"), [1], [SMALLEST_NORM]),
  );
  g.nodes.push(makeNode("Reshape", [input, name("flat_shape")], [name("flat")]));
  let strings = name("flat");
  if (options.lowercase) {
    g.nodes.push(
      makeNode("StringNormalizer", [strings], [name("lower")], {
        // The C locale lowercases A–Z only, and exists on every machine.
        attributes: [attr.string("case_change_action", "LOWER"), attr.string("locale", "C")],
      }),
    );
    strings = name("lower");
  }
  const split =
    options.analyzer === "char"
      ? [attr.strings("separators", [""])]
      : [attr.string("tokenexp", WORD_PATTERN)];
  g.nodes.push(
    makeNode("Tokenizer", [strings], [name("tokens")], {
      domain: MS_DOMAIN,
      attributes: [
        ...split,
        attr.int("mark", 0),
        attr.string("pad_value", PAD),
        attr.int("mincharnum", 1),
      ],
    }),
    makeNode("TfIdfVectorizer", [name("tokens")], [name("counts")], {
      attributes: poolAttributes(vectorizer),
    }),
    makeNode("Cast", [name("counts")], [name("weighted")], {
      attributes: [attr.int("to", ElemType.DOUBLE)],
    }),
    makeNode("Mul", [name("weighted"), name("weighted")], [name("squares")]),
    makeNode("ReduceSum", [name("squares"), name("axes")], [name("sum")], {
      attributes: [attr.int("keepdims", 1)],
    }),
    makeNode("Sqrt", [name("sum")], [name("norm")]),
    makeNode("Max", [name("norm"), name("smallest")], [name("divisor")]),
    makeNode("Div", [name("weighted"), name("divisor")], [name("tfidf")]),
  );
  return name("tfidf");
}

/** The n-gram pool grouped by n (the vectorizer's column order), with its start offsets. */
function poolAttributes(vectorizer: TextVectorizer): onnx.IAttributeProto[] {
  const { analyzer, ngramRange, idf } = vectorizer.options;
  const [minN, maxN] = ngramRange;
  const pool: string[] = [];
  const starts = new Array<number>(maxN).fill(-1);
  for (const key of vectorizer.ngrams) {
    const tokens = ngramTokens(key, analyzer);
    if (starts[tokens.length - 1] === -1) starts[tokens.length - 1] = pool.length;
    pool.push(...tokens);
  }
  // An n with no kept n-gram starts where the next one does.
  for (let n = maxN - 1; n >= 0; n--) {
    if (starts[n] === -1) starts[n] = n === maxN - 1 ? pool.length : starts[n + 1]!;
  }
  return [
    attr.string("mode", idf ? "TFIDF" : "TF"),
    attr.int("min_gram_length", minN),
    attr.int("max_gram_length", maxN),
    attr.int("max_skip_count", 0),
    attr.strings("pool_strings", pool),
    attr.ints("ngram_counts", starts),
    attr.ints(
      "ngram_indexes",
      vectorizer.ngrams.map((_, i) => i),
    ),
    ...(idf ? [attr.floats("weights", vectorizer.weights)] : []),
  ];
}

/**
 * Appends the length in characters (code points) of feature `input`; returns
 * its [N, 1] double name. Equal on strings needs opset 19 or later (the GBDT's graph has 21).
 */
export function lengthBlock(g: GraphParts, input: string, id: string): string {
  const name = (part: string) => `keel/text${id}_length_${part}`;
  g.initializers.push(
    int64Tensor(name("flat_shape"), [1], [-1]),
    int64Tensor(name("axes"), [1], [1]),
    stringTensor(name("pad"), [1], [PAD]),
  );
  g.nodes.push(
    makeNode("Reshape", [input, name("flat_shape")], [name("flat")]),
    makeNode("Tokenizer", [name("flat")], [name("chars")], {
      domain: MS_DOMAIN,
      attributes: [
        attr.strings("separators", [""]),
        attr.int("mark", 0),
        attr.string("pad_value", PAD),
        attr.int("mincharnum", 1),
      ],
    }),
    makeNode("Equal", [name("chars"), name("pad")], [name("is_pad")]),
    makeNode("Not", [name("is_pad")], [name("is_char")]),
    makeNode("Cast", [name("is_char")], [name("ones")], {
      attributes: [attr.int("to", ElemType.DOUBLE)],
    }),
    makeNode("ReduceSum", [name("ones"), name("axes")], [name("length")], {
      attributes: [attr.int("keepdims", 1)],
    }),
  );
  return name("length");
}
