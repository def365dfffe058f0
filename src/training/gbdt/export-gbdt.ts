// Exports a fitted GBDT as a keel ONNX graph, in double precision end to end:
//   text inputs → TF-IDF (text/export-text.ts) → linear score(s), and length ┐
//   numeric inputs (NaN = missing), datetime inputs → calendar parts ┤
//   categorical inputs → LabelEncoder (category → bin, unseen → NaN) → Cast ┘→ Concat → X
//   X → TreeEnsemble (ai.onnx.ml 5) → + base scores → Sigmoid/Softmax → probabilities, ArgMax → label
//                                                  (regression: the sum is `variable`)
// ai.onnx.ml 5's TreeEnsemble replaces TreeEnsembleClassifier/Regressor: its
// thresholds and leaf weights are doubles (the older ops compute in float32,
// which cannot meet the 1e-5 parity bound on targets in the hundreds), it
// routes category subsets natively (BRANCH_MEMBER), and each node says where
// missing values go (nodes_missing_value_tracks_true).

import type { onnx } from "onnx-proto";
import {
  type KeelModelMetadata,
  OUTPUT_NAMES,
  toMetadataProps,
} from "../../registry/model-format.ts";
import { datetimePrelude } from "../export-datetime.ts";
import {
  attr,
  doubleTensor,
  ElemType,
  encodeModel,
  inputElement,
  ML_DOMAIN,
  makeNode,
  uint8Tensor,
  valueInfo,
} from "../onnx-builder.ts";
import { type GraphParts, lengthBlock, MS_DOMAIN, textBlock } from "../text/export-text.ts";
import { MISSING_BIN } from "./binning.ts";
import type { GbdtModel } from "./boosting.ts";
import type { TextFeatureBlock } from "./text-features.ts";

const OPSETS = [
  { domain: "", version: 21 },
  { domain: ML_DOMAIN, version: 5 },
] as const;
const BRANCH_LEQ = 0;
const BRANCH_MEMBER = 6;

/** `textBlocks` say which numeric columns the graph computes from a text input (text-features.ts). */
export function exportGbdt(
  model: GbdtModel,
  metadata: KeelModelMetadata,
  textBlocks: readonly TextFeatureBlock[] = [],
): Uint8Array {
  const nodes: onnx.INodeProto[] = [];
  const initializers: onnx.ITensorProto[] = [];
  for (const f of metadata.features) {
    if (f.type === "datetime") datetimePrelude({ nodes, initializers }, f);
  }
  const blockOf = new Map(textBlocks.flatMap((block) => block.columns.map((c) => [c, block])));
  const columns = model.binnings.flatMap((binning) => {
    const block = blockOf.get(binning.name);
    if (block) {
      if (block.columns[0] !== binning.name) return [];
      return [scoreAndLength({ nodes, initializers }, block, String(textBlocks.indexOf(block)))];
    }
    if (binning.kind === "numeric") return binning.name;
    const keys = binning.categories.flat();
    const values = binning.categories.flatMap((names, bin) => names.map(() => bin));
    nodes.push(
      makeNode("LabelEncoder", [binning.name], [`keel/${binning.name}/bin_f`], {
        domain: ML_DOMAIN,
        attributes: [
          attr.strings("keys_strings", keys),
          attr.floats("values_floats", values),
          attr.float("default_float", Number.NaN),
        ],
      }),
      makeNode("Cast", [`keel/${binning.name}/bin_f`], [`keel/${binning.name}/bin`], {
        attributes: [attr.int("to", ElemType.DOUBLE)],
      }),
    );
    return `keel/${binning.name}/bin`;
  });
  nodes.push(makeNode("Concat", columns, ["keel/X"], { attributes: [attr.int("axis", 1)] }));
  nodes.push(
    makeNode("TreeEnsemble", ["keel/X"], ["keel/raw"], {
      domain: ML_DOMAIN,
      attributes: ensembleAttributes(model),
    }),
  );
  initializers.push(doubleTensor("keel/base", [model.outputs], model.baseScores));
  nodes.push(
    makeNode(
      "Add",
      ["keel/raw", "keel/base"],
      [model.task === "regression" ? OUTPUT_NAMES.regression : "keel/scores"],
    ),
  );
  const outputs =
    model.task === "regression"
      ? [valueInfo(OUTPUT_NAMES.regression, ElemType.DOUBLE, ["N", 1])]
      : classifierHead(model, nodes, initializers);
  const inputs = metadata.features.map((f) => valueInfo(f.name, inputElement(f), ["N", 1]));
  return encodeModel({
    graphName: "keel_gbdt",
    nodes,
    inputs,
    outputs,
    initializers,
    metadataProps: toMetadataProps(metadata),
    irVersion: 10,
    opsets: textBlocks.length > 0 ? [...OPSETS, { domain: MS_DOMAIN, version: 1 }] : OPSETS,
  });
}

/** The block's columns from the raw text: the linear score(s) of its TF-IDF row, then its length. */
function scoreAndLength(g: GraphParts, block: TextFeatureBlock, id: string): string {
  const { scorer } = block;
  const name = (part: string) => `keel/text${id}_${part}`;
  const tfidf = textBlock(g, block.feature, block.vectorizer, id);
  g.initializers.push(
    doubleTensor(name("coef"), [block.vectorizer.ngrams.length, scorer.outputs], scorer.coef),
    doubleTensor(name("intercept"), [scorer.outputs], scorer.intercept),
  );
  g.nodes.push(
    makeNode("MatMul", [tfidf, name("coef")], [name("product")]),
    makeNode("Add", [name("product"), name("intercept")], [name("score")]),
    makeNode("Concat", [name("score"), lengthBlock(g, block.feature, id)], [name("columns")], {
      attributes: [attr.int("axis", 1)],
    }),
  );
  return name("columns");
}

function classifierHead(
  model: GbdtModel,
  nodes: onnx.INodeProto[],
  initializers: onnx.ITensorProto[],
): onnx.IValueInfoProto[] {
  const { probabilities, label } = OUTPUT_NAMES;
  if (model.outputs === 1) {
    initializers.push(doubleTensor("keel/one", [1], [1]));
    nodes.push(
      makeNode("Sigmoid", ["keel/scores"], ["keel/p1"]),
      makeNode("Sub", ["keel/one", "keel/p1"], ["keel/p0"]),
      makeNode("Concat", ["keel/p0", "keel/p1"], [probabilities], {
        attributes: [attr.int("axis", 1)],
      }),
    );
  } else {
    nodes.push(
      makeNode("Softmax", ["keel/scores"], [probabilities], { attributes: [attr.int("axis", 1)] }),
    );
  }
  nodes.push(
    makeNode("ArgMax", [probabilities], [label], {
      attributes: [attr.int("axis", 1), attr.int("keepdims", 0)],
    }),
  );
  return [
    valueInfo(label, ElemType.INT64, ["N"]),
    valueInfo(probabilities, ElemType.DOUBLE, ["N", model.numClasses]),
  ];
}

/**
 * The categories a BRANCH_MEMBER node tests for its true branch. onnxruntime
 * refuses a node with an empty set, which a split sending only the missing
 * values left would be: that node tests the other categories instead, with
 * its branches swapped.
 */
function membershipTest(leftBins: Uint8Array, categoryBins: number) {
  const left: number[] = [];
  const right: number[] = [];
  for (let b = 0; b < categoryBins; b++) (leftBins[b] === 1 ? left : right).push(b);
  const missingLeft = leftBins[MISSING_BIN]!;
  if (left.length > 0) return { members: left, missingTrue: missingLeft, swapped: false };
  return { members: right, missingTrue: 1 - missingLeft, swapped: true };
}

/** The flat node and leaf arrays of every tree, children indexed across the whole ensemble. */
function ensembleAttributes(model: GbdtModel): onnx.IAttributeProto[] {
  const feature: number[] = [];
  const modes: number[] = [];
  const splits: number[] = [];
  const membership: number[] = [];
  const missingTrue: number[] = [];
  const trueIds: number[] = [];
  const trueLeaf: number[] = [];
  const falseIds: number[] = [];
  const falseLeaf: number[] = [];
  const roots: number[] = [];
  const leafTargets: number[] = [];
  const leafWeights: number[] = [];
  model.trees.forEach((tree, t) => {
    const nodeOffset = feature.length;
    const leafOffset = leafWeights.length;
    roots.push(nodeOffset);
    for (const value of tree.leafValues) {
      leafTargets.push(t % model.outputs);
      leafWeights.push(value);
    }
    const child = (id: number) =>
      id < 0 ? { id: leafOffset + ~id, leaf: 1 } : { id: nodeOffset + id, leaf: 0 };
    if (tree.feature.length === 0) {
      // A tree that never split: one node whose both branches reach its only leaf.
      feature.push(0);
      modes.push(BRANCH_LEQ);
      splits.push(0);
      missingTrue.push(0);
      trueIds.push(leafOffset);
      trueLeaf.push(1);
      falseIds.push(leafOffset);
      falseLeaf.push(1);
      return;
    }
    for (let i = 0; i < tree.feature.length; i++) {
      const f = tree.feature[i]!;
      const binning = model.binnings[f]!;
      feature.push(f);
      let left = child(tree.left[i]!);
      let right = child(tree.right[i]!);
      if (binning.kind === "numeric") {
        modes.push(BRANCH_LEQ);
        splits.push(binning.edges[tree.thresholdBin[i]!]!);
        missingTrue.push(tree.leftBins[i]![MISSING_BIN]!);
      } else {
        const test = membershipTest(tree.leftBins[i]!, binning.categories.length);
        modes.push(BRANCH_MEMBER);
        splits.push(0);
        membership.push(...test.members, Number.NaN);
        missingTrue.push(test.missingTrue);
        if (test.swapped) [left, right] = [right, left];
      }
      trueIds.push(left.id);
      trueLeaf.push(left.leaf);
      falseIds.push(right.id);
      falseLeaf.push(right.leaf);
    }
  });
  return [
    attr.int("aggregate_function", 1),
    attr.ints("leaf_targetids", leafTargets),
    attr.tensor("leaf_weights", doubleTensor("leaf_weights", [leafWeights.length], leafWeights)),
    ...(membership.length > 0
      ? [
          attr.tensor(
            "membership_values",
            doubleTensor("membership_values", [membership.length], membership),
          ),
        ]
      : []),
    attr.int("n_targets", model.outputs),
    attr.ints("nodes_falseleafs", falseLeaf),
    attr.ints("nodes_falsenodeids", falseIds),
    attr.ints("nodes_featureids", feature),
    attr.ints("nodes_missing_value_tracks_true", missingTrue),
    attr.tensor("nodes_modes", uint8Tensor("nodes_modes", modes)),
    attr.tensor("nodes_splits", doubleTensor("nodes_splits", [splits.length], splits)),
    attr.ints("nodes_trueleafs", trueLeaf),
    attr.ints("nodes_truenodeids", trueIds),
    attr.int("post_transform", 0),
    attr.ints("tree_roots", roots),
  ];
}
