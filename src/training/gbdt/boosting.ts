// Histogram gradient boosting as scikit-learn's HistGradientBoosting does it:
// squared error, binary log loss or multiclass softmax (one tree per class per
// iteration), leaf-wise trees on pre-binned features, shrinkage, L2 on leaf
// values, and early stopping on a validation split when the data is large
// (early-stopping.ts).

import type { Dataset } from "../../data/dataset.ts";
import { createRandom, shuffleInPlace } from "../../data/random.ts";
import { type BinnedData, binDataset, type FeatureBinning } from "./binning.ts";
import { shouldStop, splitValidation } from "./early-stopping.ts";
import { startHistogramHelper } from "./histogram-helper.ts";
import { growTree, leafOfBins, type Tree } from "./tree.ts";

export interface GbdtParams {
  learningRate: number;
  maxIter: number;
  maxLeafNodes: number;
  maxDepth: number;
  minSamplesLeaf: number;
  l2Regularization: number;
  /** "auto": on above 10,000 training rows, as scikit-learn. */
  earlyStopping: "auto" | boolean;
  validationFraction: number;
  nIterNoChange: number;
  tol: number;
  seed: number;
  /** Sum half of each large histogram on a second core (histogram-helper.ts); same model either way. */
  secondCore: boolean;
}

export const DEFAULT_GBDT_PARAMS: GbdtParams = {
  learningRate: 0.1,
  maxIter: 100,
  maxLeafNodes: 31,
  maxDepth: Number.POSITIVE_INFINITY,
  minSamplesLeaf: 20,
  l2Regularization: 0,
  earlyStopping: "auto",
  validationFraction: 0.1,
  nIterNoChange: 10,
  tol: 1e-7,
  seed: 42,
  secondCore: true,
};

export interface GbdtModel {
  kind: "gbdt";
  task: "classification" | "regression";
  /** Score columns: 1 for regression and binary, K for K classes. */
  outputs: number;
  numClasses: number;
  baseScores: Float64Array;
  /** trees[iteration * outputs + k] adds to score column k. */
  trees: Tree[];
  binnings: FeatureBinning[];
  /** Total split gain per feature, normalised to sum 1. */
  importance: Float64Array;
  iterations: number;
  earlyStopped: boolean;
}

export interface GbdtFit {
  model: GbdtModel;
  /** Training (and validation, when early stopping) loss per iteration. */
  curve: { step: number; loss: number; validationLoss?: number }[];
  /** Rows the trees were fitted on: the train rows less the validation split, when early stopping. */
  fitRows: number;
}

type Progress = (step: number, loss: number) => void;

/** Below this many (rows × features) a second core costs more to start than it saves. */
const HELPER_MIN_CELLS = 1_000_000;

export function fitGbdt(
  dataset: Dataset,
  trainRows: Uint32Array,
  params: GbdtParams,
  onIteration: Progress = () => {},
): GbdtFit {
  const binned = binDataset(dataset, trainRows);
  const target = dataset.target;
  const { fitRows, validationRows } = splitValidation(
    trainRows,
    params,
    target.task === "classification" ? target.codes : undefined,
  );
  const objective = objectiveFor(dataset);
  const k = objective.outputs;
  const n = dataset.rows;
  const raw = new Float64Array(n * k);
  const baseScores = objective.baseScores(fitRows);
  for (const part of [fitRows, validationRows]) {
    for (let i = 0; i < part.length; i++)
      for (let c = 0; c < k; c++) raw[part[i]! * k + c] = baseScores[c]!;
  }
  const lossRows = sampleRows(fitRows, LOSS_SAMPLE, params.seed);
  // Shared memory, so a histogram helper on the second core reads them as they are written.
  const grad = new Float64Array(new SharedArrayBuffer(n * 8));
  const hess = new Float64Array(new SharedArrayBuffer(n * 8));
  const rows = new Uint32Array(new SharedArrayBuffer(fitRows.length * 4));
  rows.set(fitRows);
  const helper = params.secondCore ? helperFor(binned, rows, grad, hess) : undefined;
  try {
    const kinds = binned.binnings.map((b) => b.kind);
    const trees: Tree[] = [];
    const importance = new Float64Array(dataset.features.length);
    const curve: GbdtFit["curve"] = [];
    const settings = {
      maxLeafNodes: params.maxLeafNodes,
      maxDepth: params.maxDepth,
      minSamplesLeaf: params.minSamplesLeaf,
      l2: params.l2Regularization,
      minHessian: 1e-3,
      learningRate: params.learningRate,
    };
    let earlyStopped = false;
    // The model before any tree is the first score early stopping compares against.
    const validationLosses =
      validationRows.length > 0 ? [objective.loss(raw, validationRows)] : undefined;
    for (let iteration = 1; iteration <= params.maxIter; iteration++) {
      for (let c = 0; c < k; c++) {
        objective.gradients(raw, fitRows, c, grad, hess);
        // Every tree starts from ascending rows (the partitions keep them so within each
        // node): the histogram passes then read the bin columns and gradients front to back.
        rows.set(fitRows);
        const { tree, leafRanges } = growTree(
          { bins: binned.bins, kinds, binCounts: binned.binCounts, rows, grad, hess, helper },
          settings,
        );
        trees.push(tree);
        tree.feature.forEach((f, i) => {
          importance[f]! += tree.gain[i]!;
        });
        const column = { raw, k, c };
        addToFitRows(tree, leafRanges, rows, column);
        addToRows(tree, binned.bins, validationRows, column);
      }
      const loss = objective.loss(raw, lossRows);
      const validationLoss = validationLosses ? objective.loss(raw, validationRows) : undefined;
      curve.push(
        validationLoss === undefined
          ? { step: iteration, loss }
          : { step: iteration, loss, validationLoss },
      );
      onIteration(iteration, loss);
      if (validationLosses && validationLoss !== undefined) {
        validationLosses.push(validationLoss);
        if (shouldStop(validationLosses, params)) {
          earlyStopped = true;
          break;
        }
      }
    }
    const total = importance.reduce((a, b) => a + b, 0);
    if (total > 0) for (let i = 0; i < importance.length; i++) importance[i]! /= total;
    return {
      model: {
        kind: "gbdt",
        task: dataset.target.task,
        outputs: k,
        numClasses: dataset.target.task === "classification" ? dataset.target.classes.length : 0,
        baseScores,
        trees,
        binnings: binned.binnings,
        importance,
        iterations: trees.length / k,
        earlyStopped,
      },
      curve,
      fitRows: fitRows.length,
    };
  } finally {
    helper?.close();
  }
}

/** Starts a histogram helper when the data is large enough to repay it (histogram-helper.ts). */
function helperFor(binned: BinnedData, rows: Uint32Array, grad: Float64Array, hess: Float64Array) {
  const features = binned.bins.length;
  if (rows.length * features < HELPER_MIN_CELLS) return undefined;
  return startHistogramHelper({
    bins: binned.bins[0]!.buffer as SharedArrayBuffer,
    rowOrder: rows.buffer as SharedArrayBuffer,
    grad: grad.buffer as SharedArrayBuffer,
    hess: hess.buffer as SharedArrayBuffer,
    features,
    rows: binned.bins[0]!.length,
  });
}

/** Score column c of the raw predictions, row-major with k columns. */
interface ScoreColumn {
  raw: Float64Array;
  k: number;
  c: number;
}

/** The fit rows need no tree walk: each leaf owns a range of the partitioned rows. */
function addToFitRows(
  tree: Tree,
  leafRanges: [number, number][],
  rows: Uint32Array,
  { raw, k, c }: ScoreColumn,
): void {
  for (let leaf = 0; leaf < leafRanges.length; leaf++) {
    const [start, end] = leafRanges[leaf]!;
    const value = tree.leafValues[leaf]!;
    for (let i = start; i < end; i++) raw[rows[i]! * k + c] += value;
  }
}

function addToRows(tree: Tree, bins: Uint8Array[], rows: Uint32Array, { raw, k, c }: ScoreColumn) {
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i]!;
    raw[r * k + c] += tree.leafValues[leafOfBins(tree, bins, r)]!;
  }
}

/** The training loss of the curve is measured on at most this many rows (as scikit-learn scores). */
const LOSS_SAMPLE = 10_000;

function sampleRows(rows: Uint32Array, size: number, seed: number): Uint32Array {
  if (rows.length <= size) return rows;
  const shuffled = rows.slice();
  shuffleInPlace(shuffled, createRandom(seed + 1));
  return shuffled.subarray(0, size).slice().sort();
}

interface Objective {
  outputs: number;
  baseScores(rows: Uint32Array): Float64Array;
  /** Gradients and hessians of score column c for `rows`. */
  gradients(
    raw: Float64Array,
    rows: Uint32Array,
    c: number,
    grad: Float64Array,
    hess: Float64Array,
  ): void;
  loss(raw: Float64Array, rows: Uint32Array): number;
}

function objectiveFor(dataset: Dataset): Objective {
  const target = dataset.target;
  if (target.task === "regression") return squaredError(target.values);
  return target.classes.length === 2
    ? binaryLogLoss(target.codes)
    : softmaxLoss(target.codes, target.classes.length);
}

function squaredError(y: Float64Array): Objective {
  return {
    outputs: 1,
    baseScores: (rows) => Float64Array.of(rows.reduce((s, r) => s + y[r]!, 0) / rows.length),
    gradients(raw, rows, _c, grad, hess) {
      for (let i = 0; i < rows.length; i++) {
        const r = rows[i]!;
        grad[r] = raw[r]! - y[r]!;
        hess[r] = 1;
      }
    },
    loss(raw, rows) {
      let sum = 0;
      for (let i = 0; i < rows.length; i++) sum += (raw[rows[i]!]! - y[rows[i]!]!) ** 2;
      return sum / (2 * rows.length);
    },
  };
}

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
const EPS = 1e-15;

function binaryLogLoss(codes: Int32Array): Objective {
  return {
    outputs: 1,
    baseScores(rows) {
      const p = Math.min(
        1 - EPS,
        Math.max(EPS, rows.reduce((s, r) => s + codes[r]!, 0) / rows.length),
      );
      return Float64Array.of(Math.log(p / (1 - p)));
    },
    gradients(raw, rows, _c, grad, hess) {
      for (let i = 0; i < rows.length; i++) {
        const r = rows[i]!;
        const p = sigmoid(raw[r]!);
        grad[r] = p - codes[r]!;
        hess[r] = Math.max(p * (1 - p), 1e-16);
      }
    },
    loss(raw, rows) {
      let sum = 0;
      for (let i = 0; i < rows.length; i++) {
        const r = rows[i]!;
        const p = Math.min(1 - EPS, Math.max(EPS, sigmoid(raw[r]!)));
        sum -= codes[r] === 1 ? Math.log(p) : Math.log(1 - p);
      }
      return sum / rows.length;
    },
  };
}

function softmaxLoss(codes: Int32Array, k: number): Objective {
  const probabilities = (raw: Float64Array, r: number, out: Float64Array) => {
    let max = Number.NEGATIVE_INFINITY;
    for (let c = 0; c < k; c++) max = Math.max(max, raw[r * k + c]!);
    let sum = 0;
    for (let c = 0; c < k; c++) {
      out[c] = Math.exp(raw[r * k + c]! - max);
      sum += out[c]!;
    }
    for (let c = 0; c < k; c++) out[c]! /= sum;
  };
  const p = new Float64Array(k);
  return {
    outputs: k,
    baseScores(rows) {
      const counts = new Float64Array(k);
      for (const r of rows) counts[codes[r]!]!++;
      return Float64Array.from(counts, (count) => Math.log(Math.max(count / rows.length, EPS)));
    },
    gradients(raw, rows, c, grad, hess) {
      for (let i = 0; i < rows.length; i++) {
        const r = rows[i]!;
        probabilities(raw, r, p);
        grad[r] = p[c]! - (codes[r] === c ? 1 : 0);
        hess[r] = Math.max(p[c]! * (1 - p[c]!), 1e-16);
      }
    },
    loss(raw, rows) {
      let sum = 0;
      for (let i = 0; i < rows.length; i++) {
        const r = rows[i]!;
        probabilities(raw, r, p);
        sum -= Math.log(Math.max(p[codes[r]!]!, EPS));
      }
      return sum / rows.length;
    },
  };
}

export type { BinnedData };
