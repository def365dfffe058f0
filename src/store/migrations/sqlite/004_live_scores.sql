-- Live rows keep what the label-free estimate and the shadow challenger need:
-- the served model's class probabilities (JSON array, in the model's class
-- order; NULL for a regressor) and, when a shadow version scored the row, its
-- version, prediction and probabilities.
ALTER TABLE live_rows ADD COLUMN probabilities TEXT;
ALTER TABLE live_rows ADD COLUMN shadow_version INTEGER;
ALTER TABLE live_rows ADD COLUMN shadow_prediction TEXT;
ALTER TABLE live_rows ADD COLUMN shadow_probabilities TEXT;

-- A shadow promotion is a run that trains nothing, like a rollback: it stays
-- outside the one-training-run-at-a-time rule.
DROP INDEX runs_one_training_run;
CREATE UNIQUE INDEX runs_one_training_run ON runs(model_name)
  WHERE status = 'running' AND trigger NOT IN ('ci', 'rollback', 'shadow');
