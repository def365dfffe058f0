-- Runs remember the replica (process) that does them, so a restart fails
-- only the runs of a process that is gone; and at most one training run per
-- model is running at a time, enforced by the database itself (single-flight
-- holds even between two processes on one file). Dispatch (`ci`) and
-- `rollback` runs train nothing and stay outside that rule.
ALTER TABLE runs ADD COLUMN owner INTEGER;

UPDATE runs SET status = 'failed', decision = 'none',
  reason = 'interrupted: another training run of this model was running at the same time',
  error = 'interrupted: another training run of this model was running at the same time',
  finished_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
WHERE status = 'running' AND trigger NOT IN ('ci', 'rollback')
  AND rowid NOT IN (
    SELECT MAX(rowid) FROM runs WHERE status = 'running' AND trigger NOT IN ('ci', 'rollback')
    GROUP BY model_name);

CREATE UNIQUE INDEX runs_one_training_run ON runs(model_name)
  WHERE status = 'running' AND trigger NOT IN ('ci', 'rollback');
