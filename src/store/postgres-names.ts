// The names keel uses on PostgreSQL besides its tables: the advisory locks it
// takes, as (namespace, key) pairs so they never collide with another
// application's locks on the same database, and its NOTIFY channels.

/** Alias moves; the payload is `{"model", "alias", "version"}`, sent when the move commits. */
export const ALIAS_CHANNEL = "keel_alias_moved";

export const LOCK_NAMESPACE = {
  /** Held while migrating (transaction lock). */
  migrations: 0x6b65_6c00,
  /** (namespace, replica id): held by each live replica on its own connection. */
  replica: 0x6b65_6c01,
  /** (namespace, hash of the model name): held by the model's leader. */
  leader: 0x6b65_6c02,
} as const;

/** A model name as a 32-bit lock key (FNV-1a). */
export function lockKeyOf(name: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) {
    hash ^= name.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash | 0;
}
