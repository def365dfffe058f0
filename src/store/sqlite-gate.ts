// SQLite answers every statement synchronously on one connection, so its
// async store ports are the synchronous stores behind a gate: one operation
// at a time, and none at all while a transaction is open (BEGIN … awaits …
// COMMIT), whose statements would otherwise pick up whatever else ran on the
// connection in between. A transaction's own ports go around the gate.

import type { Database } from "bun:sqlite";
import { AsyncLocalStorage } from "node:async_hooks";
import { createMutex } from "../mutex.ts";

/** A port whose methods may answer synchronously: what a SQLite store implements. */
export type Synchronous<T> = {
  [K in keyof T]: T[K] extends (...args: infer A) => Promise<infer R>
    ? (...args: A) => R | Promise<R>
    : T[K];
};

export interface SqliteGate {
  /** The async port over a synchronous store, each call waiting its turn. */
  wrap<T extends object>(store: Synchronous<T>): T;
  /** Runs `work` in one transaction (BEGIN IMMEDIATE: the write lock up front), rolled back if it throws. */
  transaction<T>(db: Database, work: () => Promise<T>): Promise<T>;
}

export function createSqliteGate(): SqliteGate {
  const mutex = createMutex();
  const insideTransaction = new AsyncLocalStorage<true>();

  const exclusive = <T>(work: () => T | Promise<T>): Promise<T> => {
    if (insideTransaction.getStore()) {
      return Promise.reject(
        new Error(
          "A store call inside a transaction must go through the transaction's own ports (it would wait for itself)",
        ),
      );
    }
    return mutex(work);
  };

  return {
    wrap<T extends object>(store: Synchronous<T>): T {
      const wrapped: Record<string, unknown> = {};
      for (const [name, member] of Object.entries(store)) {
        wrapped[name] =
          typeof member === "function"
            ? (...args: unknown[]) => exclusive(() => member.apply(store, args))
            : member;
      }
      return wrapped as T;
    },
    transaction(db, work) {
      return exclusive(() =>
        insideTransaction.run(true, async () => {
          db.exec("BEGIN IMMEDIATE");
          try {
            const value = await work();
            db.exec("COMMIT");
            return value;
          } catch (error) {
            if (db.inTransaction) db.exec("ROLLBACK");
            throw error;
          }
        }),
      );
    },
  };
}

/** The ports of an open transaction: the synchronous stores, answering as promises without the gate. */
export function ungated<T extends object>(store: Synchronous<T>): T {
  const wrapped: Record<string, unknown> = {};
  for (const [name, member] of Object.entries(store)) {
    wrapped[name] =
      typeof member === "function"
        ? async (...args: unknown[]) => member.apply(store, args)
        : member;
  }
  return wrapped as T;
}
