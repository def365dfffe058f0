// The ordered schema migrations of each backend. SQL files are imported as
// text so a compiled single binary carries them too; add a file and a line
// here. Both lists describe the same schema (the store contract tests hold
// the two backends to one behaviour).

import postgresInitial from "./postgres/001_initial.sql" with { type: "text" };
import postgresLiveScores from "./postgres/002_live_scores.sql" with { type: "text" };
import sqliteInitial from "./sqlite/001_initial.sql" with { type: "text" };
import sqliteDrift from "./sqlite/002_drift.sql" with { type: "text" };
import sqliteRunOwner from "./sqlite/003_run_owner.sql" with { type: "text" };
import sqliteLiveScores from "./sqlite/004_live_scores.sql" with { type: "text" };

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const MIGRATIONS: Migration[] = [
  { version: 1, name: "001_initial", sql: sqliteInitial },
  { version: 2, name: "002_drift", sql: sqliteDrift },
  { version: 3, name: "003_run_owner", sql: sqliteRunOwner },
  { version: 4, name: "004_live_scores", sql: sqliteLiveScores },
];

export const POSTGRES_MIGRATIONS: Migration[] = [
  { version: 1, name: "001_initial", sql: postgresInitial },
  { version: 2, name: "002_live_scores", sql: postgresLiveScores },
];
