// The ordered list of schema migrations. SQL files are imported as text so a
// compiled single binary carries them too; add a new file and a line here.

import initial from "./001_initial.sql" with { type: "text" };
import drift from "./002_drift.sql" with { type: "text" };

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const MIGRATIONS: Migration[] = [
  { version: 1, name: "001_initial", sql: initial },
  { version: 2, name: "002_drift", sql: drift },
];
