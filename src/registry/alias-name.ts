// What an alias may be called, checked the same way by every registry store.

import { badRequest } from "../errors.ts";

const ALIAS_NAME = /^[A-Za-z][A-Za-z0-9_-]{0,63}$/;

export function checkAliasName(alias: string): void {
  if (!ALIAS_NAME.test(alias)) {
    throw badRequest(
      `Alias "${alias}" is not valid: use a letter then letters, digits, "_" or "-" (at most 64)`,
    );
  }
}
