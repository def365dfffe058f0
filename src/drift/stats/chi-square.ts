// Pearson's chi-square goodness-of-fit test, as scipy.stats.chisquare(f_obs,
// f_exp): the statistic and its p-value on k − 1 degrees of freedom.

import type { TestResult } from "./ks.ts";
import { chiSquareSurvival } from "./special.ts";

export function chiSquare(observed: ArrayLike<number>, expected: ArrayLike<number>): TestResult {
  let statistic = 0;
  for (let i = 0; i < observed.length; i++) {
    const e = expected[i]!;
    const diff = observed[i]! - e;
    // An observed count where none was expected is infinitely surprising, as in scipy.
    statistic += e === 0 ? (diff === 0 ? Number.NaN : Number.POSITIVE_INFINITY) : (diff * diff) / e;
  }
  const dof = observed.length - 1;
  if (dof < 1) return { statistic: 0, pValue: 1 };
  return { statistic, pValue: chiSquareSurvival(statistic, dof) };
}
