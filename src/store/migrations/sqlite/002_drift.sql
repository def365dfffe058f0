-- Drift monitoring: the live window of captured predictions (with ground truth
-- joined by /feedback), reference profiles per model version, which reference is
-- active, and the history of drift reports.
CREATE TABLE live_rows (
  id             INTEGER PRIMARY KEY AUTOINCREMENT,
  prediction_id  TEXT NOT NULL UNIQUE,
  model_name     TEXT NOT NULL,
  version        INTEGER NOT NULL,
  at             INTEGER NOT NULL,        -- epoch ms
  inputs         TEXT NOT NULL,           -- JSON object, as sent
  prediction     TEXT NOT NULL,           -- JSON: class label or value
  label          TEXT,                    -- JSON ground truth from /feedback
  labelled_at    INTEGER
);
CREATE INDEX live_rows_by_model_time ON live_rows(model_name, at);
CREATE INDEX live_rows_labelled ON live_rows(model_name, version) WHERE label IS NOT NULL;

CREATE TABLE drift_references (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  model_name  TEXT NOT NULL,
  version     INTEGER,                    -- the version whose training data it profiles (NULL: uploaded)
  source      TEXT NOT NULL CHECK (source IN ('training', 'upload')),
  rows        INTEGER NOT NULL,
  profile     BLOB NOT NULL,
  created_at  TEXT NOT NULL
);
CREATE INDEX drift_references_by_version ON drift_references(model_name, version);

CREATE TABLE drift_active_reference (
  model_name    TEXT PRIMARY KEY,
  reference_id  INTEGER NOT NULL REFERENCES drift_references(id),
  activated_at  INTEGER NOT NULL          -- epoch ms: the live window is compared from here on
);

CREATE TABLE drift_reports (
  id             INTEGER PRIMARY KEY AUTOINCREMENT,
  model_name     TEXT NOT NULL,
  version        INTEGER,
  reference_id   INTEGER NOT NULL,
  trigger        TEXT NOT NULL,           -- api | schedule | policy
  dataset_drift  INTEGER NOT NULL,
  drift_share    REAL NOT NULL,
  report         TEXT NOT NULL,           -- JSON
  created_at     TEXT NOT NULL
);
CREATE INDEX drift_reports_by_model ON drift_reports(model_name, id DESC);
