-- Registry: models, their numbered versions, and movable aliases with an audit trail.
CREATE TABLE models (
  name        TEXT PRIMARY KEY,
  created_at  TEXT NOT NULL
);

CREATE TABLE model_versions (
  model_name     TEXT NOT NULL REFERENCES models(name),
  version        INTEGER NOT NULL,
  artifact_path  TEXT NOT NULL,
  sha256         TEXT NOT NULL,
  size_bytes     INTEGER NOT NULL,
  signature      TEXT NOT NULL,          -- JSON: task, target, features, classes
  metrics        TEXT NOT NULL DEFAULT '{}',
  algorithm      TEXT,
  run_id         TEXT,
  source         TEXT NOT NULL CHECK (source IN ('trained', 'uploaded')),
  created_at     TEXT NOT NULL,
  PRIMARY KEY (model_name, version)
);

CREATE TABLE aliases (
  model_name  TEXT NOT NULL REFERENCES models(name),
  alias       TEXT NOT NULL,
  version     INTEGER NOT NULL,
  updated_at  TEXT NOT NULL,
  PRIMARY KEY (model_name, alias),
  FOREIGN KEY (model_name, version) REFERENCES model_versions(model_name, version)
);

CREATE TABLE alias_events (
  id            INTEGER PRIMARY KEY AUTOINCREMENT,
  model_name    TEXT NOT NULL,
  alias         TEXT NOT NULL,
  from_version  INTEGER,
  to_version    INTEGER,                -- NULL when the alias was deleted
  actor         TEXT NOT NULL,
  reason        TEXT,
  at            TEXT NOT NULL
);
CREATE INDEX alias_events_by_alias ON alias_events(model_name, alias, id);

-- Tracking: every training run, its parameters and metric series.
CREATE TABLE runs (
  id            TEXT PRIMARY KEY,
  model_name    TEXT NOT NULL,
  trigger       TEXT NOT NULL,
  status        TEXT NOT NULL,
  started_at    TEXT NOT NULL,
  finished_at   TEXT,
  duration_ms   INTEGER,
  params        TEXT NOT NULL DEFAULT '{}',
  dataset       TEXT,                   -- JSON fingerprint
  version       INTEGER,                -- the version this run registered
  decision      TEXT,
  reason        TEXT,
  error         TEXT,
  progress      TEXT                    -- JSON: latest stage and step
);
CREATE INDEX runs_by_start ON runs(started_at DESC);
CREATE INDEX runs_by_status ON runs(status);

CREATE TABLE run_metrics (
  run_id  TEXT NOT NULL REFERENCES runs(id),
  key     TEXT NOT NULL,
  value   REAL NOT NULL,
  step    INTEGER NOT NULL DEFAULT 0,
  at      TEXT NOT NULL
);
CREATE INDEX run_metrics_by_run ON run_metrics(run_id, key, step);
