// openStore on a real file: WAL mode, and numbered migrations applied once each.

import type { Database } from "bun:sqlite";
import { describe, expect, test } from "bun:test";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { MIGRATIONS, type Migration } from "../../src/store/migrations/index.ts";
import { openStore } from "../../src/store/sqlite.ts";
import { useTempDirs } from "../helpers/temp-dir.ts";

const tempDir = useTempDirs("keel-store-");

const appliedVersions = (db: Database) =>
  db
    .query<{ version: number; name: string }, []>(
      "SELECT version, name FROM schema_migrations ORDER BY version",
    )
    .all();

const tableNames = (db: Database) =>
  db
    .query<{ name: string }, []>("SELECT name FROM sqlite_master WHERE type = 'table'")
    .all()
    .map((row) => row.name);

describe("openStore", () => {
  test("creates the database file, and its missing parent directories, in WAL mode", () => {
    const path = join(tempDir(), "nested", "dir", "keel.db");
    const db = openStore(path);
    expect(existsSync(path)).toBe(true);
    expect(db.query<{ journal_mode: string }, []>("PRAGMA journal_mode").get()).toEqual({
      journal_mode: "wal",
    });
    expect(db.query<{ foreign_keys: number }, []>("PRAGMA foreign_keys").get()).toEqual({
      foreign_keys: 1,
    });
    db.close();
  });

  test("applies every migration and records each one", () => {
    const db = openStore(join(tempDir(), "keel.db"));
    expect(appliedVersions(db)).toEqual(
      MIGRATIONS.map((m) => ({ version: m.version, name: m.name })),
    );
    expect(tableNames(db)).toEqual(
      expect.arrayContaining([
        "models",
        "model_versions",
        "aliases",
        "alias_events",
        "runs",
        "run_metrics",
      ]),
    );
    db.close();
  });

  test("opening the same file twice applies nothing again: one row per migration", () => {
    const path = join(tempDir(), "keel.db");
    openStore(path).close();
    const db = openStore(path);
    expect(appliedVersions(db)).toHaveLength(MIGRATIONS.length);
    db.close();
  });

  test("keeps data written before a reopen", () => {
    const path = join(tempDir(), "keel.db");
    const first = openStore(path);
    first.query("INSERT INTO models (name, created_at) VALUES (?, ?)").run("weather", "2024-01-01");
    first.close();
    const second = openStore(path);
    expect(second.query("SELECT name FROM models").all()).toEqual([{ name: "weather" }]);
    second.close();
  });

  test("a new migration added later is applied on the next open, and only it", () => {
    const path = join(tempDir(), "keel.db");
    openStore(path).close();
    const next: Migration = {
      version: 99,
      name: "099_notes",
      sql: "CREATE TABLE notes (body TEXT)",
    };
    const db = openStore(path, [...MIGRATIONS, next]);
    expect(appliedVersions(db).map((row) => row.version)).toEqual([
      ...MIGRATIONS.map((m) => m.version),
      99,
    ]);
    expect(tableNames(db)).toContain("notes");
    db.close();
  });

  test("a migration that fails is rolled back and not recorded", () => {
    const path = join(tempDir(), "keel.db");
    const broken: Migration = {
      version: 2,
      name: "002_broken",
      sql: "CREATE TABLE half_done (x INTEGER); INSERT INTO no_such_table VALUES (1);",
    };
    expect(() => openStore(path, [...MIGRATIONS, broken])).toThrow(/no_such_table/);
    const db = openStore(path);
    expect(appliedVersions(db)).toHaveLength(MIGRATIONS.length);
    expect(tableNames(db)).not.toContain("half_done");
    db.close();
  });

  test("an in-memory database works too", () => {
    const db = openStore(":memory:");
    expect(appliedVersions(db)).toHaveLength(MIGRATIONS.length);
    db.close();
  });
});
