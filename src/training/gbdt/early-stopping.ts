// Early stopping as scikit-learn's HistGradientBoosting (1.2) does it: above
// 10,000 training rows ("auto"), a validation split is held out of the fit,
// stratified by class for classifiers, and boosting stops once none of the
// last n_iter_no_change iterations lowered the validation loss by more than
// tol below the loss n_iter_no_change + 1 scores back, the model before any
// tree being the first score.

import { createRandom, shuffleInPlace } from "../../data/random.ts";

export interface EarlyStoppingParams {
  earlyStopping: "auto" | boolean;
  validationFraction: number;
  nIterNoChange: number;
  tol: number;
  seed: number;
}

/**
 * The fit and validation rows (both ascending). `classOf` gives a row's class
 * for a classifier: each class then gives the same share of its rows, so a
 * rare class's weight in the validation loss does not depend on the draw.
 */
export function splitValidation(
  rows: Uint32Array,
  params: EarlyStoppingParams,
  classOf?: Int32Array,
): { fitRows: Uint32Array; validationRows: Uint32Array } {
  const on = params.earlyStopping === "auto" ? rows.length > 10_000 : params.earlyStopping;
  if (!on) return { fitRows: rows, validationRows: new Uint32Array(0) };
  const random = createRandom(params.seed);
  const held = new Uint8Array(rows.length);
  for (const group of groupsOf(rows, classOf)) {
    shuffleInPlace(group, random);
    const cut = Math.max(1, Math.round(group.length * params.validationFraction));
    for (let i = 0; i < Math.min(cut, group.length - 1); i++) held[group[i]!] = 1;
  }
  const validationRows = rows.filter((_, i) => held[i] === 1);
  const fitRows = rows.filter((_, i) => held[i] === 0);
  return { fitRows: fitRows.sort(), validationRows: validationRows.sort() };
}

/** Positions into `rows`, one group per class (one group for regression). */
function groupsOf(rows: Uint32Array, classOf?: Int32Array): Uint32Array[] {
  if (!classOf) return [Uint32Array.from(rows, (_, i) => i)];
  const members = new Map<number, number[]>();
  for (let i = 0; i < rows.length; i++) {
    const c = classOf[rows[i]!]!;
    const group = members.get(c);
    if (group) group.push(i);
    else members.set(c, [i]);
  }
  return [...members.keys()].sort((a, b) => a - b).map((c) => Uint32Array.from(members.get(c)!));
}

/**
 * scikit-learn's rule on validation losses, the first being the model before
 * any tree: stop when none of the last n beat the one before them by tol.
 */
export function shouldStop(losses: readonly number[], params: EarlyStoppingParams): boolean {
  const n = params.nIterNoChange;
  if (losses.length < n + 1) return false;
  const reference = losses[losses.length - n - 1]!;
  for (let i = losses.length - n; i < losses.length; i++) {
    if (losses[i]! < reference - params.tol) return false;
  }
  return true;
}
