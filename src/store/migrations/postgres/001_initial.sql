-- keel's state on PostgreSQL, shared by every replica: the same schema as the
-- SQLite migrations 001–003 (jsonb for JSON, timestamptz for instants, bytea
-- for bytes), plus the ONNX artifacts themselves and the replicas' registry.
-- Ids read by the API are int4 (serial); the live window's own id, which
-- turns over fast, is int8 and never leaves the database.

-- Registry: models, their numbered versions, and movable aliases with an audit trail.
CREATE TABLE models (
  name        text PRIMARY KEY,
  created_at  timestamptz NOT NULL
);

-- ONNX files, content-addressed: written in the same transaction as the version that names them.
CREATE TABLE artifacts (
  sha256      text PRIMARY KEY,
  bytes       bytea NOT NULL,
  size_bytes  integer NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE model_versions (
  model_name     text NOT NULL REFERENCES models(name),
  version        integer NOT NULL,
  artifact_path  text NOT NULL,
  sha256         text NOT NULL,
  size_bytes     integer NOT NULL,
  signature      jsonb NOT NULL,
  metrics        jsonb NOT NULL DEFAULT '{}',
  algorithm      text,
  run_id         text,
  source         text NOT NULL CHECK (source IN ('trained', 'uploaded')),
  created_at     timestamptz NOT NULL,
  PRIMARY KEY (model_name, version)
);

CREATE TABLE aliases (
  model_name  text NOT NULL REFERENCES models(name),
  alias       text NOT NULL,
  version     integer NOT NULL,
  updated_at  timestamptz NOT NULL,
  PRIMARY KEY (model_name, alias),
  FOREIGN KEY (model_name, version) REFERENCES model_versions(model_name, version)
);

CREATE TABLE alias_events (
  id            serial PRIMARY KEY,
  model_name    text NOT NULL,
  alias         text NOT NULL,
  from_version  integer,
  to_version    integer,
  actor         text NOT NULL,
  reason        text,
  at            timestamptz NOT NULL
);
CREATE INDEX alias_events_by_alias ON alias_events(model_name, alias, id);

-- Tracking: every run, its parameters and metric series. `owner` is the
-- replica doing it (replicas.id); `seq` orders runs started in the same instant.
CREATE TABLE runs (
  id            text PRIMARY KEY,
  seq           bigserial,
  model_name    text NOT NULL,
  trigger       text NOT NULL,
  status        text NOT NULL,
  started_at    timestamptz NOT NULL,
  finished_at   timestamptz,
  duration_ms   integer,
  params        jsonb NOT NULL DEFAULT '{}',
  dataset       jsonb,
  version       integer,
  decision      text,
  reason        text,
  error         text,
  progress      jsonb,
  owner         integer
);
CREATE INDEX runs_by_start ON runs(started_at DESC, seq DESC);
CREATE INDEX runs_by_status ON runs(status);
-- Single-flight across replicas: one running training run per model.
CREATE UNIQUE INDEX runs_one_training_run ON runs(model_name)
  WHERE status = 'running' AND trigger NOT IN ('ci', 'rollback');

CREATE TABLE run_metrics (
  id      bigserial PRIMARY KEY,
  run_id  text NOT NULL REFERENCES runs(id),
  key     text NOT NULL,
  value   double precision NOT NULL,
  step    integer NOT NULL DEFAULT 0,
  at      timestamptz NOT NULL
);
CREATE INDEX run_metrics_by_run ON run_metrics(run_id, key, step);

-- Drift monitoring: the live window every replica writes into (ground truth
-- joined by /feedback), reference profiles per version, which one is active,
-- and the history of drift reports.
CREATE TABLE live_rows (
  id             bigserial PRIMARY KEY,
  prediction_id  text NOT NULL UNIQUE,
  model_name     text NOT NULL,
  version        integer NOT NULL,
  at             bigint NOT NULL,          -- epoch ms
  inputs         jsonb NOT NULL,
  prediction     jsonb NOT NULL,
  label          jsonb,
  labelled_at    bigint
);
CREATE INDEX live_rows_by_model_time ON live_rows(model_name, at);
CREATE INDEX live_rows_by_model_id ON live_rows(model_name, id);
CREATE INDEX live_rows_labelled ON live_rows(model_name, version) WHERE label IS NOT NULL;

CREATE TABLE drift_references (
  id          serial PRIMARY KEY,
  model_name  text NOT NULL,
  version     integer,
  source      text NOT NULL CHECK (source IN ('training', 'upload')),
  rows        integer NOT NULL,
  profile     bytea NOT NULL,
  created_at  timestamptz NOT NULL
);
CREATE INDEX drift_references_by_version ON drift_references(model_name, version);

CREATE TABLE drift_active_reference (
  model_name    text PRIMARY KEY,
  reference_id  integer NOT NULL REFERENCES drift_references(id),
  activated_at  bigint NOT NULL           -- epoch ms
);

CREATE TABLE drift_reports (
  id             serial PRIMARY KEY,
  model_name     text NOT NULL,
  version        integer,
  reference_id   integer NOT NULL,
  trigger        text NOT NULL,
  dataset_drift  boolean NOT NULL,
  drift_share    double precision NOT NULL,
  report         jsonb NOT NULL,
  created_at     timestamptz NOT NULL
);
CREATE INDEX drift_reports_by_model ON drift_reports(model_name, id DESC);

-- Replicas that joined; a replica is alive while it holds its advisory lock
-- (pg_locks), so a crash frees its runs for the leader to fail.
CREATE TABLE replicas (
  id          serial PRIMARY KEY,
  host        text NOT NULL,
  pid         integer NOT NULL,
  started_at  timestamptz NOT NULL DEFAULT now()
);
