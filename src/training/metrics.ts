// Holdout metrics as plain functions over typed arrays, matching scikit-learn's
// definitions: accuracy, macro F1, log loss (clipped at 1e-15, rows renormalised),
// ROC AUC (binary, ties get half credit), RMSE, MAE and R².

/** Share of rows where the predicted class equals the true one. */
export function accuracy(yTrue: Int32Array, yPred: Int32Array): number {
  let hits = 0;
  for (let i = 0; i < yTrue.length; i++) if (yTrue[i] === yPred[i]) hits++;
  return yTrue.length > 0 ? hits / yTrue.length : Number.NaN;
}

/** Unweighted mean of per-class F1 over the classes present in yTrue or yPred. */
export function macroF1(yTrue: Int32Array, yPred: Int32Array, numClasses: number): number {
  const tp = new Float64Array(numClasses);
  const fp = new Float64Array(numClasses);
  const fn = new Float64Array(numClasses);
  for (let i = 0; i < yTrue.length; i++) {
    const t = yTrue[i]!;
    const p = yPred[i]!;
    if (t === p) tp[t] = tp[t]! + 1;
    else {
      fp[p] = fp[p]! + 1;
      fn[t] = fn[t]! + 1;
    }
  }
  let sum = 0;
  let present = 0;
  for (let k = 0; k < numClasses; k++) {
    const denominator = 2 * tp[k]! + fp[k]! + fn[k]!;
    if (denominator === 0) continue;
    sum += (2 * tp[k]!) / denominator;
    present++;
  }
  return present > 0 ? sum / present : Number.NaN;
}

const EPS = 1e-15;

/** Mean negative log-likelihood; probabilities are [n, numClasses] row-major. */
export function logLoss(
  yTrue: Int32Array,
  probabilities: Float64Array,
  numClasses: number,
): number {
  const n = yTrue.length;
  let total = 0;
  for (let i = 0; i < n; i++) {
    let rowSum = 0;
    for (let k = 0; k < numClasses; k++) {
      rowSum += Math.min(Math.max(probabilities[i * numClasses + k]!, EPS), 1 - EPS);
    }
    const p = Math.min(Math.max(probabilities[i * numClasses + yTrue[i]!]!, EPS), 1 - EPS);
    total -= Math.log(p / rowSum);
  }
  return n > 0 ? total / n : Number.NaN;
}

/** 1-based ranks of `values`, tied values sharing their average rank. */
export function averageRanks(values: Float64Array): Float64Array {
  const n = values.length;
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  order.sort((a, b) => values[a]! - values[b]!);
  const ranks = new Float64Array(n);
  let start = 0;
  while (start < n) {
    let end = start + 1;
    while (end < n && values[order[end]!] === values[order[start]!]) end++;
    const rank = (start + 1 + end) / 2;
    for (let k = start; k < end; k++) ranks[order[k]!] = rank;
    start = end;
  }
  return ranks;
}

/** Area under the ROC curve for binary labels (1 = positive); NaN when only one class is present. */
export function rocAuc(yTrue: Int32Array, scores: Float64Array): number {
  return rocAucFromRanks(yTrue, averageRanks(scores));
}

/** rocAuc with the scores' ranks computed once (averageRanks), for many labelings of one set of scores. */
export function rocAucFromRanks(yTrue: Int32Array, ranks: Float64Array): number {
  let positives = 0;
  let rankSum = 0;
  for (let i = 0; i < yTrue.length; i++) {
    if (yTrue[i] === 1) {
      positives++;
      rankSum += ranks[i]!;
    }
  }
  const negatives = yTrue.length - positives;
  if (positives === 0 || negatives === 0) return Number.NaN;
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

export function rmse(yTrue: Float64Array, yPred: Float64Array): number {
  let sum = 0;
  for (let i = 0; i < yTrue.length; i++) sum += (yTrue[i]! - yPred[i]!) ** 2;
  return yTrue.length > 0 ? Math.sqrt(sum / yTrue.length) : Number.NaN;
}

export function mae(yTrue: Float64Array, yPred: Float64Array): number {
  let sum = 0;
  for (let i = 0; i < yTrue.length; i++) sum += Math.abs(yTrue[i]! - yPred[i]!);
  return yTrue.length > 0 ? sum / yTrue.length : Number.NaN;
}

/** Coefficient of determination; like sklearn, 1 for a perfect fit of a constant target, else 0 there. */
export function r2(yTrue: Float64Array, yPred: Float64Array): number {
  const n = yTrue.length;
  if (n === 0) return Number.NaN;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += yTrue[i]!;
  mean /= n;
  let residual = 0;
  let total = 0;
  for (let i = 0; i < n; i++) {
    residual += (yTrue[i]! - yPred[i]!) ** 2;
    total += (yTrue[i]! - mean) ** 2;
  }
  if (total === 0) return residual === 0 ? 1 : 0;
  return 1 - residual / total;
}

/** accuracy, macro_f1, log_loss, and roc_auc when there are two classes. */
export function classificationMetrics(
  yTrue: Int32Array,
  probabilities: Float64Array,
  numClasses: number,
  yPred: Int32Array,
): Record<string, number> {
  const metrics: Record<string, number> = {
    accuracy: accuracy(yTrue, yPred),
    macro_f1: macroF1(yTrue, yPred, numClasses),
    log_loss: logLoss(yTrue, probabilities, numClasses),
  };
  if (numClasses === 2) {
    const positive = new Float64Array(yTrue.length);
    for (let i = 0; i < positive.length; i++) positive[i] = probabilities[2 * i + 1]!;
    metrics.roc_auc = rocAuc(yTrue, positive);
  }
  return metrics;
}

export function regressionMetrics(
  yTrue: Float64Array,
  yPred: Float64Array,
): Record<string, number> {
  return { rmse: rmse(yTrue, yPred), mae: mae(yTrue, yPred), r2: r2(yTrue, yPred) };
}
