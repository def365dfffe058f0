// One regression tree grown leaf-wise on gradients: the leaf whose best split
// gains most is split next, until max_leaf_nodes leaves (or max_depth, or no
// split gains anything). Rows are partitioned in place, so each leaf owns a
// contiguous range of the row array and its training predictions update
// without walking the tree.

import {
  buildHistogram,
  type Histogram,
  type HistogramHelper,
  releaseHistogram,
  subtractHistogram,
} from "./histogram.ts";
import { findBestSplit, type NodeTotals, type Split, type SplitSettings } from "./split.ts";

export interface TreeSettings extends SplitSettings {
  maxLeafNodes: number;
  maxDepth: number;
  learningRate: number;
}

/** A fitted tree: internal nodes and leaves; a child id < 0 is leaf ~id. */
export interface Tree {
  feature: Int32Array;
  /** Numeric: the largest bin going left; -1 for categorical nodes. */
  thresholdBin: Int32Array;
  /** Per node, 256 flags: which bins (including 255, missing) go left. */
  leftBins: Uint8Array[];
  left: Int32Array;
  right: Int32Array;
  gain: Float64Array;
  leafValues: Float64Array;
}

interface Leaf {
  start: number;
  end: number;
  depth: number;
  totals: NodeTotals;
  histogram: Histogram;
  split: Split | undefined;
  /** Where this leaf hangs: parent node index and side, or -1 for the root. */
  parent: number;
  side: "left" | "right";
}

export interface GrowInput {
  bins: Uint8Array[];
  kinds: readonly ("numeric" | "categorical")[];
  binCounts: readonly number[];
  /** The rows to fit (reordered in place). */
  rows: Uint32Array;
  grad: Float64Array;
  hess: Float64Array;
  /** A second core for large histograms, when the fit started one. */
  helper?: HistogramHelper;
}

export function growTree(
  input: GrowInput,
  settings: TreeSettings,
): { tree: Tree; leafRanges: [number, number][] } {
  const { bins, rows, grad, hess, helper } = input;
  const nodes: {
    feature: number;
    thresholdBin: number;
    leftBins: Uint8Array;
    gain: number;
    left: number;
    right: number;
  }[] = [];
  const makeLeaf = (
    start: number,
    end: number,
    depth: number,
    histogram: Histogram,
    totals: NodeTotals,
    parent: number,
    side: "left" | "right",
  ): Leaf => {
    const splittable = depth < settings.maxDepth && totals.count >= 2 * settings.minSamplesLeaf;
    const split = splittable
      ? findBestSplit(histogram, totals, input.kinds, input.binCounts, settings)
      : undefined;
    return { start, end, depth, totals, histogram, split, parent, side };
  };

  const rootHistogram = buildHistogram(bins, rows, 0, rows.length, grad, hess, helper);
  const leaves: Leaf[] = [
    makeLeaf(0, rows.length, 0, rootHistogram, totalsOf(rows, grad, hess), -1, "left"),
  ];
  while (leaves.length < settings.maxLeafNodes) {
    let pick = -1;
    for (let i = 0; i < leaves.length; i++) {
      const gain = leaves[i]!.split?.gain ?? 0;
      if (gain > 0 && (pick < 0 || gain > leaves[pick]!.split!.gain)) pick = i;
    }
    if (pick < 0) break;
    const leaf = leaves[pick]!;
    const split = leaf.split!;
    const middle = partition(rows, leaf.start, leaf.end, bins[split.feature]!, split.leftBins);
    const nodeIndex = nodes.length;
    nodes.push({
      feature: split.feature,
      thresholdBin: split.thresholdBin,
      leftBins: split.leftBins,
      gain: split.gain,
      left: 0,
      right: 0,
    });
    attach(nodes, leaf.parent, leaf.side, nodeIndex);
    const leftSmaller = middle - leaf.start <= leaf.end - middle;
    const small = leftSmaller
      ? buildHistogram(bins, rows, leaf.start, middle, grad, hess, helper)
      : buildHistogram(bins, rows, middle, leaf.end, grad, hess, helper);
    const large = subtractHistogram(leaf.histogram, small);
    const [leftHistogram, rightHistogram] = leftSmaller ? [small, large] : [large, small];
    const depth = leaf.depth + 1;
    leaves.splice(
      pick,
      1,
      makeLeaf(leaf.start, middle, depth, leftHistogram, split.left, nodeIndex, "left"),
      makeLeaf(middle, leaf.end, depth, rightHistogram, split.right, nodeIndex, "right"),
    );
  }

  for (const leaf of leaves) releaseHistogram(leaf.histogram);
  const leafValues = new Float64Array(leaves.length);
  const leafRanges: [number, number][] = [];
  leaves.forEach((leaf, i) => {
    leafValues[i] = (-leaf.totals.grad / (leaf.totals.hess + settings.l2)) * settings.learningRate;
    leafRanges.push([leaf.start, leaf.end]);
    attach(nodes, leaf.parent, leaf.side, ~i);
  });
  return {
    tree: {
      feature: Int32Array.from(nodes, (n) => n.feature),
      thresholdBin: Int32Array.from(nodes, (n) => n.thresholdBin),
      leftBins: nodes.map((n) => n.leftBins),
      left: Int32Array.from(nodes, (n) => n.left),
      right: Int32Array.from(nodes, (n) => n.right),
      gain: Float64Array.from(nodes, (n) => n.gain),
      leafValues,
    },
    leafRanges,
  };
}

function attach(
  nodes: { left: number; right: number }[],
  parent: number,
  side: "left" | "right",
  child: number,
): void {
  if (parent < 0) return;
  nodes[parent]![side] = child;
}

function totalsOf(rows: Uint32Array, grad: Float64Array, hess: Float64Array): NodeTotals {
  let g = 0;
  let h = 0;
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i]!;
    g += grad[r]!;
    h += hess[r]!;
  }
  return { grad: g, hess: h, count: rows.length };
}

/**
 * Moves the rows going left to the front of [start, end), keeping the order
 * of both sides (rows stay ascending, so every histogram pass below reads the
 * bin columns front to back); returns where the right side starts.
 */
function partition(
  rows: Uint32Array,
  start: number,
  end: number,
  column: Uint8Array,
  leftBins: Uint8Array,
): number {
  const right = partitionScratch(end - start);
  let l = start;
  let r = 0;
  for (let i = start; i < end; i++) {
    const row = rows[i]!;
    if (leftBins[column[row]!] === 1) rows[l++] = row;
    else right[r++] = row;
  }
  rows.set(right.subarray(0, r), l);
  return l;
}

let scratchRows = new Uint32Array(0);

function partitionScratch(n: number): Uint32Array {
  if (scratchRows.length < n) scratchRows = new Uint32Array(n);
  return scratchRows;
}

/** The leaf a binned row lands in. */
export function leafOfBins(tree: Tree, bins: Uint8Array[], row: number): number {
  if (tree.feature.length === 0) return 0;
  let node = 0;
  for (;;) {
    const next =
      tree.leftBins[node]![bins[tree.feature[node]!]![row]!] === 1
        ? tree.left[node]!
        : tree.right[node]!;
    if (next < 0) return ~next;
    node = next;
  }
}
